namespace AiTrading.Core.Indicators;

/// <summary>
/// Population standard deviation of the last <c>period</c> values, as TA-Lib's STDDEV with nbdev 1:
/// <c>sqrt(mean(x²) − mean(x)²)</c> from running sums, first value on the <c>period</c>-th input. O(1) per update.
/// A variance that rounding leaves at or below zero (flat prices) gives 0. TA-Lib gives 0 below a fixed 1e-8
/// variance; this tests for zero or less, so the value does not depend on the price scale. Never NaN once ready.
/// </summary>
public sealed class StdDev : ISeriesIndicator
{
    private readonly RollingWindow _window;
    // Sums of the newest period-1 values and of their squares between updates.
    private CompensatedSum _sum;
    private CompensatedSum _sumOfSquares;

    public StdDev(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        Name = $"STDDEV_{period}";
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
        _sumOfSquares.Add(value * value);
        if (_window.Count < Period) return;

        var mean = _sum.Value / Period;
        var meanOfSquares = _sumOfSquares.Value / Period;
        var variance = meanOfSquares - mean * mean;
        Value = variance > 0 ? Math.Sqrt(variance) : 0;
        var oldest = _window.Oldest;
        _sum.Add(-oldest);
        _sumOfSquares.Add(-oldest * oldest);
    }

    public void Reset()
    {
        _window.Reset();
        _sum.Reset();
        _sumOfSquares.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new StdDev(period), input, output);
}
