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
/// bars that close together queue there, so one symbol shows the cost of the path alone.
/// </summary>
public static class LoopBenchmark
{
    private static string[] Symbols = [];

    public static async Task RunAsync(int seconds, double ticksPerSecond, string[] symbols)
    {
        Symbols = symbols;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"symbols: {string.Join(",", Symbols)}; window {seconds} s after warm-up");

        var (throughput, _) = await Measure(speed: 0, seconds);
        Console.WriteLine($"throughput (unpaced feed, whole loop on): {throughput:N0} ticks/s through InstrumentGrain");

        var simTicksPerSecond = Symbols.Sum(s => InstrumentCatalog.Default[s].TicksPerSecond);
        var (achieved, latencies) = await Measure(speed: ticksPerSecond / simTicksPerSecond, seconds);
        Console.WriteLine($"paced run: target {ticksPerSecond:N0} ticks/s, achieved {achieved:N0} ticks/s");
        if (latencies.Count == 0)
        {
            Console.WriteLine("tick→fill latency: no fills in the window");
            return;
        }
        latencies.Sort();
        Console.WriteLine($"tick→fill latency over {latencies.Count} fills: p50 {BenchHost.Percentile(latencies, 0.50) / 1000:N2} ms, " +
                          $"p99 {BenchHost.Percentile(latencies, 0.99) / 1000:N2} ms, max {latencies[^1] / 1000:N2} ms");
    }

    private static async Task<(double TicksPerSecond, List<double> LatencyMicros)> Measure(double speed, int seconds)
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
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var ticks1 = await BenchHost.TickCount(cluster, Symbols);
            var elapsed = clock.Elapsed.TotalSeconds;

            var latencies = new List<double>();
            foreach (var symbol in Symbols)
            {
                var status = (await cluster.GetGrain<IStrategyGrain>(LiveFeedService.DemoStrategyId(symbol)).GetAsync())!;
                var newFills = (int)Math.Min(status.OrdersFilled - filled0[symbol], status.TickToFillMicroseconds.Count);
                latencies.AddRange(status.TickToFillMicroseconds.TakeLast(newFills));
            }
            return ((ticks1 - ticks0) / elapsed, latencies);
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
