namespace AiTrading.Core.MarketData;

/// <summary>
/// Builds time bars of one symbol and timeframe from ticks, on the mid price. Bars are aligned with
/// <see cref="Timeframe.Floor"/>; a tick at or after the forming bar's close time completes it and opens the
/// next one, so gaps produce no empty bars. Volume adds <see cref="Tick.LastSize"/> for ticks that carry a
/// trade and 1 for quote-only ticks (tick volume). Allocates one <see cref="Bar"/> per completed bar only.
/// </summary>
public sealed class BarAggregator
{
    private readonly string _symbol;
    private long _openTicks;
    private long _closeTicks;
    private double _open, _high, _low, _close, _volume;
    private int _tickCount;
    private Bar? _current; // cache for Current between updates

    public BarAggregator(string symbol, Timeframe timeframe)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        if (timeframe.Duration <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeframe), timeframe.Duration, "timeframe must be a positive duration");
        _symbol = symbol;
        Timeframe = timeframe;
    }

    public string Symbol => _symbol;
    public Timeframe Timeframe { get; }

    /// <summary>The bar being formed, or null before the first tick (and after <see cref="Reset"/>).</summary>
    public Bar? Current => _tickCount == 0 ? null : (_current ??= Build());

    /// <summary>
    /// Adds a tick. Returns true, with the finished bar in <paramref name="completed"/>, when the tick falls at or
    /// after the forming bar's close time; the tick then opens the next bar.
    /// </summary>
    /// <exception cref="ArgumentException">The tick is for another symbol, has no finite mid, or is older than the
    /// forming bar's open time.</exception>
    public bool Update(in Tick tick, out Bar? completed)
    {
        if (!string.Equals(tick.Symbol, _symbol, StringComparison.Ordinal))
            throw new ArgumentException($"tick for '{tick.Symbol}' given to the {_symbol} {Timeframe} bar aggregator", nameof(tick));
        var mid = tick.Mid;
        if (!double.IsFinite(mid))
            throw new ArgumentException($"{_symbol}: tick at {tick.Time:O} has no finite mid (bid {tick.Bid}, ask {tick.Ask})", nameof(tick));
        var time = tick.Time.UtcTicks;
        var volume = tick.HasTrade ? tick.LastSize : 1.0;
        _current = null;

        if (_tickCount > 0)
        {
            if (time < _openTicks)
                throw new ArgumentException(
                    $"{_symbol}: tick at {tick.Time.ToUniversalTime():O} is older than the forming {Timeframe} bar opened at " +
                    $"{new DateTimeOffset(_openTicks, TimeSpan.Zero):O} (ticks must arrive in time order)", nameof(tick));
            if (time < _closeTicks)
            {
                if (mid > _high) _high = mid;
                if (mid < _low) _low = mid;
                _close = mid;
                _volume += volume;
                _tickCount++;
                completed = null;
                return false;
            }
            completed = Build();
        }
        else
        {
            completed = null;
        }

        _openTicks = Timeframe.Floor(tick.Time).UtcTicks;
        _closeTicks = _openTicks + Timeframe.Duration.Ticks;
        _open = _high = _low = _close = mid;
        _volume = volume;
        _tickCount = 1;
        return completed is not null;
    }

    /// <summary>Drops the forming bar; the next tick starts a new one.</summary>
    public void Reset()
    {
        _tickCount = 0;
        _current = null;
    }

    private Bar Build() =>
        new(_symbol, Timeframe, new DateTimeOffset(_openTicks, TimeSpan.Zero), _open, _high, _low, _close, _volume, _tickCount);
}
