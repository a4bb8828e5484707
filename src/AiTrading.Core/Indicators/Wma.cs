namespace AiTrading.Core.Indicators;

/// <summary>
/// Weighted moving average, as TA-Lib's WMA: weights 1..<c>period</c> (newest heaviest) divided by
/// <c>period·(period+1)/2</c>, first value on the <c>period</c>-th input. O(1) per update: a running weighted sum
/// and a running plain sum over a ring buffer (each update adds <c>period·x</c> and drops the plain sum).
/// </summary>
public sealed class Wma : ISeriesIndicator
{
    private readonly RollingWindow _window;
    private readonly double _divider;
    // Weighted sum of the newest period-1 values (weights 1..period-1) and their plain sum, between updates.
    private double _weightedSum;
    private double _sum;

    public Wma(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        _divider = period * (period + 1.0) / 2.0;
        Name = $"WMA_{period}";
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
        if (_window.Count < Period)
        {
            _sum += value;
            _weightedSum += value * _window.Count;
            return;
        }

        _sum += value;
        _weightedSum += value * Period;
        Value = _weightedSum / _divider;
        // Every value's weight drops by one; the oldest (weight 1) leaves the window.
        _weightedSum -= _sum;
        _sum -= _window.Oldest;
    }

    public void Reset()
    {
        _window.Reset();
        _weightedSum = 0;
        _sum = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Wma(period), input, output);
}
