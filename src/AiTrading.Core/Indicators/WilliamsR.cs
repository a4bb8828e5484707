namespace AiTrading.Core.Indicators;

/// <summary>
/// Williams' %R, as TA-Lib's WILLR: <c>−100·(highest high − close)/(highest high − lowest low)</c> over the last
/// <c>period</c> bars (the current one included), first value on the <c>period</c>-th bar, in [−100, 0].
/// When the range is zero (flat prices) the value is 0, as in TA-Lib. Never NaN once ready.
/// The extremes come from monotonic queues of bar numbers: amortized O(1) per update, no allocation.
/// </summary>
public sealed class WilliamsR : IBarIndicator
{
    private readonly WindowRange _range;

    public WilliamsR(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _range = new WindowRange(period);
        Name = $"WILLR_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period;
    public bool IsReady => _range.Count >= Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        var (highest, lowest) = _range.Add(high, low);
        if (_range.Count < Period) return;
        var range = (highest - lowest) / -100.0;
        Value = range != 0 ? (highest - close) / range : 0;
    }

    public void Reset()
    {
        _range.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output, int period) =>
        IndicatorBatch.Run(new WilliamsR(period), high, low, close, output);
}
