namespace AiTrading.Core.Indicators;

/// <summary>
/// Rate of change in percent, as TA-Lib's ROC: <c>(x / x[period ago] − 1)·100</c>, first value on input
/// <c>period+1</c>. When the value <c>period</c> inputs ago is zero the result is 0, as in TA-Lib, so it is never
/// NaN or infinite once ready. O(1) per update with a ring buffer of the last <c>period</c> values.
/// </summary>
public sealed class Roc : ISeriesIndicator
{
    private readonly RollingWindow _window;

    public Roc(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        Name = $"ROC_{period}";
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
        if (_window.Count > Period) Value = periodAgo != 0 ? (value / periodAgo - 1.0) * 100.0 : 0;
    }

    public void Reset()
    {
        _window.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Roc(period), input, output);
}
