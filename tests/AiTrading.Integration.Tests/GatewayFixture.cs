using System.Net;
using System.Net.Sockets;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Gateway;
using AiTrading.Silo;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Integration.Tests;

/// <summary>The embedded product (`aitrading run`) on free loopback ports, reached through real sockets.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private WebApplication _app = null!;

    public HttpClient Http { get; private set; } = null!;
    public GrpcChannel Grpc { get; private set; } = null!;
    public IClusterClient Cluster => _app.Services.GetRequiredService<IClusterClient>();

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
            Configuration = new Dictionary<string, string?>
            {
                ["Trading:DefaultLimits:MaxOrderNotional"] = "2000000",
                [BacktestFiles.DirectorySetting] = Core.Tests.SharedData.Directory,
            },
        });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<LiveFeedService>().Ready;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        Grpc = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");

        var deadline = DateTime.UtcNow.AddSeconds(30);
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
