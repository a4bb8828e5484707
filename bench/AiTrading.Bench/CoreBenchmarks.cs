using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using BenchmarkDotNet.Attributes;

namespace AiTrading.Bench;

/// <summary>Per-call cost of the Core steps every tick and every order go through.</summary>
[MemoryDiagnoser]
public class CoreBenchmarks
{
    private readonly OrderRequest _order = new("c", "A", "EURUSD", OrderSide.Buy, 10_000);
    private readonly RiskLimits _limits = new();
    private Tick[] _ticks = [];
    private BarAggregator _aggregator = null!;
    private FeatureSet _features = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var mid = 1.085;
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        _ticks = Enumerable.Range(0, 1 << 16).Select(i =>
        {
            mid *= 1 + (random.NextDouble() - 0.5) * 1e-4;
            return new Tick("EURUSD", start.AddMilliseconds(i * 125), mid - 0.00004, mid + 0.00004, 1e6, 1e6);
        }).ToArray();
        _aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        _features = new FeatureSet("EURUSD", Timeframe.M1);
    }

    [Benchmark]
    public RiskDecision PreTradeRiskCheck() =>
        PreTradeRisk.Check(_order, _limits, new AccountExposure(20_000, -150m), 1.0851m, 1m);

    /// <summary>Bars and features for one tick, as InstrumentGrain does (M1 only; the wrap-around restarts the series).</summary>
    [Benchmark]
    public int BarAndFeaturesPerTick()
    {
        if (_next == _ticks.Length)
        {
            _next = 0;
            _aggregator.Reset();
            _features.Reset();
        }
        if (_aggregator.Update(_ticks[_next++], out var bar) && bar is not null) _features.Update(bar);
        return _next;
    }
}
