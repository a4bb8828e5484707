using System.Collections.Concurrent;
using System.Net;
using AiTrading.Cli;
using AiTrading.Grains.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>
/// With <c>Telemetry:Otlp:Endpoint</c>, a silo exports its traces over OTLP/HTTP to the signal's path. A listener on
/// loopback stands in for the collector and records what arrives.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task A_silo_exports_the_demo_strategies_order_traces_to_the_configured_collector()
    {
        var port = GatewayFixture.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentQueue<(string Path, string? ContentType, long Length)>();
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.Length));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        using var silo = Hosting.BuildSilo(new HostSettings
        {
            Symbols = ["EURUSD"],
            SiloPort = GatewayFixture.FreePort(),
            SiloGatewayPort = GatewayFixture.FreePort(),
            Configuration = new Dictionary<string, string?>
            {
                ["Telemetry:Otlp:Endpoint"] = $"http://127.0.0.1:{port}",
                ["Telemetry:Otlp:Protocol"] = "http/protobuf",
            },
        });
        await silo.StartAsync();
        try
        {
            // The demo strategy's orders are traced from its call to the risk gate; the batch exporter sends every few seconds.
            await Eventually.True(() => received.Any(r => r.Path == "/v1/traces"), "traces at the collector", TimeSpan.FromMinutes(3));
            received.Where(r => r.Path == "/v1/traces").ShouldAllBe(r => r.ContentType == "application/x-protobuf" && r.Length > 0);
        }
        finally
        {
            await silo.StopAsync();
        }
    }
}
