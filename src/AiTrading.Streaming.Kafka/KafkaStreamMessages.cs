using System.Text;
using Confluent.Kafka;
using Orleans.Runtime;
using Orleans.Serialization;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// The message format on the topic: headers <c>stream-namespace</c> and <c>stream-key</c> (UTF-8) name the Orleans
/// stream, the key is the stream key, the value is a <see cref="KafkaEventBatch"/> in the Orleans wire format; the
/// optional W3C headers <c>traceparent</c> and <c>tracestate</c> carry the producer's trace (<see cref="StreamTracing"/>). Any
/// .NET producer that shares the event types can write it (tests and the benchmark produce straight into the topic);
/// a message that does not decode goes to the dead-letter topic.
/// </summary>
public sealed class KafkaStreamMessages(Serializer serializer)
{
    public const string NamespaceHeader = "stream-namespace";
    public const string KeyHeader = "stream-key";

    public Message<byte[], byte[]> Encode(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext = null,
        (string? Parent, string? State) trace = default)
    {
        var key = streamId.Key.ToArray();
        var headers = new Headers { { NamespaceHeader, streamId.Namespace.ToArray() }, { KeyHeader, key } };
        if (trace.Parent is { } parent) headers.Add(StreamTracing.TraceParent, Encoding.UTF8.GetBytes(parent));
        if (trace.State is { } state) headers.Add(StreamTracing.TraceState, Encoding.UTF8.GetBytes(state));
        var value = serializer.SerializeToArray(new KafkaEventBatch { Events = events, RequestContext = requestContext });
        return new Message<byte[], byte[]> { Key = key, Value = value, Headers = headers };
    }

    public Message<byte[], byte[]> Encode<T>(StreamId streamId, IEnumerable<T> events) => Encode(streamId, events.Cast<object>().ToList());

    /// <summary>The events of a consumed message, or the reason it cannot be delivered.</summary>
    public KafkaBatchContainer Decode(ConsumeResult<byte[], byte[]> result)
    {
        var message = result.Message;
        var ns = Header(message, NamespaceHeader);
        var key = Header(message, KeyHeader);
        if (message.Value is null || message.Value.Length == 0) throw new UndecodableMessageException("the message has no value");
        KafkaEventBatch? batch;
        try
        {
            batch = serializer.Deserialize<KafkaEventBatch>(message.Value);
        }
        catch (Exception e)
        {
            throw new UndecodableMessageException($"the value is not an Orleans-serialized event batch: {e.Message}");
        }
        if (batch?.Events is null || batch.Events.Count == 0) throw new UndecodableMessageException("the batch has no events");
        return new KafkaBatchContainer(StreamId.Create(ns, key), result.Offset.Value, batch.Events, batch.RequestContext,
            StreamTracing.ValidParent(OptionalHeader(message, StreamTracing.TraceParent)), StreamTracing.ValidState(OptionalHeader(message, StreamTracing.TraceState)))
        {
            Source = message,
        };
    }

    /// <summary>A header that may be absent; one that is not UTF-8 counts as absent.</summary>
    private static string? OptionalHeader(Message<byte[], byte[]> message, string name)
    {
        if (message.Headers is null || !message.Headers.TryGetLastBytes(name, out var bytes)) return null;
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static readonly UTF8Encoding Strict = new(false, true);

    private static byte[] Header(Message<byte[], byte[]> message, string name)
    {
        if (message.Headers is null || !message.Headers.TryGetLastBytes(name, out var bytes))
            throw new UndecodableMessageException($"header '{name}' is missing");
        try
        {
            // Stream ids are UTF-8; refuse anything else so a stray producer cannot create streams no one can address.
            _ = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new UndecodableMessageException($"header '{name}' is not UTF-8");
        }
        return bytes;
    }
}

public sealed class UndecodableMessageException(string message) : Exception(message);
