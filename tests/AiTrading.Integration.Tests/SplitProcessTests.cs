using System.Net.Http.Json;
using System.Text.Json;
using AiTrading.Cli;
using AiTrading.Contracts.Grpc;
using AiTrading.Gateway;
using Grpc.Core;
using Grpc.Net.Client;

namespace AiTrading.Integration.Tests;

/// <summary>`aitrading silo` and `aitrading gateway` as separate hosts: the gateway reaches the silo only as an Orleans client.</summary>
public sealed class SplitProcessTests
{
    [Fact]
    public async Task A_standalone_gateway_serves_orders_and_quotes_from_a_separate_silo()
    {
        var (siloPort, siloGatewayPort, http, grpc) = (GatewayFixture.FreePort(), GatewayFixture.FreePort(), GatewayFixture.FreePort(), GatewayFixture.FreePort());
        var tokens = new TestTokens();
        using var silo = Hosting.BuildSilo(new HostSettings
        {
            Symbols = ["EURUSD"], Demo = false, SiloPort = siloPort, SiloGatewayPort = siloGatewayPort,
            Configuration = new Dictionary<string, string?> { ["Trading:Accounts:SPLIT:Currency"] = "USD" },
        });
        await silo.StartAsync();
        await using var gateway = Hosting.BuildGateway(new HostSettings
        {
            SiloGatewayPort = siloGatewayPort,
            Gateway = new GatewayOptions { HttpPort = http, GrpcPort = grpc },
            Configuration = new Dictionary<string, string?> { ["Gateway:Auth:SigningKeyFile"] = tokens.KeyFile },
        });
        await gateway.StartAsync();
        try
        {
            using var client = TestTokens.Http($"http://127.0.0.1:{http}", tokens.Superuser);
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while ((await client.GetFromJsonAsync<JsonElement>("/v1/instruments/EURUSD")).GetProperty("quote").ValueKind != JsonValueKind.Object)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("no EURUSD quote through the standalone gateway");
                await Task.Delay(100);
            }

            using var order = await client.PostAsJsonAsync("/v1/orders", new { clientOrderId = "s-1", account = "SPLIT", symbol = "EURUSD", side = "SELL", quantity = 500 });
            order.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created);
            (await order.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("Filled");

            using var channel = TestTokens.Grpc($"http://127.0.0.1:{grpc}", tokens.Superuser);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            using var call = new MarketData.MarketDataClient(channel).Subscribe(new SubscribeRequest { Symbols = { "EURUSD" } }, cancellationToken: cts.Token);
            var times = new List<DateTime>();
            await foreach (var quote in call.ResponseStream.ReadAllAsync(cts.Token))
            {
                times.Add(quote.Time.ToDateTime());
                if (times.Count == 3) break;
            }
            times.ShouldBeInOrder(SortDirection.Ascending);
            times.Distinct().Count().ShouldBe(3);
        }
        finally
        {
            await gateway.StopAsync();
            await silo.StopAsync();
            File.Delete(tokens.KeyFile);
        }
    }
}
