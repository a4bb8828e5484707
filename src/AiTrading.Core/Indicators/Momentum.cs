namespace AiTrading.Core.Indicators;

/// <summary>
/// Momentum, as TA-Lib's MOM: <c>x − x[period ago]</c>, first value on input <c>period+1</c>.
/// O(1) per update with a ring buffer of the last <c>period</c> values.
/// </summary>
public sealed class Momentum : ISeriesIndicator
{
    private readonly double[] _window;
    private int _next;
    private int _samples;

    public Momentum(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new double[period];
        Name = $"MOM_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period + 1;
    public bool IsReady => _samples > Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        var periodAgo = _window[_next]; // the value period inputs ago, once there are that many
        _window[_next] = value;
        _next = _next + 1 == Period ? 0 : _next + 1;
        if (++_samples > Period) Value = value - periodAgo;
    }

    public void Reset()
    {
        Array.Clear(_window);
        _next = 0;
        _samples = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Momentum(period), input, output);
}
