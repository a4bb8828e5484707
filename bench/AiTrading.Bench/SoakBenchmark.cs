using System.Diagnostics;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.MarketData;
using AiTrading.Grains;
using AiTrading.Silo;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Bench;

/// <summary>
/// The embedded product (feed → instruments → demo strategies → risk → orders → paper venue → portfolio → audit)
/// paced at a tick rate for a number of minutes, sampling resident memory every 10 s. The slope is a least-squares
/// fit over the samples after the warm-up: the first 5 minutes, or the first sixth of a shorter run. The in-memory
/// audit log grows by design (every order step is a record), so its records are counted and reported with the slope.
/// </summary>
public static class SoakBenchmark
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private static readonly string[] Symbols = ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"];

    public static async Task RunAsync(double minutes, double ticksPerSecond)
    {
        if (!(minutes > 0) || !(ticksPerSecond > 0)) throw new ArgumentException("soak MINUTES RATE: both must be positive");
        var duration = TimeSpan.FromMinutes(minutes);
        var warmUp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, duration.Ticks / 6));
        var simTicksPerSecond = Symbols.Sum(s => InstrumentCatalog.Default[s].TicksPerSecond);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"soak: {minutes} min at {ticksPerSecond:N0} ticks/s ({string.Join(",", Symbols)}); slope over the samples after {warmUp.TotalMinutes:0.##} min " +
                          (warmUp < TimeSpan.FromMinutes(5) ? "(the first sixth of the run)" : "(the first 5 minutes)"));

        var app = Hosting.BuildEmbedded(BenchHost.OnFreePorts() with { Symbols = Symbols, Speed = ticksPerSecond / simTicksPerSecond });
        await app.StartAsync();
        try
        {
            await app.Services.GetRequiredService<LiveFeedService>().Ready;
            var cluster = app.Services.GetRequiredService<IClusterClient>();
            var audit = app.Services.GetService<IAuditStore>() as MemoryAuditStore;
            var samples = new List<Sample>();
            var clock = Stopwatch.StartNew();
            Console.WriteLine("    t s   RSS MB  GC heap MB   ticks/s   fills   audit records");
            while (true)
            {
                var sample = new Sample(clock.Elapsed, ResidentBytes() / 1e6, GC.GetGCMemoryInfo().HeapSizeBytes / 1e6, await BenchHost.TickCount(cluster, Symbols),
                    await Fills(cluster), audit?.RecordCount ?? 0);
                var rate = samples.Count == 0 ? 0 : (sample.Ticks - samples[^1].Ticks) / (sample.Time - samples[^1].Time).TotalSeconds;
                samples.Add(sample);
                Console.WriteLine($"{sample.Time.TotalSeconds,7:0} {sample.ResidentMb,8:0.0} {sample.HeapMb,11:0.0} {rate,9:N0} {sample.Fills,7} {sample.AuditRecords,15}");
                if (clock.Elapsed >= duration) break;
                var wait = SampleEvery * samples.Count - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
            }

            var measured = samples.Where(s => s.Time >= warmUp).ToList();
            if (measured.Count < 3)
            {
                Console.WriteLine("too few samples after the warm-up for a slope: run longer");
                return;
            }
            var (first, last) = (measured[0], measured[^1]);
            var span = (last.Time - first.Time).TotalSeconds;
            var slope = Slope(measured, s => s.ResidentMb);
            Console.WriteLine($"achieved {(last.Ticks - first.Ticks) / span:N0} ticks/s after the warm-up ({(last.Ticks - samples[0].Ticks) / (last.Time - samples[0].Time).TotalSeconds:N0} over the whole run)");
            Console.WriteLine($"resident memory slope after {warmUp.TotalMinutes:0.##} min: {slope:+0.00;-0.00} MB/min over {measured.Count} samples " +
                              $"(RSS {first.ResidentMb:0} → {last.ResidentMb:0} MB, max {samples.Max(s => s.ResidentMb):0} MB); GC heap slope {Slope(measured, s => s.HeapMb):+0.00;-0.00} MB/min");
            Console.WriteLine($"{last.Fills - first.Fills} fills after the warm-up");
            var account = app.Services.GetRequiredService<LiveFeedSettings>().DemoAccount;
            var valuation = await cluster.GetGrain<IPortfolioGrain>(account).GetValuationAsync();
            var limits = await cluster.GetGrain<IRiskGrain>(account).GetLimitsAsync();
            if (app.Services.GetKeyedService<Orleans.Storage.IGrainStorage>(Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME) is FinishedOrderPurgingStorage storage)
                Console.WriteLine($"finished orders retained in memory: {storage.Retained:N0}");
            Console.WriteLine($"account {account}: equity {valuation.Equity:N0} (peak {valuation.PeakEquity:N0}), daily P&L {valuation.DailyPnl:N0}, gross notional {valuation.GrossNotional:N0}, kill switch {(limits.KillSwitch ? "engaged" : "off")}");
            if (audit is not null)
            {
                var perMinute = (last.AuditRecords - first.AuditRecords) / (span / 60);
                var recordBytes = await AuditRecordBytes(audit, app.Services.GetRequiredService<LiveFeedSettings>().DemoAccount);
                var auditSlope = perMinute * recordBytes / 1e6;
                Console.WriteLine($"audit log (in memory, kept by design): {perMinute:N0} records/min at {recordBytes:N0} B a record (measured) " +
                                  $"≈ {auditSlope:0.00} MB/min of the slope; the rest: {slope - auditSlope:+0.00;-0.00} MB/min");
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static string RejectedLimit(AuditRecord record)
    {
        using var json = System.Text.Json.JsonDocument.Parse(record.Payload);
        return json.RootElement.TryGetProperty("decision", out var decision) && decision.TryGetProperty("limit", out var limit) ? limit.GetString() ?? "?" : "?";
    }

    private sealed record Sample(TimeSpan Time, double ResidentMb, double HeapMb, long Ticks, long Fills, long AuditRecords);

    /// <summary>Least-squares slope of <paramref name="value"/> against time, per minute.</summary>
    private static double Slope(IReadOnlyList<Sample> samples, Func<Sample, double> value)
    {
        var meanT = samples.Average(s => s.Time.TotalMinutes);
        var meanV = samples.Average(value);
        var covariance = samples.Sum(s => (s.Time.TotalMinutes - meanT) * (value(s) - meanV));
        var variance = samples.Sum(s => Math.Pow(s.Time.TotalMinutes - meanT, 2));
        return covariance / variance;
    }

    /// <summary>VmRSS from /proc where there is one (what the issue measured), else the working set.</summary>
    private static long ResidentBytes()
    {
        if (File.Exists("/proc/self/status"))
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static async Task<long> Fills(IClusterClient cluster)
    {
        long total = 0;
        foreach (var symbol in Symbols) total += await BenchHost.DemoFills(cluster, symbol);
        return total;
    }

    /// <summary>
    /// Bytes a record takes in a <see cref="MemoryAuditStore"/>: the run's own records (copied, so nothing is shared with
    /// the live store) appended to an empty store with keys of the order grain's shape, measured by the managed heap.
    /// </summary>
    private static async Task<double> AuditRecordBytes(MemoryAuditStore live, string stream)
    {
        var head = (await live.GetHeadAsync(stream))?.Sequence ?? 0;
        var sample = await live.ReadAsync(stream, Math.Max(1, head - 20_000 + 1), 20_000);
        if (sample.Count == 0) return double.NaN;
        Console.WriteLine($"audit records of the run's last {sample.Count:N0}, by kind: " +
                          string.Join(", ", sample.CountBy(r => r.Kind).OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value:N0}")));
        var rejections = sample.Where(r => r.Kind == AuditKinds.RiskRejected).ToList();
        if (rejections.Count > 0)
            Console.WriteLine("  risk rejections by limit: " + string.Join(", ", rejections.CountBy(RejectedLimit).OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value:N0}")));
        var copies = new MemoryAuditStore();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        AuditAnchor? previous = null;
        foreach (var r in sample)
        {
            var record = AuditChain.Next(previous, new string(r.Stream), r.Time, new string(r.Kind), new string(r.Payload));
            await copies.AppendAsync(record, $"{r.Kind}:{stream}-{Guid.NewGuid():N}:{r.Sequence}");
            previous = new AuditAnchor(record.Sequence, record.Hash);
        }
        var bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(copies);
        return (double)bytes / sample.Count;
    }
}
