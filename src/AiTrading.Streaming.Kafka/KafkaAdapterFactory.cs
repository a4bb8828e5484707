using System.Collections.Concurrent;
using AiTrading.Core;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ErrorCode = Confluent.Kafka.ErrorCode;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Streams;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// The Kafka stream provider's parts for one provider name: the queue mapper (one Orleans queue per partition), the
/// per-queue caches, receivers and dead-letter handlers, and the one idempotent producer (acks=all) that writes
/// stream events and dead letters.
/// </summary>
public sealed class KafkaAdapterFactory : IQueueAdapterFactory, IQueueAdapterCache, IDisposable
{
    private readonly string name;
    private readonly ILoggerFactory loggers;
    private readonly TimeProvider time;
    private readonly HashRingBasedPartitionedStreamQueueMapper mapper;
    private readonly ConcurrentDictionary<QueueId, KafkaQueueCache> caches = new();
    private readonly ConcurrentDictionary<PartitionConsumer, int> consumers = new();
    private readonly SemaphoreSlim starting = new(1, 1);
    private IProducer<byte[], byte[]>? producer;
    private KafkaDeadLetters? deadLetters;

    public KafkaAdapterFactory(string name, KafkaStreamOptions options, Serializer serializer, ILoggerFactory loggers, TimeProvider time)
    {
        options.ThrowIfInvalid();
        this.name = name;
        this.loggers = loggers;
        this.time = time;
        Options = options;
        Messages = new KafkaStreamMessages(serializer);
        mapper = new HashRingBasedPartitionedStreamQueueMapper(
            Enumerable.Range(0, options.Partitions).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), name);
    }

    public static KafkaAdapterFactory Create(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name),
        services.GetRequiredService<Serializer>(),
        services.GetRequiredService<ILoggerFactory>(),
        services.GetService<TimeProvider>() ?? TimeProvider.System);

    public KafkaStreamOptions Options { get; }
    public KafkaStreamMessages Messages { get; }

    internal IProducer<byte[], byte[]> Producer => producer ?? throw new InvalidOperationException("the Kafka stream adapter is not started");
    internal KafkaDeadLetters DeadLetters => deadLetters ?? throw new InvalidOperationException("the Kafka stream adapter is not started");

    /// <summary>The partition a stream's events go to; producers writing straight into the topic must use it to keep a stream in order.</summary>
    public int PartitionOf(Orleans.Runtime.StreamId streamId) => PartitionOf(mapper.GetQueueForStream(streamId));

    internal int PartitionOf(QueueId queue) => int.Parse(mapper.QueueToPartition(queue), System.Globalization.CultureInfo.InvariantCulture);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        await starting.WaitAsync(cancellationToken);
        try
        {
            if (producer is null)
            {
                var log = loggers.CreateLogger<KafkaAdapterFactory>();
                await StartupRetry.RunAsync($"Kafka at {Options.BootstrapServers}", ct => Task.Run(() => { CheckTopics(); return true; }, ct),
                    e => e is KafkaException, Options.StartupTimeout, message => log.LogWarning("{Message}", message), time, cancellationToken);
                producer = new ProducerBuilder<byte[], byte[]>(ProducerConfig()).Build();
                deadLetters = new KafkaDeadLetters(producer, Options.DeadLetterTopic, loggers.CreateLogger<KafkaDeadLetters>());
            }
        }
        finally
        {
            starting.Release();
        }
        return new KafkaQueueAdapter(this, name, loggers.CreateLogger<KafkaQueueReceiver>());
    }

    public IQueueAdapterCache GetQueueAdapterCache() => this;

    public IStreamQueueMapper GetStreamQueueMapper() => mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new KafkaDeliveryFailureHandler(this, queueId, loggers.CreateLogger<KafkaDeliveryFailureHandler>()));

    public IQueueCache CreateQueueCache(QueueId queueId) => caches[queueId] = new KafkaQueueCache(Options.CacheSize, Options.RewindWindow, time);

    internal KafkaQueueCache? CacheOf(QueueId queue) => caches.GetValueOrDefault(queue);

    /// <summary>The partitions this silo reads now.</summary>
    public IReadOnlyList<int> ReadingPartitions => consumers.Values.Order().ToList();

    internal PartitionConsumer CreateConsumer(int partition)
    {
        var config = new ConsumerConfig(ClientConfig())
        {
            GroupId = Options.ConsumerGroup,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = (int)Options.CommitInterval.TotalMilliseconds,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            QueuedMaxMessagesKbytes = 8192,
        };
        var consumer = new PartitionConsumer(new ConsumerBuilder<byte[], byte[]>(config).Build(), new TopicPartition(Options.Topic, partition));
        consumers[consumer] = partition;
        return consumer;
    }

    internal void Forget(PartitionConsumer consumer) => consumers.TryRemove(consumer, out _);

    private ProducerConfig ProducerConfig() => new(ClientConfig())
    {
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = Options.ProducerLinger.TotalMilliseconds,
    };

    private ClientConfig ClientConfig()
    {
        var config = new ClientConfig(new Dictionary<string, string>(Options.Client)) { BootstrapServers = Options.BootstrapServers };
        return config;
    }

    /// <summary>The topic must have exactly <see cref="KafkaStreamOptions.Partitions"/> partitions: the queue mapper hashes streams over that many.</summary>
    private void CheckTopics()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig(ClientConfig())).Build();
        // A broker that does not answer throws KafkaException: the caller retries it until the start-up timeout.
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var missing = new List<TopicSpecification>();
        foreach (var (topic, partitions) in new[] { (Options.Topic, Options.Partitions), (Options.DeadLetterTopic, 1) })
        {
            var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
            if (found is null)
            {
                if (!Options.CreateTopics)
                    throw new ValidationException($"{KafkaStreamOptions.Section}:Topic", $"topic '{topic}' does not exist at {Options.BootstrapServers} (create it or set CreateTopics)");
                missing.Add(new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = Options.ReplicationFactor });
            }
            else if (topic == Options.Topic && found.Partitions.Count != Options.Partitions)
            {
                throw new ValidationException($"{KafkaStreamOptions.Section}:Partitions",
                    $"topic '{topic}' has {found.Partitions.Count} partitions, configured {Options.Partitions}: every queue must be one partition");
            }
        }
        if (missing.Count == 0) return;
        try
        {
            admin.CreateTopicsAsync(missing, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(15) }).GetAwaiter().GetResult();
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another silo created them first.
        }
        catch (KafkaException e)
        {
            throw new ValidationException($"{KafkaStreamOptions.Section}:CreateTopics",
                $"could not create {string.Join(", ", missing.Select(t => $"'{t.Name}'"))}: {e.Error.Reason}");
        }
    }

    public void Dispose()
    {
        foreach (var consumer in consumers.Keys) consumer.Close(commit: null, graceful: false);
        consumers.Clear();
        if (producer is not null)
        {
            producer.Flush(TimeSpan.FromSeconds(5));
            producer.Dispose();
            producer = null;
        }
        starting.Dispose();
    }
}

internal sealed class KafkaQueueAdapter(KafkaAdapterFactory factory, string name, ILogger<KafkaQueueReceiver> receiverLogger) : IQueueAdapter
{
    public string Name => name;

    /// <summary>Subscribers may start from a token still in the cache's rewind window.</summary>
    public bool IsRewindable => true;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    public async Task QueueMessageBatchAsync<T>(Orleans.Runtime.StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token,
        Dictionary<string, object>? requestContext)
    {
        if (token is not null) throw new ArgumentException("Kafka assigns the sequence tokens (offsets); a producer cannot choose one", nameof(token));
        var items = events.Cast<object>().ToList();
        if (items.Count == 0) return;
        var partition = factory.PartitionOf(streamId);
        using var publish = StreamTracing.StartPublish(factory.Options.Topic, partition);
        var message = factory.Messages.Encode(streamId, items, requestContext, StreamTracing.Outgoing(publish));
        await factory.Producer.ProduceAsync(new TopicPartition(factory.Options.Topic, partition), message);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new KafkaQueueReceiver(factory, queueId, receiverLogger);
}
