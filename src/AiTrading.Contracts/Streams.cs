using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using Microsoft.Extensions.Configuration;

namespace AiTrading.Contracts;

/// <summary>Names of the Orleans stream provider and namespaces the loop uses. Stream keys are symbols.</summary>
public static class StreamNames
{
    public const string Provider = "market";
    /// <summary>Feed → InstrumentGrain (implicit subscription), items <see cref="TickBatch"/>.</summary>
    public const string Ticks = "ticks";
    /// <summary>InstrumentGrain → strategies, items <see cref="BarClosed"/>.</summary>
    public const string Bars = "bars";
    /// <summary>InstrumentGrain → gateways, items <see cref="Quote"/> (conflated: the last quote of each batch).</summary>
    public const string Quotes = "quotes";
    /// <summary>StrategyGrain → gateways (gRPC StreamEvents), items <see cref="StrategyEvent"/>; keys are strategy ids.</summary>
    public const string StrategyEvents = "strategy-events";
}

/// <summary>
/// The market stream provider (configuration section "Streams"): <see cref="Provider"/> <c>Memory</c> (embedded, the
/// default) or <c>Kafka</c> (settings under "Streams:Kafka"). With Memory, producers and consumers must agree on
/// <see cref="Queues"/>: a stream hashes to a queue, and a client that counts queues differently from the silos
/// enqueues where no pulling agent reads (Kafka takes its queues from the topic's partitions).
/// </summary>
public sealed class StreamSettings
{
    public const string Section = "Streams";
    public const string Memory = "Memory";
    public const string Kafka = "Kafka";

    public string Provider { get; set; } = Memory;
    /// <summary>How often each pulling agent polls its queue. Bounds the delay a stream hop adds.</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromMilliseconds(1);
    public int Queues { get; set; } = 4;
    /// <summary>
    /// Memory provider: a batch stays in a pulling agent's cache at least this long after it was read from its queue.
    /// A consumer further behind than the cache's span misses the batches purged ahead of it (a cache miss), so this
    /// is the lag a subscriber may fall behind without losing events; the cache holds about this long of traffic.
    /// </summary>
    public TimeSpan CacheMinTime { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Memory provider: once older than the newest cached batch by this much (and past <see cref="CacheMinTime"/>), a batch is purged.</summary>
    public TimeSpan CacheMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxCacheTime = TimeSpan.FromMinutes(10);

    public bool IsKafka => string.Equals(Provider, Kafka, StringComparison.OrdinalIgnoreCase);

    public IReadOnlyList<Core.FieldError> Validate()
    {
        var errors = new List<Core.FieldError>();
        if (!string.Equals(Provider, Memory, StringComparison.OrdinalIgnoreCase) && !IsKafka)
            errors.Add(new("Streams:Provider", $"must be {Memory} or {Kafka} (got '{Provider}')"));
        if (PollPeriod <= TimeSpan.Zero || PollPeriod > TimeSpan.FromSeconds(10)) errors.Add(new("Streams:PollPeriod", $"must be between 0 and 10 s (got {PollPeriod})"));
        if (Queues is < 1 or > 64) errors.Add(new("Streams:Queues", $"must be between 1 and 64 (got {Queues})"));
        if (CacheMinTime < TimeSpan.FromSeconds(1) || CacheMinTime > MaxCacheTime)
            errors.Add(new("Streams:CacheMinTime", $"must be between 1 s and {MaxCacheTime.TotalMinutes} min (got {CacheMinTime})"));
        if (CacheMaxAge < TimeSpan.FromSeconds(1) || CacheMaxAge > MaxCacheTime)
            errors.Add(new("Streams:CacheMaxAge", $"must be between 1 s and {MaxCacheTime.TotalMinutes} min (got {CacheMaxAge})"));
        return errors;
    }

    public static StreamSettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<StreamSettings>() ?? new();
        var errors = settings.Validate();
        if (errors.Count > 0) throw new Core.ValidationException(errors);
        return settings;
    }
}

/// <summary>
/// Ticks of one symbol in time order. <see cref="PublishedAt"/> is the wall-clock time the feed handed the batch
/// to the stream; it travels with the bars it closes so tick→fill latency can be measured.
/// </summary>
[GenerateSerializer, Immutable, Alias("tick-batch")]
public sealed record TickBatch([property: Id(0)] string Symbol, [property: Id(1)] Tick[] Ticks, [property: Id(2)] DateTimeOffset PublishedAt);

/// <summary>A completed bar with the feature vector computed on it.</summary>
[GenerateSerializer, Immutable, Alias("bar-closed")]
public sealed record BarClosed(
    [property: Id(0)] Bar Bar,
    [property: Id(1)] FeatureVector Features,
    [property: Id(2)] Quote Quote,
    [property: Id(3)] DateTimeOffset SourcePublishedAt);
