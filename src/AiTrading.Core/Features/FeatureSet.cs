using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features;

/// <summary>Named feature values computed on one bar. NaN marks a feature still warming up.</summary>
public sealed record FeatureVector(string Symbol, Timeframe Timeframe, DateTimeOffset Time, IReadOnlyDictionary<string, double> Values)
{
    public double this[string name] => Values.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"feature '{name}' is not in the vector of {Symbol} {Timeframe} (has {string.Join(", ", Values.Keys)})");

    public bool IsComplete => Values.Values.All(double.IsFinite);
}

/// <summary>The spine's feature set on one timeframe: SMA(20), EMA(20), RSI(14) on the close and ATR(14).</summary>
public sealed class FeatureSet(string symbol, Timeframe timeframe)
{
    private readonly Sma _sma = new(20);
    private readonly Ema _ema = new(20);
    private readonly Rsi _rsi = new(14);
    private readonly Atr _atr = new(14);

    public static IReadOnlyList<string> Names { get; } = ["SMA_20", "EMA_20", "RSI_14", "ATR_14"];

    public int WarmUpPeriod => Math.Max(Math.Max(_sma.WarmUpPeriod, _ema.WarmUpPeriod), Math.Max(_rsi.WarmUpPeriod, _atr.WarmUpPeriod));
    public bool IsReady => _sma.IsReady && _ema.IsReady && _rsi.IsReady && _atr.IsReady;

    public FeatureVector Update(Bar bar)
    {
        _sma.Update(bar.Close);
        _ema.Update(bar.Close);
        _rsi.Update(bar.Close);
        _atr.Update(bar.High, bar.Low, bar.Close);
        return new FeatureVector(symbol, timeframe, bar.CloseTime, new Dictionary<string, double>(4)
        {
            [_sma.Name] = _sma.Value, [_ema.Name] = _ema.Value, [_rsi.Name] = _rsi.Value, [_atr.Name] = _atr.Value,
        });
    }

    public void Reset()
    {
        _sma.Reset();
        _ema.Reset();
        _rsi.Reset();
        _atr.Reset();
    }
}
