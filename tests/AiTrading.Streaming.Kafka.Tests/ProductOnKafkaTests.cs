using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Gateway;
using AiTrading.Silo;
using Microsoft.Extensions.Configuration;
using Orleans.Streams;
using Orleans.TestingHost;

namespace AiTrading.Streaming.Kafka.Tests;

/// <summary>The platform's own silos and client, switched to Kafka by configuration alone.</summary>
public sealed class ProductOnKafkaTests : IAsyncLifetime
{
    private readonly KafkaMockCluster kafka = KafkaMockCluster.Start();
    private readonly string topic = $"market-{Guid.NewGuid():N}";
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        kafka.CreateTopic(topic, 4);
        kafka.CreateTopic(topic + ".dlq", 1);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streams:Provider"] = "Kafka",
            ["Streams:Kafka:BootstrapServers"] = kafka.BootstrapServers,
            ["Streams:Kafka:Topic"] = topic,
            ["Streams:Kafka:Partitions"] = "4",
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddAiTradingGrains(configuration));
        builder.ConfigureClient(client => client.AddAiTradingStreams(configuration));
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        kafka.Dispose();
    }

    [Fact]
    public async Task Ticks_published_by_a_client_reach_the_instrument_grain_through_kafka_and_close_bars()
    {
        const string symbol = "KAFKAUP";
        var instrument = cluster.Client.GetGrain<IInstrumentGrain>(symbol);
        await instrument.ConfigureAsync(InstrumentCatalog.Custom(symbol, 100));
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var ticks = Enumerable.Range(0, 240).Select(i => new Tick(symbol, start + TimeSpan.FromSeconds(10 * i), 100 + i * 0.05, 100.02 + i * 0.05, 1000, 1000)).ToList();

        var stream = cluster.Client.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, symbol);
        foreach (var chunk in ticks.Chunk(40)) await stream.OnNextAsync(new TickBatch(symbol, chunk, DateTimeOffset.UtcNow));

        await Eventually.True(async () => (await instrument.GetSnapshotAsync(0)).TickCount == 240, "the instrument to receive all 240 ticks");
        var snapshot = await instrument.GetSnapshotAsync(100);
        snapshot.MinuteBars.Count.ShouldBe(39);
        snapshot.Quote!.Bid.ShouldBe(ticks[^1].Bid);
    }
}
