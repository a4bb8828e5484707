using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using AiTrading.Gateway;
using AiTrading.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AiTrading.Streaming.Kafka.Tests;

/// <summary>The gateway's readiness follows the Kafka brokers the streams run on.</summary>
public sealed class ReadinessOnKafkaTests
{
    [Fact]
    public async Task Readiness_turns_503_naming_kafka_when_the_brokers_go_away()
    {
        var kafka = KafkaMockCluster.Start();
        var topic = $"ready-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, 2);
        kafka.CreateTopic(topic + ".dlq", 1);
        var keyFile = Path.Combine(Path.GetTempPath(), $"aitrading-test-key-{Guid.NewGuid():N}.json");
        var http = FreePort();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streams:Provider"] = "Kafka",
            ["Streams:Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Streams:Kafka:Topic"] = topic,
            ["Streams:Kafka:Partitions"] = "2",
            ["Gateway:Auth:SigningKeyFile"] = keyFile,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.UseOrleans(silo => silo.UseAiTradingClustering(builder.Configuration, FreePort(), FreePort()).AddAiTradingGrains(builder.Configuration));
        builder.AddAiTradingGateway(new GatewayOptions { HttpPort = http, GrpcPort = FreePort() });
        await using var app = builder.Build();
        app.MapAiTradingGateway();
        await app.StartAsync();
        var brokersGone = false;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            var ready = await client.GetAsync("/readyz");
            ready.StatusCode.ShouldBe(HttpStatusCode.OK);
            Check(await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("Healthy");

            kafka.Dispose();
            brokersGone = true;

            var notReady = await client.GetAsync("/readyz");
            notReady.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            var check = Check(await notReady.Content.ReadFromJsonAsync<JsonElement>());
            check.GetProperty("status").GetString().ShouldBe("Unhealthy");
            check.GetProperty("description").GetString()!.ShouldStartWith($"Kafka at {kafka.BootstrapServers} does not answer");
        }
        finally
        {
            await app.StopAsync();
            if (!brokersGone) kafka.Dispose();
            File.Delete(keyFile);
        }
    }

    private static JsonElement Check(JsonElement readiness) => readiness.GetProperty("checks").GetProperty("kafka");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
