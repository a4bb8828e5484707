namespace AiTrading.Core.Indicators;

/// <summary>
/// Slope of the least-squares line through the last <c>period</c> values, per input, as TA-Lib's
/// LINEARREG_SLOPE; first value on the <c>period</c>-th input. Each update sums the ring buffer afresh, oldest
/// first as TA-Lib does (O(period), no allocation): running sums drift by more than the 1e-9 parity allows on
/// slopes near zero. TA-Lib needs a period of at least 2; a period of 1 (one
/// point, no line) gives 0 here rather than NaN.
/// </summary>
public sealed class LinearRegressionSlope : ISeriesIndicator
{
    private readonly RollingWindow _window;
    private readonly double _sumX;
    private readonly double _divisor;

    public LinearRegressionSlope(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        _sumX = period * (period - 1) * 0.5;
        var sumXSquared = period * (period - 1.0) * (2.0 * period - 1) / 6;
        _divisor = _sumX * _sumX - period * sumXSquared;
        Name = $"LINEARREG_SLOPE_{period}";
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
        if (_window.Count < Period) return;

        // x is the age (0 for the newest), so the slope per input is −(the slope over age): TA-Lib's divisor
        // has the matching sign.
        var sumY = 0.0;
        var sumXY = 0.0;
        for (var age = Period - 1; age >= 0; age--)
        {
            var y = _window[Period - 1 - age]; // oldest first
            sumY += y;
            sumXY += age * y;
        }
        Value = _divisor != 0 ? (Period * sumXY - _sumX * sumY) / _divisor : 0;
    }

    public void Reset()
    {
        _window.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new LinearRegressionSlope(period), input, output);
}
