using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using Orleans.TestingHost;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace AiTrading.Streaming.Kafka.Tests;

/// <summary>
/// librdkafka's mock cluster (3 brokers on loopback) and an in-process Orleans cluster whose silos and client use
/// the Kafka stream provider on a fresh topic.
/// </summary>
public class KafkaFixture : IAsyncLifetime
{
    public const string Provider = "kafka";
    public const int Partitions = 4;

    public KafkaMockCluster Kafka { get; } = KafkaMockCluster.Start();
    public string Topic { get; } = $"test-{Guid.NewGuid():N}";
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    protected virtual int Silos => 2;

    protected virtual void Configure(KafkaStreamOptions options)
    {
        options.RewindWindow = TimeSpan.FromSeconds(5);
        options.DeliveryTimeout = TimeSpan.FromSeconds(1);
    }

    public void Options(KafkaStreamOptions options)
    {
        options.BootstrapServers = Kafka.BootstrapServers;
        options.Topic = Topic;
        options.Partitions = Partitions;
        options.ConsumerGroup = "tests";
        options.CommitInterval = TimeSpan.FromMilliseconds(100);
        Configure(options);
    }

    public virtual async Task InitializeAsync()
    {
        Kafka.CreateTopic(Topic, Partitions);
        Kafka.CreateTopic(Topic + ".dlq", 1);
        var builder = new InProcessTestClusterBuilder((short)Silos);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage("PubSubStore").AddKafkaStreams(Provider, Options));
        builder.ConfigureClient(client => client.AddKafkaStreams(Provider, Options));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Kafka.Dispose();
    }

    public KafkaAdapterFactory Factory => FactoryOf(Client.ServiceProvider);

    public static KafkaAdapterFactory FactoryOf(IServiceProvider services) => (KafkaAdapterFactory)services.GetRequiredKeyedService<IQueueAdapterFactory>(Provider);

    public IAsyncStream<ProbeEvent> Stream(string ns, string key) => Client.GetStreamProvider(Provider).GetStream<ProbeEvent>(ns, key);

    /// <summary>A producer outside Orleans, writing the provider's message format (or anything else) straight into a partition.</summary>
    public IProducer<byte[], byte[]> RawProducer() =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, Acks = Acks.All, EnableIdempotence = true }).Build();

    public async Task<long> ProduceDirectAsync(IProducer<byte[], byte[]> producer, string ns, string key, params ProbeEvent[] events)
    {
        var streamId = StreamId.Create(ns, key);
        var messages = new KafkaStreamMessages(Client.ServiceProvider.GetRequiredService<Serializer>());
        var result = await producer.ProduceAsync(new TopicPartition(Topic, Factory.PartitionOf(streamId)), messages.Encode(streamId, events));
        return result.Offset.Value;
    }

    public int PartitionOf(string ns, string key) => Factory.PartitionOf(StreamId.Create(ns, key));

    /// <summary>The offset the consumer group resumes a partition from (-1001 when nothing was committed).</summary>
    public long Committed(int partition)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = Kafka.BootstrapServers, GroupId = "tests" }).Build();
        return consumer.Committed([new TopicPartition(Topic, partition)], TimeSpan.FromSeconds(10))[0].Offset.Value;
    }

    /// <summary>Everything in the dead-letter topic so far.</summary>
    public List<ConsumeResult<byte[], byte[]>> DeadLetters()
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers, GroupId = $"dlq-reader-{Guid.NewGuid():N}", EnableAutoCommit = false,
        }).Build();
        var partition = new TopicPartition(Topic + ".dlq", 0);
        var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var results = new List<ConsumeResult<byte[], byte[]>>();
        while (results.Count < end && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result) results.Add(result);
        return results;
    }

    public static string Header(ConsumeResult<byte[], byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
