using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Gateway;
using AiTrading.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiTrading.Bench;

/// <summary>
/// Runs the embedded product (silo, synthetic feed, demo strategies, gateway) and measures
/// (1) ticks per second sustained through the instrument grains with an unpaced feed, and
/// (2) tick→fill latency (feed publish → fill booked, seen by the strategy) with the feed paced at a given rate.
/// All demo strategies trade one account, whose risk gate takes orders one at a time: with several symbols,
/// bars that close together queue there, so one symbol shows the cost of the path alone. The paced run also prints
/// where the time goes (<see cref="LoopBreakdown"/>), and the last line is machine-readable:
/// <c>loop: ticks_per_s=… p50_ms=… p99_ms=… paced=…</c>.
/// </summary>
public static class LoopBenchmark
{
    private static string[] Symbols = [];

    public static async Task RunAsync(int seconds, double ticksPerSecond, string[] symbols)
    {
        Symbols = symbols;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"symbols: {string.Join(",", Symbols)}; window {seconds} s after warm-up");

        var (throughput, _, cpu) = await Measure(speed: 0, seconds, breakdown: null);
        // On a shared machine ticks per CPU-second moves less with the neighbours' load than ticks per second.
        Console.WriteLine($"throughput (unpaced feed, whole loop on): {throughput:N0} ticks/s through InstrumentGrain, {throughput / cpu:N0} per CPU-second");

        var simTicksPerSecond = Symbols.Sum(s => InstrumentCatalog.Default[s].TicksPerSecond);
        using var breakdown = new LoopBreakdown();
        var (achieved, latencies, pacedCpu) = await Measure(speed: ticksPerSecond / simTicksPerSecond, seconds, breakdown);
        Console.WriteLine($"paced run: target {ticksPerSecond:N0} ticks/s, achieved {achieved:N0} ticks/s, {pacedCpu:N2} cores busy");
        latencies.Sort();
        var (p50, p99) = latencies.Count == 0 ? (double.NaN, double.NaN)
            : (BenchHost.Percentile(latencies, 0.50) / 1000, BenchHost.Percentile(latencies, 0.99) / 1000);
        if (latencies.Count == 0) Console.WriteLine("tick→fill latency: no fills in the window");
        else
        {
            Console.WriteLine($"tick→fill latency over {latencies.Count} fills: p50 {p50:N2} ms, p99 {p99:N2} ms, max {latencies[^1] / 1000:N2} ms");
            Console.WriteLine(breakdown.Describe(latencies));
        }
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(invariant, $"loop: ticks_per_s={throughput:F0} p50_ms={p50:F2} p99_ms={p99:F2} paced={achieved:F0}"));
    }

    /// <summary>Ticks per second, the fills' tick→fill latencies and the process's CPU cores in use, over the window.</summary>
    private static async Task<(double TicksPerSecond, List<double> LatencyMicros, double Cores)> Measure(double speed, int seconds, LoopBreakdown? breakdown)
    {
        var app = Hosting.BuildEmbedded(BenchHost.OnFreePorts() with { Symbols = Symbols, Speed = speed });
        await app.StartAsync();
        try
        {
            await app.Services.GetRequiredService<LiveFeedService>().Ready;
            var cluster = app.Services.GetRequiredService<IClusterClient>();
            // Warm-up covers the feed's backfill burst, JIT and activation.
            await Task.Delay(TimeSpan.FromSeconds(speed == 0 ? 5 : 15));
            var ticks0 = await BenchHost.TickCount(cluster, Symbols);
            var filled0 = await Fills(cluster);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            if (breakdown is not null) breakdown.Recording = true;
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            if (breakdown is not null) breakdown.Recording = false;
            var ticks1 = await BenchHost.TickCount(cluster, Symbols);
            var elapsed = clock.Elapsed.TotalSeconds;
            var cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / elapsed;

            var latencies = new List<double>();
            foreach (var symbol in Symbols)
            {
                var status = (await cluster.GetGrain<IStrategyGrain>(LiveFeedService.DemoStrategyId(symbol)).GetAsync())!;
                var newFills = (int)Math.Min(status.OrdersFilled - filled0[symbol], status.TickToFillMicroseconds.Count);
                latencies.AddRange(status.TickToFillMicroseconds.TakeLast(newFills));
            }
            return ((ticks1 - ticks0) / elapsed, latencies, cores);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, long>> Fills(IClusterClient cluster)
    {
        var fills = new Dictionary<string, long>();
        foreach (var symbol in Symbols) fills[symbol] = await BenchHost.DemoFills(cluster, symbol);
        return fills;
    }

}
