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
// `orders [seconds] [ordersPerSecond] [inFlight]`: manual orders over gRPC (issue 4's load figures).
if (args.Length > 0 && args[0] == "orders")
{
    await OrderLoadBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 20, args.Length > 2 ? double.Parse(args[2]) : 1_000,
        args.Length > 3 ? int.Parse(args[3]) : 64);
    return;
}
// `risk [checks]`: the pre-trade check timed call by call (issue 4's p99 figure).
if (args.Length > 0 && args[0] == "risk")
{
    RiskCheckLatency.Run(args.Length > 1 ? int.Parse(args[1]) : 1_000_000);
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
