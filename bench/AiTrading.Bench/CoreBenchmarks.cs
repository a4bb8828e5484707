using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using BenchmarkDotNet.Attributes;

namespace AiTrading.Bench;

/// <summary>Per-call cost of the Core steps every order goes through (per-tick feature costs: <see cref="FeatureVectorBenchmarks"/>).</summary>
[MemoryDiagnoser]
public class CoreBenchmarks
{
    private readonly OrderRequest _order = new("c", "A", "EURUSD", OrderSide.Buy, 10_000);
    private readonly RiskLimits _limits = new();

    [Benchmark]
    public RiskDecision PreTradeRiskCheck() =>
        PreTradeRisk.Check(_order, _limits, new AccountExposure(20_000, -150m), 1.0851m, 1m);
}
