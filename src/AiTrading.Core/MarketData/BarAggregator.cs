namespace AiTrading.Core.MarketData;

/// <summary>
/// Builds time bars of one timeframe from ticks, on the mid. A tick at or after the forming bar's close time
/// completes it. Gaps produce no empty bars. Volume is traded size when ticks carry trades, else the tick count.
/// </summary>
public sealed class BarAggregator(string symbol, Timeframe timeframe)
{
    private DateTimeOffset _openTime;
    private double _open, _high, _low, _close, _volume;
    private int _ticks;

    public Timeframe Timeframe { get; } = timeframe;

    /// <summary>The bar being formed, or null before the first tick.</summary>
    public Bar? Current => _ticks == 0 ? null : Build();

    public bool Update(in Tick tick, out Bar? completed)
    {
        completed = null;
        if (_ticks > 0 && tick.Time < _openTime)
            throw new ArgumentException($"{symbol}: tick at {tick.Time:O} is older than the forming bar opened at {_openTime:O}", nameof(tick));
        var mid = tick.Mid;
        var volume = tick.HasTrade ? tick.LastSize : 1.0;
        if (_ticks > 0 && tick.Time >= _openTime + Timeframe.Duration)
        {
            completed = Build();
            _ticks = 0;
        }
        if (_ticks == 0)
        {
            _openTime = Timeframe.Floor(tick.Time);
            _open = _high = _low = _close = mid;
            _volume = volume;
            _ticks = 1;
            return completed is not null;
        }
        if (mid > _high) _high = mid;
        if (mid < _low) _low = mid;
        _close = mid;
        _volume += volume;
        _ticks++;
        return false;
    }

    public void Reset() => _ticks = 0;

    private Bar Build() => new(symbol, Timeframe, _openTime, _open, _high, _low, _close, _volume, _ticks);
}
