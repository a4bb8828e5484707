using System.Diagnostics;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Bench;

/// <summary>
/// The pre-trade check timed one call at a time (Stopwatch ticks around each), so the tail shows: p50, p99 and
/// p99.9 over a million checks of the <see cref="CoreBenchmarks"/> order, after a warm-up. The timer's own cost
/// (measured on empty intervals) is reported beside it.
/// </summary>
public static class RiskCheckLatency
{
    public static void Run(int checks)
    {
        var bench = new CoreBenchmarks();
        for (var i = 0; i < 200_000; i++) bench.PreTradeRiskCheck();
        var samples = new long[checks];
        var empty = new long[checks];
        RiskDecision? last = null;
        for (var i = 0; i < checks; i++)
        {
            var start = Stopwatch.GetTimestamp();
            last = bench.PreTradeRiskCheck();
            samples[i] = Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            empty[i] = Stopwatch.GetTimestamp() - start;
        }
        if (last is not { Approved: true }) throw new InvalidOperationException($"the benchmark order should pass: {last?.Message}");
        Array.Sort(samples);
        Array.Sort(empty);
        static double Micro(long[] sorted, double q) => BenchHost.Micros(sorted, q);
        Console.WriteLine($"pre-trade risk check over {checks:N0} calls: p50 {Micro(samples, 0.5):0.000} µs, p99 {Micro(samples, 0.99):0.000} µs, " +
                          $"p99.9 {Micro(samples, 0.999):0.000} µs, max {Micro(samples, 1):0.0} µs (timer alone: p50 {Micro(empty, 0.5):0.000} µs, p99 {Micro(empty, 0.99):0.000} µs)");
    }
}
