namespace AiTrading.Core.Indicators;

/// <summary>
/// Simple moving average, as TA-Lib's SMA: the mean of the last <c>period</c> values, first value on the
/// <c>period</c>-th input. O(1) per update with a running sum over a ring buffer.
/// </summary>
public sealed class Sma : ISeriesIndicator
{
    private readonly RollingWindow _window;
    // Sum of the newest period-1 values between updates (TA-Lib adds the new value, divides, then drops the oldest).
    private CompensatedSum _sum;

    public Sma(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        Name = $"SMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period;
    public bool IsReady => _window.Count >= Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        _window.Push(value);
        _sum.Add(value);
        if (_window.Count < Period) return;
        Value = _sum.Value / Period;
        _sum.Add(-_window.Oldest); // the oldest value of the window just used
    }

    public void Reset()
    {
        _window.Reset();
        _sum.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Sma(period), input, output);
}
