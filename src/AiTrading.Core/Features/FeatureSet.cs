using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features;

/// <summary>
/// The features computed on each closed bar of one symbol and timeframe: SMA(20), EMA(20) and RSI(14) of the
/// close, and ATR(14) of high/low/close.
/// </summary>
public sealed class FeatureSet
{
    private readonly Sma _sma = new(20);
    private readonly Ema _ema = new(20);
    private readonly Rsi _rsi = new(14);
    private readonly Atr _atr = new(14);
    private DateTimeOffset? _lastOpenTime;

    public FeatureSet(string symbol, Timeframe timeframe)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        Symbol = symbol;
        Timeframe = timeframe;
    }

    /// <summary>Feature names, in the order of the indicators.</summary>
    public static IReadOnlyList<string> Names { get; } = ["SMA_20", "EMA_20", "RSI_14", "ATR_14"];

    public string Symbol { get; }
    public Timeframe Timeframe { get; }

    /// <summary>Bars needed before every feature has a value.</summary>
    public int WarmUpPeriod => Math.Max(Math.Max(_sma.WarmUpPeriod, _ema.WarmUpPeriod), Math.Max(_rsi.WarmUpPeriod, _atr.WarmUpPeriod));

    public bool IsReady => _sma.IsReady && _ema.IsReady && _rsi.IsReady && _atr.IsReady;

    /// <summary>Feeds one closed bar and returns the features known at its close (NaN while warming up).</summary>
    /// <exception cref="ArgumentException">The bar is of another symbol or timeframe, or not after the previous bar.</exception>
    public FeatureVector Update(Bar bar)
    {
        ArgumentNullException.ThrowIfNull(bar);
        if (!string.Equals(bar.Symbol, Symbol, StringComparison.Ordinal) || bar.Timeframe != Timeframe)
            throw new ArgumentException($"{bar.Symbol} {bar.Timeframe} bar given to the {Symbol} {Timeframe} feature set", nameof(bar));
        if (_lastOpenTime is { } last && bar.OpenTime <= last)
            throw new ArgumentException($"{Symbol} {Timeframe}: bar opened at {bar.OpenTime:O} is not after the previous bar ({last:O})", nameof(bar));
        _lastOpenTime = bar.OpenTime;

        _sma.Update(bar.Close);
        _ema.Update(bar.Close);
        _rsi.Update(bar.Close);
        _atr.Update(bar.High, bar.Low, bar.Close);
        var values = new Dictionary<string, double>(Names.Count, StringComparer.Ordinal)
        {
            [_sma.Name] = _sma.Value,
            [_ema.Name] = _ema.Value,
            [_rsi.Name] = _rsi.Value,
            [_atr.Name] = _atr.Value,
        };
        return new FeatureVector(Symbol, Timeframe, bar.CloseTime, values);
    }

    public void Reset()
    {
        _sma.Reset();
        _ema.Reset();
        _rsi.Reset();
        _atr.Reset();
        _lastOpenTime = null;
    }
}
