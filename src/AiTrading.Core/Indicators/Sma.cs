namespace AiTrading.Core.Indicators;

/// <summary>
/// Simple moving average, as TA-Lib's SMA: the mean of the last <c>period</c> values, first value on the
/// <c>period</c>-th input. O(1) per update with a running sum over a ring buffer.
/// </summary>
public sealed class Sma(int period) : WindowIndicator($"SMA_{period}", period, period)
{
    // Sum of the newest period-1 values between updates (TA-Lib adds the new value, divides, then drops the oldest).
    // Once warm, one compensated add per update: the new value less the one leaving, a difference that is exact for
    // prices within a factor of two of each other (Sterbenz), so the sum keeps no drift at the cost of one add.
    private CompensatedSum _sum;

    protected override double Step(double value, double periodAgo)
    {
        if (Samples < Period)
        {
            _sum.Add(value);
            return double.NaN;
        }
        var mean = (_sum.Value + value) / Period;
        _sum.Add(value - Window.Oldest); // the oldest value of the window just used leaves
        return mean;
    }

    protected override void OnReset()
    {
        base.OnReset();
        _sum.Clear();
    }
}
