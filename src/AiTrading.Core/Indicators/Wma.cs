namespace AiTrading.Core.Indicators;

/// <summary>
/// Weighted moving average, as TA-Lib's WMA: weights 1..<c>period</c> (newest heaviest) divided by
/// <c>period·(period+1)/2</c>, first value on the <c>period</c>-th input. O(1) per update: a running weighted sum
/// and a running plain sum over a ring buffer (each update adds <c>period·x</c> and drops the plain sum).
/// </summary>
public sealed class Wma : WindowIndicator
{
    private readonly double _divider;
    // Weighted sum of the newest period-1 values (weights 1..period-1) and their plain sum, between updates.
    private double _weightedSum;
    private double _sum;

    public Wma(int period) : base($"WMA_{period}", period, period) => _divider = period * (period + 1.0) / 2.0;

    protected override double Step(double value, double periodAgo)
    {
        _sum += value;
        if (Samples < Period)
        {
            _weightedSum += value * Samples;
            return double.NaN;
        }
        _weightedSum += value * Period;
        var average = _weightedSum / _divider;
        // Every value's weight drops by one; the oldest (weight 1) leaves the window.
        _weightedSum -= _sum;
        _sum -= Window.Oldest;
        return average;
    }

    protected override void OnReset()
    {
        base.OnReset();
        _weightedSum = 0;
        _sum = 0;
    }
}
