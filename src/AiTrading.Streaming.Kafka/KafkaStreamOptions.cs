using AiTrading.Core;
using Microsoft.Extensions.Configuration;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// Settings of one Kafka stream provider (configuration section "Streams:Kafka"). Producers (clients) and silos
/// must agree on <see cref="Topic"/> and <see cref="Partitions"/>: a stream hashes to a partition, one Orleans queue
/// per partition.
/// </summary>
public sealed class KafkaStreamOptions
{
    public const string Section = "Streams:Kafka";

    /// <summary>Comma-separated host:port list. Required.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Topic carrying the provider's streams; dead letters go to <c>&lt;Topic&gt;.dlq</c>.</summary>
    public string Topic { get; set; } = "aitrading-market";

    /// <summary>Partitions of <see cref="Topic"/> = Orleans queues. Checked against the topic at startup.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Replication of the topics the provider creates when they do not exist.</summary>
    public short ReplicationFactor { get; set; } = 3;

    /// <summary>Create missing topics at startup (needs the cluster to allow CreateTopics); otherwise a missing topic stops startup.</summary>
    public bool CreateTopics { get; set; } = true;

    /// <summary>Consumer group under which delivered offsets are committed; every silo of a cluster uses the same one.</summary>
    public string ConsumerGroup { get; set; } = "aitrading";

    /// <summary>How often offsets of delivered messages are committed (they are also committed when a queue is handed over).</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a delivered message stays in a queue's cache, so subscribers can rewind to its token. Offsets are
    /// committed when messages leave the cache, so this is also how much a crashed silo's successor redelivers.
    /// </summary>
    public TimeSpan RewindWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages a queue's cache holds at most; a full cache of undelivered messages stops reading (back pressure).</summary>
    public int CacheSize { get; set; } = 8192;

    /// <summary>How long the producer waits to fill a batch (librdkafka linger.ms).</summary>
    public TimeSpan ProducerLinger { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How long the pulling agent retries a delivery before the message counts as poison and goes to the dead-letter topic.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often each pulling agent polls its partition (the product sets it from "Streams:PollPeriod").</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Extra librdkafka settings for every client (e.g. security.protocol, sasl.*).</summary>
    public Dictionary<string, string> Client { get; set; } = new();

    /// <summary>How long a silo waits for a broker to answer at start (retrying with backoff) before it gives up.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public string DeadLetterTopic => Topic + ".dlq";

    /// <summary>Reads section "Streams:Kafka" and the poll period all stream providers share ("Streams:PollPeriod").</summary>
    public void Bind(IConfiguration configuration)
    {
        configuration.GetSection(Section).Bind(this);
        if (configuration.GetValue<TimeSpan?>("Streams:PollPeriod") is { } poll) PollPeriod = poll;
    }

    public IReadOnlyList<FieldError> Validate(string section = Section)
    {
        var errors = new List<FieldError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors.Add(new FieldError($"{section}:{field}", message));
        }
        Check(!string.IsNullOrWhiteSpace(BootstrapServers), nameof(BootstrapServers), "is required with Streams:Provider = Kafka (host:port[,host:port...])");
        if (!string.IsNullOrWhiteSpace(BootstrapServers))
        {
            foreach (var server in BootstrapServers.Split(',', StringSplitOptions.TrimEntries))
            {
                var colon = server.LastIndexOf(':');
                Check(colon > 0 && int.TryParse(server.AsSpan(colon + 1), out var port) && port is > 0 and < 65536,
                    nameof(BootstrapServers), $"'{server}' is not host:port");
            }
        }
        Check(IsTopicName(Topic), nameof(Topic), $"'{Topic}' is not a Kafka topic name (1–200 of a-z A-Z 0-9 . _ -)");
        Check(Partitions is >= 1 and <= 1024, nameof(Partitions), $"must be between 1 and 1024 (got {Partitions})");
        Check(ReplicationFactor is >= 1 and <= 16, nameof(ReplicationFactor), $"must be between 1 and 16 (got {ReplicationFactor})");
        Check(!string.IsNullOrWhiteSpace(ConsumerGroup), nameof(ConsumerGroup), "is required");
        Check(CommitInterval >= TimeSpan.FromMilliseconds(10) && CommitInterval <= TimeSpan.FromMinutes(10), nameof(CommitInterval), $"must be between 10 ms and 10 min (got {CommitInterval})");
        Check(RewindWindow >= TimeSpan.Zero && RewindWindow <= TimeSpan.FromHours(1), nameof(RewindWindow), $"must be between 0 and 1 h (got {RewindWindow})");
        Check(CacheSize is >= 16 and <= 1_000_000, nameof(CacheSize), $"must be between 16 and 1000000 (got {CacheSize})");
        Check(ProducerLinger >= TimeSpan.Zero && ProducerLinger <= TimeSpan.FromSeconds(5), nameof(ProducerLinger), $"must be between 0 and 5 s (got {ProducerLinger})");
        Check(DeliveryTimeout >= TimeSpan.FromMilliseconds(100) && DeliveryTimeout <= TimeSpan.FromHours(1), nameof(DeliveryTimeout), $"must be between 100 ms and 1 h (got {DeliveryTimeout})");
        Check(StartupTimeout >= TimeSpan.Zero && StartupTimeout <= TimeSpan.FromMinutes(30), nameof(StartupTimeout), $"must be between 0 and 30 min (got {StartupTimeout})");
        Check(PollPeriod > TimeSpan.Zero && PollPeriod <= TimeSpan.FromSeconds(10), nameof(PollPeriod), $"must be between 0 and 10 s (got {PollPeriod})");
        foreach (var key in Client.Keys.Where(k => k is "bootstrap.servers" or "group.id" or "enable.auto.commit" or "enable.auto.offset.store" or "acks" or "enable.idempotence"))
            Check(false, $"Client:{key}", "is set by the provider (use the provider's own setting)");
        return errors;
    }

    public void ThrowIfInvalid(string section = Section)
    {
        var errors = Validate(section);
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    private static bool IsTopicName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 200 && name is not ("." or "..") &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
