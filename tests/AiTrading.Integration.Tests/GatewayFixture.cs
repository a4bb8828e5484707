using System.Net;
using System.Net.Sockets;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Gateway;
using AiTrading.Silo;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace AiTrading.Integration.Tests;

/// <summary>The embedded product (`aitrading run`) on free loopback ports, reached through real sockets.</summary>
public class GatewayFixture : IAsyncLifetime
{
    /// <summary>Settings a derived fixture adds to (or changes in) the product's configuration.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraConfiguration { get; } = new Dictionary<string, string?>();

    private WebApplication _app = null!;

    /// <summary>Clients that act as a superuser (every role, every account); <see cref="Tokens"/> mints narrower ones.</summary>
    public HttpClient Http { get; private set; } = null!;
    public GrpcChannel Grpc { get; private set; } = null!;
    public TestTokens Tokens { get; } = new();
    public string HttpAddress { get; private set; } = "";
    public string GrpcAddress { get; private set; } = "";
    public IClusterClient Cluster => _app.Services.GetRequiredService<IClusterClient>();
    /// <summary>The product's services (its endpoints, for the role matrix).</summary>
    public IServiceProvider Services => _app.Services;
    public Uri Mt5Bridge { get; private set; } = null!;
    /// <summary>Finished spans of the traces a test started (<see cref="SpanLog.NewTrace"/>), from the product's in-memory exporter.</summary>
    public SpanLog Spans { get; } = new();

    /// <summary>MT5 venues configured for the bridge tests, one per test so their circuits and sessions stay apart.</summary>
    public static readonly string[] Mt5Venues = ["mt5-fill", "mt5-resend", "mt5-command", "mt5-circuit", "mt5-none", "mt5-hello", "mt5-input", "mt5-ticks", "mt5-busy", "mt5-strat"];
    public const string Mt5Token = "bridge-test-token-0123456789";

    /// <summary>Accounts the tests trade, opened from configuration as an operator would.</summary>
    public static readonly string[] Accounts =
    [
        "HTTP", "HTTP-RISK", "HTTP-PAGE", "HTTP-WORK", "HTTP-BRK", "HB", "GRPC", "GRPC-DUP", "GRPC-WORK", "GB", "GRPC-STRAT",
        "MT5-FILL", "MT5-RESEND", "MT5-CMD", "MT5-CIRCUIT", "MT5-NONE", "MT5-X", "MT5-STRAT", RoleMatrixTests.Own, RoleMatrixTests.Other,
        AuthorizationTests.Halted, AuthorizationTests.Global1, AuthorizationTests.Global2, AuthorizationTests.Limited,
        "CAT-WORK", "CAT-STRAT", "LIMITED", "OBS-HALTED", "HTTP-TF",
    ];

    /// <summary>Refused requests of a kind are summed up over this window in the security audit stream (the product's default: 60 s).</summary>
    public const int RefusalAuditWindowSeconds = 2;

    public async Task InitializeAsync()
    {
        var (http, grpc, silo, siloGateway) = (FreePort(), FreePort(), FreePort(), FreePort());
        _app = Hosting.BuildEmbedded(new HostSettings
        {
            Symbols = ["EURUSD", "USDJPY"],
            Speed = 60,
            Gateway = new GatewayOptions { HttpPort = http, GrpcPort = grpc },
            SiloPort = silo,
            SiloGatewayPort = siloGateway,
            Tracing = tracing => tracing.AddInMemoryExporter(Spans),
            Configuration = new Dictionary<string, string?>(Mt5Venues.SelectMany(v => new[]
            {
                KeyValuePair.Create($"Trading:Mt5Terminals:{v}:Token", (string?)Mt5Token),
                KeyValuePair.Create($"Trading:Mt5Terminals:{v}:HeartbeatSeconds", (string?)"1"),
            }).Concat(Accounts.Select(a => KeyValuePair.Create($"Trading:Accounts:{a}:Currency", (string?)"USD"))))
            {
                ["Trading:DefaultLimits:MaxOrderNotional"] = "2000000",
                ["Trading:VenueCircuit:FailureThreshold"] = "3",
                ["Trading:VenueCircuit:BreakSeconds"] = "1",
                ["Trading:VenueCircuit:TimeoutMilliseconds"] = "500",
                [BacktestFiles.DirectorySetting] = Core.Tests.SharedData.Directory,
                ["Gateway:Auth:SigningKeyFile"] = Tokens.KeyFile,
                ["Gateway:RefusalAudit:WindowSeconds"] = $"{RefusalAuditWindowSeconds}",
            }.Concat(ExtraConfiguration).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value),
        });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<LiveFeedService>().Ready;
        HttpAddress = $"http://127.0.0.1:{http}";
        GrpcAddress = $"http://127.0.0.1:{grpc}";
        Http = TestTokens.Http(HttpAddress, Tokens.Superuser);
        Grpc = TestTokens.Grpc(GrpcAddress, Tokens.Superuser);
        Mt5Bridge = new Uri($"ws://127.0.0.1:{http}/v1/mt5/bridge");

        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await Cluster.GetGrain<IInstrumentGrain>("USDJPY").GetQuoteAsync() is null || await Cluster.GetGrain<IInstrumentGrain>("EURUSD").GetQuoteAsync() is null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no quotes from the synthetic feed");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Grpc.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        File.Delete(Tokens.KeyFile);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
