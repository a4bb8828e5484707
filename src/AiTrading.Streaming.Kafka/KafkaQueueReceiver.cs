using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// Reads one partition for the pulling agent that owns its queue. The partition is assigned explicitly (Orleans'
/// queue balancer decides who reads it, not Kafka's group protocol) and starts at the group's committed offset.
/// Offsets are stored only when the agent reports messages delivered (purged from the cache) or a poison message is
/// safely in the dead-letter topic, always the lowest offset not yet done, so a commit never covers a message that
/// was not handled (at least once). librdkafka commits stored offsets every <see cref="KafkaStreamOptions.CommitInterval"/>
/// and on shutdown.
/// </summary>
internal sealed class KafkaQueueReceiver(KafkaAdapterFactory factory, QueueId queue, ILogger logger) : IQueueAdapterReceiver
{
    private readonly SortedSet<long> pending = [];
    private PartitionConsumer? consumer;
    private TopicPartition partition = null!;
    private long nextOffset = -1;
    private long stored = -1;

    public Task Initialize(TimeSpan timeout)
    {
        partition = new TopicPartition(factory.Options.Topic, factory.PartitionOf(queue));
        consumer = factory.CreateConsumer(partition.Partition.Value);
        consumer.AssignFromCommitted();
        logger.LogInformation("Reading {Partition} from the committed offset of group {Group}", partition, factory.Options.ConsumerGroup);
        return Task.CompletedTask;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var batches = new List<IBatchContainer>();
        if (consumer is null) return batches;
        var limit = maxCount < 0 ? 1000 : maxCount;
        var deadLettered = false;
        while (batches.Count < limit && !cancellationToken.IsCancellationRequested)
        {
            // Zero timeout: librdkafka prefetches in its own threads, so this never blocks the agent's scheduler.
            var result = consumer.Next();
            if (result is null) break;
            nextOffset = result.Offset.Value + 1;
            try
            {
                batches.Add(factory.Messages.Decode(result));
                pending.Add(result.Offset.Value);
            }
            catch (UndecodableMessageException e)
            {
                try
                {
                    await factory.DeadLetters.SendAsync(result.Topic, result.Partition.Value, result.Offset.Value, result.Message, KafkaDeadLetters.Undecodable, e.Message);
                    deadLettered = true;
                }
                catch (KafkaException failure)
                {
                    // Not in the dead-letter topic, so not done: read it again next time; hand over what came before it.
                    logger.LogError(failure, "Could not dead-letter {Partition}@{Offset}; retrying it on the next read", partition, result.Offset.Value);
                    consumer.Seek(result.Offset);
                    nextOffset = result.Offset.Value;
                    break;
                }
            }
        }
        if (deadLettered) StoreProgress();
        return batches;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        foreach (KafkaBatchContainer batch in messages) pending.Remove(batch.Offset);
        StoreProgress();
        return Task.CompletedTask;
    }

    /// <summary>The offset the group will resume from: the oldest message not yet handled, or the next one to read.</summary>
    private void StoreProgress()
    {
        var resumeAt = pending.Count > 0 ? pending.Min : nextOffset;
        if (consumer is null || resumeAt <= stored || resumeAt < 0) return;
        consumer.StoreOffset(resumeAt);
        stored = resumeAt;
    }

    public Task Shutdown(TimeSpan timeout)
    {
        var closing = consumer;
        consumer = null;
        if (closing is null) return Task.CompletedTask;
        var failed = false;
        closing.Close(stored >= 0 ? stored : null, graceful: true, e =>
        {
            failed = true;
            logger.LogWarning(e, "Could not commit {Partition} at {Offset} on hand-over; the next owner redelivers from the last commit", partition, stored);
        });
        if (!failed) logger.LogInformation("Handed over {Partition} at offset {Offset}", partition, stored);
        factory.Forget(closing);
        return Task.CompletedTask;
    }
}
