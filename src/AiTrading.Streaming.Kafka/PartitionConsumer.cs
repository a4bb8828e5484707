using Confluent.Kafka;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// The consumer of one partition, used by one thread at a time. librdkafka does not allow closing a consumer while
/// another thread polls it, and a silo that stops abruptly disposes the adapter factory (and so its consumers)
/// while pulling agents may still be reading: every call here holds the consumer's lock, and once closed it reads
/// nothing.
/// </summary>
internal sealed class PartitionConsumer(IConsumer<byte[], byte[]> consumer, TopicPartition partition)
{
    private readonly Lock _gate = new();
    private bool _closed;

    public TopicPartition Partition => partition;

    public void AssignFromCommitted()
    {
        lock (_gate) if (!_closed) consumer.Assign(new TopicPartitionOffset(partition, Offset.Stored));
    }

    /// <summary>The next prefetched message, or null when none is waiting (never blocks) or the consumer is closed.</summary>
    public ConsumeResult<byte[], byte[]>? Next()
    {
        lock (_gate) return _closed ? null : consumer.Consume(TimeSpan.Zero);
    }

    public void Seek(Offset offset)
    {
        lock (_gate) if (!_closed) consumer.Seek(new TopicPartitionOffset(partition, offset));
    }

    public void StoreOffset(long offset)
    {
        lock (_gate) if (!_closed) consumer.StoreOffset(new TopicPartitionOffset(partition, offset));
    }

    /// <summary>
    /// Commits <paramref name="commit"/> (when given; a failure goes to <paramref name="commitFailed"/>), leaves the
    /// group cleanly when <paramref name="graceful"/>, and frees the consumer. Later calls do nothing.
    /// </summary>
    public void Close(long? commit, bool graceful, Action<KafkaException>? commitFailed = null)
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            try
            {
                if (commit is { } offset) consumer.Commit([new TopicPartitionOffset(partition, offset)]);
            }
            catch (KafkaException e)
            {
                commitFailed?.Invoke(e);
            }
            finally
            {
                try
                {
                    if (graceful) consumer.Close();
                }
                finally
                {
                    consumer.Dispose();
                }
            }
        }
    }
}
