using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Gateway;
using AiTrading.Gateway.Security;
using AiTrading.Storage.Postgres;

namespace AiTrading.Postgres.Tests;

/// <summary>Readiness tells the truth about PostgreSQL, storage failures answer 503, and a silo waits for the server at start.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task When_the_database_goes_away_readiness_says_so_and_orders_answer_503_not_500()
    {
        // A server of this test's own: it is stopped halfway.
        var server = await LocalPostgresServer.StartAsync();
        var keyFile = Path.Combine(Path.GetTempPath(), $"aitrading-test-key-{Guid.NewGuid():N}.json");
        var http = Net.FreePort();
        try
        {
            var connectionString = await server.CreateDatabaseAsync("readiness");
            await using var app = Hosting.BuildEmbedded(new HostSettings
            {
                Symbols = ["EURUSD"], Demo = false, SiloPort = Net.FreePort(), SiloGatewayPort = Net.FreePort(),
                Gateway = new GatewayOptions { HttpPort = http, GrpcPort = Net.FreePort() },
                Configuration = new Dictionary<string, string?>
                {
                    [ProviderSettings.PostgresConnectionKey] = connectionString,
                    ["Storage:Provider"] = "Postgres",
                    ["Gateway:Auth:SigningKeyFile"] = keyFile,
                },
            });
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            client.DefaultRequestHeaders.Authorization = new("Bearer",
                new TokenIssuer(SigningKey.LoadOrCreate(keyFile)).Mint("test", [Roles.Trader], [Claims.AllAccounts], TimeSpan.FromHours(1)));

            var ready = await client.GetAsync("/readyz");
            ready.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString().ShouldBe("Healthy");

            await server.DisposeAsync();

            var notReady = await client.GetAsync("/readyz");
            notReady.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            var postgres = (await notReady.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("postgres");
            postgres.GetProperty("status").GetString().ShouldBe("Unhealthy");
            postgres.GetProperty("description").GetString()!.ShouldContain($":{server.Port} does not answer");

            using var order = await client.PostAsync("/v1/orders", new StringContent(
                """{"clientOrderId":"down-1","account":"DEMO","symbol":"EURUSD","side":"BUY","quantity":1000}""", Encoding.UTF8, "application/json"));
            order.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            order.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            order.Headers.RetryAfter.ShouldNotBeNull();
            var body = await order.Content.ReadAsStringAsync();
            body.ShouldNotContain("Password", Case.Insensitive);
            body.ShouldNotContain("at Npgsql", Case.Insensitive);
            await app.StopAsync();
        }
        finally
        {
            await server.DisposeAsync();
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task A_silo_waits_for_an_unreachable_server_then_gives_up_naming_it()
    {
        var closedPort = Net.FreePort();
        using var silo = Hosting.BuildSilo(new HostSettings
        {
            Feed = HostSettings.NoFeed, SiloPort = Net.FreePort(), SiloGatewayPort = Net.FreePort(),
            Configuration = new Dictionary<string, string?>
            {
                [ProviderSettings.PostgresConnectionKey] = $"Host=127.0.0.1;Port={closedPort};Username=postgres;Database=none;Timeout=2",
                ["Storage:Provider"] = "Postgres",
                ["Storage:StartupTimeout"] = "00:00:04",
            },
        });
        var error = await Should.ThrowAsync<Exception>(() => silo.StartAsync());
        var unavailable = error as DependencyUnavailableException ?? error.InnerException as DependencyUnavailableException;
        unavailable.ShouldNotBeNull($"expected the start to end with the dependency named, got {error}");
        unavailable.Message.ShouldStartWith($"PostgreSQL at 127.0.0.1:{closedPort} is unreachable after ");
    }
}
