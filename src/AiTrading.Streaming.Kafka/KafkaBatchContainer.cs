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

    public KafkaBatchContainer(StreamId streamId, long offset, List<object> events, Dictionary<string, object>? requestContext)
    {
        StreamId = streamId;
        token = new EventSequenceTokenV2(offset);
        this.events = events;
        this.requestContext = requestContext;
    }

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

    public bool ImportRequestContext()
    {
        if (requestContext is null) return false;
        RequestContextExtensions.Import(requestContext);
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
