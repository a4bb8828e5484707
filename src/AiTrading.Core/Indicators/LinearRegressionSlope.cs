namespace AiTrading.Core.Indicators;

/// <summary>
/// Slope of the least-squares line through the last <c>period</c> values, per input, as TA-Lib's
/// LINEARREG_SLOPE; first value on the <c>period</c>-th input. Each update sums the ring buffer afresh, oldest
/// first as TA-Lib does (O(period), no allocation): running sums drift by more than the 1e-9 parity allows on
/// slopes near zero. TA-Lib needs a period of at least 2; a period of 1 (one
/// point, no line) gives 0 here rather than NaN.
/// </summary>
public sealed class LinearRegressionSlope : WindowIndicator
{
    private readonly double _sumX;
    private readonly double _divisor;

    public LinearRegressionSlope(int period) : base($"LINEARREG_SLOPE_{period}", period, period)
    {
        _sumX = period * (period - 1) * 0.5;
        var sumXSquared = period * (period - 1.0) * (2.0 * period - 1) / 6;
        _divisor = _sumX * _sumX - period * sumXSquared;
    }

    protected override double Step(double value, double periodAgo)
    {
        if (Samples < Period) return double.NaN;
        // x is the age (0 for the newest), so the slope per input is −(the slope over age): TA-Lib's divisor
        // has the matching sign.
        var sumY = 0.0;
        var sumXY = 0.0;
        for (var age = Period - 1; age >= 0; age--)
        {
            var y = Window[Period - 1 - age]; // oldest first
            sumY += y;
            sumXY += age * y;
        }
        return _divisor != 0 ? (Period * sumXY - _sumX * sumY) / _divisor : 0;
    }
}
