using System.Diagnostics;
using System.Globalization;
using AiTrading.Contracts;
using AiTrading.Gateway;
using AiTrading.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AiTrading.Bench;

/// <summary>
/// Time from a silo's death to its grains serving again. Three silo processes (`aitrading silo --feed none`) on
/// PostgreSQL membership and storage (a private server, or AITRADING__ConnectionStrings__Postgres); a client
/// activates audit-stream grains (state in PostgreSQL) across them, then the process hosting some of them is killed
/// (SIGKILL: no goodbye in the membership table, but its sockets close at once) or frozen (SIGSTOP: it stops
/// answering with its connections open, as a machine cut off from the network does). Each of the dead silo's grains is called until it answers again
/// from a surviving silo with its records intact. Prints the time until the membership declares the silo dead and
/// until the first, median and last of its grains serve, for Orleans' default membership timings or tuned ones.
/// </summary>
public static class RecoveryBenchmark
{
    /// <summary>Membership timings for fast failure detection on a small cluster (configuration Clustering:Membership).</summary>
    public static readonly IReadOnlyDictionary<string, string> TunedMembership = new Dictionary<string, string>
    {
        ["ProbeTimeout"] = "00:00:01",
        ["NumMissedProbesLimit"] = "2",
        ["NumVotesForDeathDeclaration"] = "2",
        ["TableRefreshTimeout"] = "00:00:02",
        ["DeathVoteExpirationTimeout"] = "00:00:30",
        ["IAmAliveTablePublishTimeout"] = "00:00:10",
    };

    /// <summary>How often a client (the gateway) re-reads the gateways in the membership table (Clustering:GatewayList).</summary>
    public const string TunedGatewayListRefreshPeriod = "00:00:02";

