using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using BenchmarkDotNet.Attributes;

namespace AiTrading.Bench;

/// <summary>Per-call cost of the Core steps every order goes through (per-tick feature costs: <see cref="FeatureVectorBenchmarks"/>).</summary>
[MemoryDiagnoser]
public class CoreBenchmarks
{
    private readonly OrderRequest _order = new("c", "A", "EURUSD", OrderSide.Buy, 10_000, OrderType.Limit, 1.0852m);
    private readonly RiskLimits _limits = new();
    private readonly AccountExposure _exposure = new(20_000, -150m, 101_000m, 102_500m, 1_250_000m,
        new Dictionary<string, decimal> { ["EUR"] = 21_700m, ["JPY"] = -640_000m, ["XAU"] = 460_000m }, "USD");
    private readonly OrderPricing _pricing = new(1.0852m, 1.08515m, 1.0852m, "EUR", "USD", 1.08515m, 1m);
    private readonly OrderRateLimiter _throttle = new(1_000_000, TimeSpan.FromSeconds(1));
    private DateTimeOffset _now = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every rule runs: a limit order that adds risk on an account with positions in three currencies.</summary>
    [Benchmark]
    public RiskDecision PreTradeRiskCheck()
    {
        _now = _now.AddMilliseconds(1); // a thousand orders a second: the throttle window holds a thousand times
        return PreTradeRisk.Check(_order, _limits, _exposure, _pricing, _throttle, _now);
    }
}
