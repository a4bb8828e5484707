using AiTrading.Bench;
using BenchmarkDotNet.Running;

// `loop [seconds] [ticksPerSecond] [symbols]`: the whole trading loop in one process (issue 2's figures).
// anything else: BenchmarkDotNet micro-benchmarks of Core hot paths.
if (args.Length > 0 && args[0] == "loop")
{
    var seconds = args.Length > 1 ? int.Parse(args[1]) : 20;
    var rate = args.Length > 2 ? double.Parse(args[2]) : 10_000;
    var symbols = args.Length > 3 ? args[3].Split(',') : ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"];
    await LoopBenchmark.RunAsync(seconds, rate, symbols);
    return;
}
// `soak MINUTES RATE`: the whole loop paced at RATE ticks/s for MINUTES, resident memory sampled and its slope after warm-up.
if (args.Length > 0 && args[0] == "soak")
{
    await SoakBenchmark.RunAsync(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 6,
        args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}
// `orders [seconds] [ordersPerSecond] [inFlight] [direct]`: manual orders over gRPC (issue 4's load figures); with
// `direct`, the same orders sent to the risk gates through the cluster client, without the gateway (issue 17's split).
if (args.Length > 0 && args[0] == "orders")
{
    await OrderLoadBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 20, args.Length > 2 ? double.Parse(args[2]) : 1_000,
        args.Length > 3 ? int.Parse(args[3]) : 64, direct: args.Length > 4 && args[4] == "direct");
    return;
}
// `gateway-cost [calls]`: the gateway's per-call pieces issue 17 made cheaper, old and new way in one process.
if (args.Length > 0 && args[0] == "gateway-cost")
{
    await GatewayCostBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 20_000);
    return;
}
// `failover [orders]`: how fast an MT5 venue whose terminal dropped is rejected (issue 4's failover figure).
if (args.Length > 0 && args[0] == "failover")
{
    await VenueFailoverBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000);
    return;
}
// `risk [checks]`: the pre-trade check timed call by call (issue 4's p99 figure).
if (args.Length > 0 && args[0] == "risk")
{
    RiskCheckLatency.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000);
    return;
}
// `kafka [silos] [events] [perMessage]`: events/s from Kafka (librdkafka's mock cluster) into grains (issue 5).
if (args.Length > 0 && args[0] == "kafka")
{
    await KafkaThroughputBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1, args.Length > 2 ? long.Parse(args[2]) : 2_000_000,
        args.Length > 3 ? int.Parse(args[3]) : 100);
    return;
}
// `recovery [tuned|default] [grains] [kill|freeze]`: time from a silo's death to its grains serving again (issue 5's figure).
if (args.Length > 0 && args[0] == "recovery")
{
    await RecoveryBenchmark.RunAsync(args.Length < 2 || args[1] != "default", args.Length > 2 ? int.Parse(args[2]) : 300,
        freeze: args.Length > 3 && args[3] == "freeze");
    return;
}
// `backtest [bars] [runs]`: event-driven bars/s (1 and 10 instruments) and a 20x20 vectorized sweep (issue 7's figures).
if (args.Length > 0 && args[0] == "backtest")
{
    BacktestBenchmark.Run(args.Length > 1 ? int.Parse(args[1]) : 2_000_000, args.Length > 2 ? int.Parse(args[2]) : 3);
    return;
}
// `models [calls] [kinds]`: per model kind, training time, out-of-sample AUC vs the baseline, inference p50/p99 at batch 1 (issue 6).
if (args.Length > 0 && args[0] == "models")
{
    AiTrading.Bench.ModelBenchmark.Run(args.Length > 1 ? int.Parse(args[1]) : 5_000,
        args.Length > 2 ? args[2].Split(',').Select(k => AiTrading.ML.ModelKinds.Parse(k)).ToArray() : Enum.GetValues<AiTrading.ML.ModelKind>());
    return;
}
// `validator [calls]`: the pattern validator end to end through the cluster (issue 6's p99 figure).
if (args.Length > 0 && args[0] == "validator")
{
    await AiTrading.Bench.ValidatorBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 2_000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(LoopBenchmark).Assembly).Run(args);
