using System.Diagnostics;
using AiTrading.Streaming.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using Orleans.Streams.Core;
using Orleans.TestingHost;

namespace AiTrading.Bench;

/// <summary>
/// Events per second from Kafka into grains: librdkafka's mock cluster (3 brokers, a 12-partition topic) in this
/// process, an in-process Orleans cluster of 1 or 3 silos with the Kafka stream provider, and 48 implicitly
/// subscribed grains. A producer writes straight into the topic (acks=all, idempotent), <c>perMessage</c> events per
/// Kafka message; the clock runs from the first produce until every grain has counted every event. Each event is one
/// OnNextAsync call on a grain; the grains check that tokens only grow.
/// </summary>
public static class KafkaThroughputBenchmark
{
    private const string Provider = "bench";
    private const int Partitions = 12;
    private const int Streams = 48;

    public static async Task RunAsync(int silos, long events, int perMessage)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"Kafka mock cluster 3 brokers, topic {Partitions} partitions; {silos} silo(s); {Streams} subscribed grains; " +
                          $"{events:N0} events, {perMessage} per message");
        using var kafka = KafkaMockCluster.Start();
        var topic = $"bench-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, Partitions);
        kafka.CreateTopic(topic + ".dlq", 1);
        void Options(KafkaStreamOptions o)
        {
            o.BootstrapServers = kafka.BootstrapServers;
            o.Topic = topic;
            o.Partitions = Partitions;
            o.RewindWindow = TimeSpan.FromSeconds(1);
        }

        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage("PubSubStore").AddKafkaStreams(Provider, Options));
        builder.ConfigureClient(client => client.AddKafkaStreams(Provider, Options));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var factory = (KafkaAdapterFactory)cluster.Client.ServiceProvider.GetRequiredKeyedService<IQueueAdapterFactory>(Provider);
        var messages = new KafkaStreamMessages(cluster.Client.ServiceProvider.GetRequiredService<Serializer>());
        var streams = Enumerable.Range(0, Streams).Select(i => StreamId.Create(CountingGrain.Namespace, $"s{i}")).ToArray();
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers, Acks = Acks.All, EnableIdempotence = true, LingerMs = 5, BatchSize = 1_000_000,
        }).Build();

        // Warm-up: activate every grain and JIT the path.
        await ProduceAsync(producer, messages, factory, topic, streams, Streams * 10L, perMessage);
        await WaitAsync(Streams * 10L, TimeSpan.FromSeconds(60));
        CountingGrain.Reset();

        var clock = Stopwatch.StartNew();
        await ProduceAsync(producer, messages, factory, topic, streams, events, perMessage);
        var produced = clock.Elapsed;
        var delivered = await WaitAsync(events, TimeSpan.FromMinutes(5));
        var elapsed = clock.Elapsed;

        Console.WriteLine($"produced {events:N0} events in {produced.TotalSeconds:N2} s ({events / produced.TotalSeconds:N0} events/s into Kafka)");
        if (delivered < events)
        {
            Console.WriteLine($"only {delivered:N0} of {events:N0} events reached the grains within 5 min");
            return;
        }
        Console.WriteLine($"delivered {delivered:N0} events to {Streams} grains in {elapsed.TotalSeconds:N2} s: " +
                          $"{events / elapsed.TotalSeconds:N0} events/s into grains ({silos} silo(s)); out of order: {CountingGrain.OutOfOrder}");
    }

    private static async Task ProduceAsync(IProducer<byte[], byte[]> producer, KafkaStreamMessages messages, KafkaAdapterFactory factory,
        string topic, StreamId[] streams, long events, int perMessage)
    {
        var partitions = streams.Select(s => new TopicPartition(topic, factory.PartitionOf(s))).ToArray();
        long sent = 0, failed = 0;
        for (var i = 0; sent < events; i++)
        {
            var stream = i % streams.Length;
            var count = (int)Math.Min(perMessage, events - sent);
            var batch = new List<object>(count);
            for (var e = 0; e < count; e++) batch.Add(new BenchEvent(sent + e, 100 + e * 0.01));
            sent += count;
            while (true)
            {
                try
                {
                    producer.Produce(partitions[stream], messages.Encode(streams[stream], batch), report => { if (report.Error.IsError) Interlocked.Increment(ref failed); });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }
        await Task.Run(() => producer.Flush(TimeSpan.FromMinutes(2)));
        if (failed > 0) throw new InvalidOperationException($"{failed} messages were not acknowledged by the cluster");
    }

    private static async Task<long> WaitAsync(long events, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (CountingGrain.Delivered < events && deadline.Elapsed < timeout) await Task.Delay(5);
        return CountingGrain.Delivered;
    }
}

[GenerateSerializer, Immutable, Alias("bench.event")]
public sealed record BenchEvent([property: Id(0)] long Seq, [property: Id(1)] double Price);

public interface ICountingGrain : IGrainWithStringKey;

[ImplicitStreamSubscription(Namespace)]
public sealed class CountingGrain : Grain, ICountingGrain, IStreamSubscriptionObserver, IAsyncObserver<BenchEvent>
{
    public const string Namespace = "bench";
    private static long delivered;
    private static long outOfOrder;
    private StreamSequenceToken? last;

    public static long Delivered => Interlocked.Read(ref delivered);
    public static long OutOfOrder => Interlocked.Read(ref outOfOrder);

    public static void Reset()
    {
        Interlocked.Exchange(ref delivered, 0);
        Interlocked.Exchange(ref outOfOrder, 0);
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<BenchEvent>().ResumeAsync(this);

    public Task OnNextAsync(BenchEvent item, StreamSequenceToken? token = null)
    {
        if (last is not null && token is not null && token.CompareTo(last) <= 0) Interlocked.Increment(ref outOfOrder);
        last = token;
        Interlocked.Increment(ref delivered);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;
    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
