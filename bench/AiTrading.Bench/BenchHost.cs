using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AiTrading.Cli;
using AiTrading.Client;
using AiTrading.Contracts;
using AiTrading.Gateway;
using AiTrading.Gateway.Security;
using Grpc.Net.Client;
using AiTrading.Silo;

namespace AiTrading.Bench;

/// <summary>What the load drivers share: the embedded product on free loopback ports, and percentiles of sorted samples.</summary>
internal static class BenchHost
{
    /// <summary>A signing key of the bench run's own, so the drivers can mint tokens (removed when the process exits).</summary>
    private static readonly string KeyFile = Path.Combine(Path.GetTempPath(), $"aitrading-bench-key-{Environment.ProcessId}.json");

    /// <summary>The embedded product's settings on free ports, logging warnings only, plus <paramref name="configuration"/>.</summary>
    public static HostSettings OnFreePorts(IReadOnlyDictionary<string, string?>? configuration = null) => new()
    {
        Gateway = new GatewayOptions { HttpPort = FreePort(), GrpcPort = FreePort() },
        SiloPort = FreePort(),
        SiloGatewayPort = FreePort(),
        Configuration = new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>())
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Gateway:Auth:SigningKeyFile"] = KeyFile,
        },
    };

    /// <summary>A gRPC channel to the gateway of <paramref name="settings"/> that sends a trader token for every account.</summary>
    public static GrpcChannel TraderChannel(HostSettings settings)
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(KeyFile);
        var token = new TokenIssuer(SigningKey.LoadOrCreate(KeyFile)).Mint("bench", [Roles.Trader], [Claims.AllAccounts], TimeSpan.FromHours(4));
        return AiTradingClient.CreateChannel(new AiTradingClientOptions { Address = $"http://127.0.0.1:{settings.Gateway.GrpcPort}", Token = token });
    }

    /// <summary>Ticks the instrument grains of <paramref name="symbols"/> have taken.</summary>
    public static async Task<long> TickCount(IClusterClient cluster, IEnumerable<string> symbols)
    {
        long total = 0;
        foreach (var symbol in symbols) total += (await cluster.GetGrain<IInstrumentGrain>(symbol).GetSnapshotAsync(0)).TickCount;
        return total;
    }

    /// <summary>Orders the demo strategy of <paramref name="symbol"/> has had filled.</summary>
    public static async Task<long> DemoFills(IClusterClient cluster, string symbol) =>
        (await cluster.GetGrain<IStrategyGrain>(LiveFeedService.DemoStrategyId(symbol)).GetAsync())!.OrdersFilled;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The <paramref name="q"/> quantile of ascending samples (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q) => sorted[Rank(sorted.Count, q)];

    /// <summary>The same of ascending Stopwatch tick counts, in microseconds.</summary>
    public static double Micros(long[] sorted, double q) => sorted[Rank(sorted.Length, q)] * 1e6 / Stopwatch.Frequency;

    private static int Rank(int count, double q) => (int)Math.Min(count - 1, Math.Ceiling(q * count) - 1);
}
