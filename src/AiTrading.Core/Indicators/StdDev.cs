namespace AiTrading.Core.Indicators;

/// <summary>
/// Population standard deviation of the last <c>period</c> values, as TA-Lib's STDDEV with nbdev 1:
/// <c>sqrt(mean(x²) − mean(x)²)</c> from running sums, first value on the <c>period</c>-th input. O(1) per update.
/// A variance that rounding leaves at or below zero (flat prices) gives 0. TA-Lib gives 0 below a fixed 1e-8
/// variance; this tests for zero or less, so the value does not depend on the price scale. Never NaN once ready.
/// </summary>
public sealed class StdDev(int period) : WindowIndicator($"STDDEV_{period}", period, period)
{
    // Sums of the newest period-1 values and of their squares between updates.
    private CompensatedSum _sum;
    private CompensatedSum _sumOfSquares;

    protected override double Step(double value, double periodAgo)
    {
        _sum.Add(value);
        _sumOfSquares.Add(value * value);
        if (Samples < Period) return double.NaN;

        var mean = _sum.Value / Period;
        var meanOfSquares = _sumOfSquares.Value / Period;
        var variance = meanOfSquares - mean * mean;
        var oldest = Window.Oldest;
        _sum.Add(-oldest);
        _sumOfSquares.Add(-oldest * oldest);
        return variance > 0 ? Math.Sqrt(variance) : 0;
    }

    protected override void OnReset()
    {
        base.OnReset();
        _sum.Clear();
        _sumOfSquares.Clear();
    }
}
