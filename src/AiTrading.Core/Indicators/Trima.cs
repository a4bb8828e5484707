namespace AiTrading.Core.Indicators;

/// <summary>
/// Triangular moving average, as TA-Lib's TRIMA: weights rising 1, 2, … to the middle of the window and falling
/// back to 1, which is an SMA of an SMA: of lengths <c>(period+1)/2</c> twice for an odd period, and
/// <c>period/2</c> then <c>period/2+1</c> for an even one. First value on the <c>period</c>-th input; O(1) per update.
/// </summary>
public sealed class Trima : SeriesIndicator
{
    private readonly Sma _inner;
    private readonly Sma _outer;

    public Trima(int period) : base($"TRIMA_{RequirePeriod(period)}", period)
    {
        Period = period;
        var innerLength = period % 2 == 1 ? (period + 1) / 2 : period / 2;
        _inner = new Sma(innerLength);
        _outer = new Sma(period + 1 - innerLength);
    }

    public int Period { get; }

    protected override double Step(double value)
    {
        _inner.Update(value);
        if (!_inner.IsReady) return double.NaN;
        _outer.Update(_inner.Value);
        return _outer.Value;
    }

    protected override void OnReset()
    {
        _inner.Reset();
        _outer.Reset();
    }
}
