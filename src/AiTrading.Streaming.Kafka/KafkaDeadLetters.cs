using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// Writes poison messages to <c>&lt;topic&gt;.dlq</c>: the original key, value and headers, plus headers naming the
/// reason (<c>dlq-reason</c>: <c>undecodable</c> or <c>delivery-failed</c>), the error, and where the message came
/// from (<c>dlq-source</c> = topic/partition@offset). The write is acknowledged by all replicas before the
/// original offset may be committed.
/// </summary>
internal sealed class KafkaDeadLetters(IProducer<byte[], byte[]> producer, string topic, ILogger logger)
{
    public const string ReasonHeader = "dlq-reason";
    public const string ErrorHeader = "dlq-error";
    public const string SourceHeader = "dlq-source";
    public const string SubscriptionHeader = "dlq-subscription";
    public const string Undecodable = "undecodable";
    public const string DeliveryFailed = "delivery-failed";

    public string Topic { get; } = topic;

    public async Task SendAsync(string sourceTopic, int partition, long offset, Message<byte[], byte[]> original, string reason, string error,
        string? subscription = null)
    {
        var headers = new Headers();
        if (original.Headers is not null)
        {
            foreach (var header in original.Headers) headers.Add(header.Key, header.GetValueBytes());
        }
        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(reason));
        headers.Add(ErrorHeader, Encoding.UTF8.GetBytes(error));
        headers.Add(SourceHeader, Encoding.UTF8.GetBytes($"{sourceTopic}/{partition}@{offset}"));
        if (subscription is not null) headers.Add(SubscriptionHeader, Encoding.UTF8.GetBytes(subscription));
        await producer.ProduceAsync(Topic, new Message<byte[], byte[]> { Key = original.Key, Value = original.Value, Headers = headers });
        logger.LogWarning("Dead-lettered {Topic}/{Partition}@{Offset} to {DeadLetterTopic}: {Reason}: {Error}", sourceTopic, partition, offset, Topic, reason, error);
    }
}

/// <summary>
/// Called by the pulling agent when it gave up delivering a message (after <see cref="KafkaStreamOptions.DeliveryTimeout"/>):
/// the message goes to the dead-letter topic and the subscription carries on with the next one.
/// </summary>
internal sealed class KafkaDeliveryFailureHandler(KafkaAdapterFactory factory, QueueId queue, ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamId, StreamSequenceToken? sequenceToken)
    {
        var partition = factory.PartitionOf(queue);
        if (sequenceToken is null || factory.CacheOf(queue)?.Find(sequenceToken.SequenceNumber) is not { } batch || batch.Source is not { } source)
        {
            logger.LogError("Delivery of {StreamId} at {Token} to {Subscription} failed and the message is no longer cached; not dead-lettered",
                streamId, sequenceToken, subscriptionId);
            return;
        }
        await factory.DeadLetters.SendAsync(factory.Options.Topic, partition, batch.Offset, source, KafkaDeadLetters.DeliveryFailed,
            $"delivery to subscription {subscriptionId} of stream {streamId} failed for {factory.Options.DeliveryTimeout}", subscriptionId.ToString());
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamId, StreamSequenceToken? sequenceToken)
    {
        logger.LogWarning("Subscription {Subscription} to {StreamId} could not be established at {Token}", subscriptionId, streamId, sequenceToken);
        return Task.CompletedTask;
    }
}
