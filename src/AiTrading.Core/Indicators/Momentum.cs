namespace AiTrading.Core.Indicators;

/// <summary>
/// Momentum, as TA-Lib's MOM: <c>x − x[period ago]</c>, first value on input <c>period+1</c>.
/// O(1) per update with a ring buffer of the last <c>period</c> values.
/// </summary>
public sealed class Momentum : ISeriesIndicator
{
    private readonly RollingWindow _window;

    public Momentum(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        Name = $"MOM_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period + 1;
    public bool IsReady => _window.Count > Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        var periodAgo = _window.Push(value); // the value period inputs ago, once there are that many
        if (_window.Count > Period) Value = value - periodAgo;
    }

    public void Reset()
    {
        _window.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Momentum(period), input, output);
}
