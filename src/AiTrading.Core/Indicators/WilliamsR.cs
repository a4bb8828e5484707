namespace AiTrading.Core.Indicators;

/// <summary>
/// Williams' %R, as TA-Lib's WILLR: <c>−100·(highest high − close)/(highest high − lowest low)</c> over the last
/// <c>period</c> bars (the current one included), first value on the <c>period</c>-th bar, in [−100, 0].
/// When the range is zero (flat prices) the value is 0, as in TA-Lib. Never NaN once ready.
/// The extremes come from monotonic queues of bar numbers: amortized O(1) per update, no allocation.
/// </summary>
public sealed class WilliamsR : BarIndicator
{
    private readonly WindowRange _range;

    public WilliamsR(int period) : base($"WILLR_{RequirePeriod(period)}", period)
    {
        Period = period;
        _range = new WindowRange(period);
    }

    public int Period { get; }

    protected override double Step(double high, double low, double close)
    {
        var (highest, lowest) = _range.Add(high, low);
        var range = (highest - lowest) / -100.0;
        return range != 0 ? (highest - close) / range : 0;
    }

    protected override void OnReset() => _range.Reset();
}
