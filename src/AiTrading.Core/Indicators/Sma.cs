namespace AiTrading.Core.Indicators;

/// <summary>
/// Simple moving average, as TA-Lib's SMA: the mean of the last <c>period</c> values, first value on the
/// <c>period</c>-th input. O(1) per update with a running sum over a ring buffer.
/// </summary>
public sealed class Sma(int period) : WindowIndicator($"SMA_{period}", period, period)
{
    // Sum of the newest period-1 values between updates (TA-Lib adds the new value, divides, then drops the oldest).
    private CompensatedSum _sum;

    protected override double Step(double value, double periodAgo)
    {
        _sum.Add(value);
        if (Samples < Period) return double.NaN;
        var mean = _sum.Value / Period;
        _sum.Add(-Window.Oldest); // the oldest value of the window just used
        return mean;
    }

    protected override void OnReset()
    {
        base.OnReset();
        _sum.Clear();
    }
}
