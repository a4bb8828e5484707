using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// The events of one Kafka message. Its token is the message's offset in its partition (event i of the message is
/// (offset, i)), so a subscriber that remembers the last token it handled can drop redeliveries and rewind to it.
/// </summary>
[GenerateSerializer, Alias("aitrading.kafka-batch-container")]
public sealed class KafkaBatchContainer : IBatchContainer
{
    [Id(0)] public StreamId StreamId { get; private set; }
    [Id(1)] private readonly EventSequenceTokenV2 token;
    [Id(2)] private readonly List<object> events;
    [Id(3)] private readonly Dictionary<string, object>? requestContext;
    [Id(4)] private readonly string? traceParent;
    [Id(5)] private readonly string? traceState;

    public KafkaBatchContainer(StreamId streamId, long offset, List<object> events, Dictionary<string, object>? requestContext,
        string? traceParent = null, string? traceState = null)
    {
        StreamId = streamId;
        token = new EventSequenceTokenV2(offset);
        this.events = events;
        this.requestContext = requestContext;
        this.traceParent = traceParent;
        this.traceState = traceState;
    }

    /// <summary>The producer's W3C trace parent from the message headers, if it sent one.</summary>
    public string? TraceParent => traceParent;

    /// <summary>The message as read from Kafka (not sent to subscribers), kept for the dead-letter topic.</summary>
    [NonSerialized] internal Confluent.Kafka.Message<byte[], byte[]>? Source;

    public StreamSequenceToken SequenceToken => token;
    public long Offset => token.SequenceNumber;
    public int Count => events.Count;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is T item) yield return Tuple.Create(item, (StreamSequenceToken)token.CreateSequenceTokenForEvent(i));
        }
    }

    /// <summary>The producer's request context; the message's trace headers, when present, name the parent of the delivery.</summary>
    public bool ImportRequestContext()
    {
        if (requestContext is null && traceParent is null) return false;
        if (requestContext is not null) RequestContextExtensions.Import(requestContext);
        if (traceParent is null) return true;
        RequestContext.Set(StreamTracing.TraceParent, traceParent);
        if (traceState is null) RequestContext.Remove(StreamTracing.TraceState);
        else RequestContext.Set(StreamTracing.TraceState, traceState);
        return true;
    }

    public override string ToString() => $"{StreamId}@{Offset} ({events.Count} events)";
}

/// <summary>The body of a Kafka message: the events and the producer's request context, in the Orleans wire format.</summary>
[GenerateSerializer, Alias("aitrading.kafka-event-batch")]
public sealed class KafkaEventBatch
{
    [Id(0)] public List<object> Events { get; set; } = [];
    [Id(1)] public Dictionary<string, object>? RequestContext { get; set; }
}