    public static async Task RunAsync(bool tuned, int grains, bool freeze)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; 3 silo processes, {grains} audit-stream grains, " +
                          $"death by {(freeze ? "SIGSTOP" : "SIGKILL")}, membership timings: {(tuned ? string.Join(", ", TunedMembership.Select(kv => $"{kv.Key}={kv.Value}")) + $", client GatewayListRefreshPeriod={TunedGatewayListRefreshPeriod}" : "Orleans defaults")}");
        await using var server = Environment.GetEnvironmentVariable("AITRADING__ConnectionStrings__Postgres") is { Length: > 0 } ? null : await LocalPostgresServer.StartAsync();
        var connectionString = server is null
            ? Environment.GetEnvironmentVariable("AITRADING__ConnectionStrings__Postgres")!
            : await server.CreateDatabaseAsync($"recovery_{Guid.NewGuid():N}");
        await PostgresMigrations.ApplyAsync(connectionString);
        var clusterId = $"recovery-{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string>
        {
            ["AITRADING__ConnectionStrings__Postgres"] = connectionString,
            ["AITRADING__Clustering__Provider"] = "Postgres",
            ["AITRADING__Clustering__ClusterId"] = clusterId,
            ["AITRADING__Storage__Provider"] = "Postgres",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (tuned)
        {
            foreach (var (key, value) in TunedMembership) environment[$"AITRADING__Clustering__Membership__{key}"] = value;
            environment["AITRADING__Clustering__GatewayList__GatewayListRefreshPeriod"] = TunedGatewayListRefreshPeriod;
        }

        var silos = new List<(Process Process, int Port)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var port = BenchHost.FreePort();
                silos.Add((StartSilo(port, BenchHost.FreePort(), environment), port));
            }
            // The client starts once all three gateways are in the table, so it spreads its calls (and placements) over them.
            await using (var database = Npgsql.NpgsqlDataSource.Create(connectionString))
                await WaitFor(async () =>
                {
                    await using var count = database.CreateCommand($"SELECT count(*) FROM cluster_member WHERE cluster_id = '{clusterId}' AND status = {(int)SiloStatus.Active}");
                    return (long)(await count.ExecuteScalarAsync())! == 3;
                }, TimeSpan.FromMinutes(2), "three active silos");
            using var client = await ConnectAsync(environment);
            var cluster = client.Services.GetRequiredService<IClusterClient>();
            var management = cluster.GetGrain<IManagementGrain>(0);

            var streams = Enumerable.Range(0, grains).Select(i => $"recovery-{i}").ToList();
            await Task.WhenAll(streams.Select(s => cluster.GetGrain<IAuditStreamGrain>(s).AppendAsync(new AuditEntry("decision", "{}"))));
            var placement = await PlacementAsync(management, streams);
            var victim = placement.GroupBy(p => p.Value).OrderByDescending(g => g.Count()).First();
            var victimStreams = victim.Select(p => p.Key).ToList();
            var (victimProcess, _) = silos.Single(s => s.Port == victim.Key.Endpoint.Port);
            Console.WriteLine($"placement: {string.Join(", ", placement.GroupBy(p => p.Value).Select(g => $"{g.Key.Endpoint}: {g.Count()}"))}; killing {victim.Key.Endpoint}");

            var clock = Stopwatch.StartNew();
            if (freeze) Process.Start("kill", ["-STOP", victimProcess.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            else victimProcess.Kill(entireProcessTree: true);
            var declaredDead = Task.Run(async () =>
            {
                await WaitFor(async () => (await management.GetHosts(onlyActive: true)).Count == 2, TimeSpan.FromMinutes(5), "the membership to declare the silo dead");
                return clock.Elapsed;
            });
            var served = await Task.WhenAll(victimStreams.Select(s => Task.Run(async () =>
            {
                var grain = cluster.GetGrain<IAuditStreamGrain>(s);
                while (true)
                {
                    try
                    {
                        var info = await grain.GetInfoAsync().WaitAsync(TimeSpan.FromSeconds(1));
                        if (info.Length != 1) throw new InvalidOperationException($"{s} came back with {info.Length} records, not 1");
                        return clock.Elapsed;
                    }
                    catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or OrleansException)
                    {
                        await Task.Delay(100);
                    }
                }
            })));
            var dead = await declaredDead;
            Array.Sort(served);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"silo declared dead after {dead.TotalSeconds:F1} s; its {served.Length} grains serve again after {served[0].TotalSeconds:F1} s (first), " +
                $"{served[served.Length / 2].TotalSeconds:F1} s (median), {served[^1].TotalSeconds:F1} s (last), every record intact"));
            await client.StopAsync();
        }
        finally
        {
            foreach (var (process, _) in silos)
            {
                if (!process.HasExited)
                {
                    Process.Start("kill", ["-CONT", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                    process.Kill(entireProcessTree: true);
                }
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }

    private static Process StartSilo(int siloPort, int gatewayPort, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "aitrading.dll"), "silo", "--feed", "none",
                     "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture), "--silo-gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"silo {siloPort}: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<IHost> ConnectAsync(IReadOnlyDictionary<string, string> environment)
    {
        var builder = Host.CreateApplicationBuilder();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Where(kv => kv.Key.StartsWith("AITRADING__", StringComparison.Ordinal))
                .Select(kv => KeyValuePair.Create(kv.Key["AITRADING__".Length..].Replace("__", ":"), (string?)kv.Value)))
            .Build();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseAiTradingClustering(configuration, siloGatewayPort: 0).AddAiTradingStreams(configuration));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Which silo hosts each stream's grain.</summary>
    private static async Task<Dictionary<string, SiloAddress>> PlacementAsync(IManagementGrain management, IReadOnlyList<string> streams)
    {
        var wanted = streams.ToHashSet();
        var statistics = await management.GetDetailedGrainStatistics();
        return statistics.Where(s => s.GrainId.Type.ToString()!.Contains("auditstream", StringComparison.OrdinalIgnoreCase) && wanted.Contains(s.GrainId.Key.ToString()!))
            .ToDictionary(s => s.GrainId.Key.ToString()!, s => s.SiloAddress);
    }

    private static async Task WaitFor(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or Npgsql.NpgsqlException)
            {
            }
            if (deadline.Elapsed > timeout) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
