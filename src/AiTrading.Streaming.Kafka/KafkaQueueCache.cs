using System.Diagnostics.CodeAnalysis;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// The pulling agent's cache of one partition, in offset order. A message leaves the cache (and its offset may be
/// committed) only once every cursor of its stream has moved past it and it is older than the rewind window, or the
/// cache is more than half full; so what is purged has been delivered to every subscriber, and a subscriber can
/// rewind to any token still in the window.
/// </summary>
/// <remarks>
/// A cursor counts a message as delivered when the agent asks it for the next one: the agent moves a cursor only
/// after the previous delivery finished. That holds for one batch container per delivery, the pulling agent's
/// default, which the provider keeps (<c>BatchContainerBatchSize</c> = 1). All calls come from the agent's
/// single-threaded scheduler.
/// </remarks>
internal sealed class KafkaQueueCache(int capacity, TimeSpan rewindWindow, TimeProvider time) : IQueueCache
{
    /// <summary>The most messages one read asks for.</summary>
    private const int MaxRead = 1000;

    private readonly LinkedList<Entry> entries = new();
    private readonly Dictionary<StreamId, StreamLog> streams = new();
    private readonly HashSet<Cursor> cursors = new();
    private long nextNumber;

    public int Count => entries.Count;

    public int GetMaxAddCount() => Math.Clamp(capacity - entries.Count, 1, MaxRead);

    public bool IsUnderPressure() => entries.Count >= capacity;

    public void AddToCache(IList<IBatchContainer> messages)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (KafkaBatchContainer batch in messages)
        {
            var entry = new Entry(nextNumber++, batch, now);
            entries.AddLast(entry);
            Log(batch.StreamId).Add(entry);
        }
    }

    public bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems)
    {
        purgedItems = null;
        if (entries.Count == 0) return false;
        var delivered = long.MaxValue;
        foreach (var cursor in cursors) delivered = Math.Min(delivered, cursor.DeliveredBefore);
        var now = time.GetUtcNow().UtcDateTime;
        List<IBatchContainer>? purged = null;
        while (entries.First is { Value: var oldest } && oldest.Number < delivered &&
               (now - oldest.AddedUtc >= rewindWindow || entries.Count > capacity / 2))
        {
            entries.RemoveFirst();
            var log = streams[oldest.Batch.StreamId];
            log.RemoveOldest();
            if (log.IsUnused) streams.Remove(oldest.Batch.StreamId);
            (purged ??= []).Add(oldest.Batch);
        }
        purgedItems = purged;
        return purged is not null;
    }

    /// <summary>The cached message at <paramref name="offset"/>, for the dead-letter handler.</summary>
    public KafkaBatchContainer? Find(long offset)
    {
        for (var node = entries.Last; node is not null; node = node.Previous)
        {
            if (node.Value.Batch.Offset == offset) return node.Value.Batch;
            if (node.Value.Batch.Offset < offset) break;
        }
        return null;
    }

    [Obsolete("Use TryGetCacheCursor instead.")]
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token)
    {
        var result = TryGetCacheCursor(streamId, token);
        return result.Cursor ?? throw result.CacheMiss!.Value.ToException();
    }

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token)
    {
        var log = Log(streamId);
        if (token is null) return Open(log, log.End, 0);
        if (entries.First is { Value: var oldest } && token.SequenceNumber < oldest.Batch.Offset)
        {
            return QueueCacheCursorResult<IQueueCacheCursor>.FromCacheMiss(
                new QueueCacheMissInfo(token, oldest.Batch.SequenceToken, entries.Last!.Value.Batch.SequenceToken));
        }
        return Open(log, log.FirstAtOrAfter(token.SequenceNumber), token.SequenceNumber);
    }

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursorAtPosition(StreamId streamId, StreamSubscriptionStartPosition startPosition)
    {
        var log = Log(streamId);
        return startPosition switch
        {
            StreamSubscriptionStartPosition.Latest => Open(log, log.End, 0),
            StreamSubscriptionStartPosition.EarliestAvailable => Open(log, log.Start, 0),
            _ => throw new ArgumentOutOfRangeException(nameof(startPosition), startPosition, "not a start position"),
        };
    }

    private QueueCacheCursorResult<IQueueCacheCursor> Open(StreamLog log, long position, long minOffset)
    {
        var cursor = new Cursor(this, log, position, minOffset);
        cursors.Add(cursor);
        log.Cursors++;
        return QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(cursor);
    }

    private void Close(Cursor cursor)
    {
        if (!cursors.Remove(cursor)) return;
        cursor.Log.Cursors--;
        if (cursor.Log.IsUnused && streams.TryGetValue(cursor.Log.StreamId, out var log) && log == cursor.Log) streams.Remove(log.StreamId);
    }

    private StreamLog Log(StreamId streamId)
    {
        if (!streams.TryGetValue(streamId, out var log)) streams[streamId] = log = new StreamLog(streamId);
        return log;
    }

    private sealed record Entry(long Number, KafkaBatchContainer Batch, DateTime AddedUtc);

    /// <summary>The cached messages of one stream; positions count from the stream's first message ever cached.</summary>
    private sealed class StreamLog(StreamId streamId)
    {
        private readonly List<Entry> items = [];
        private int head;
        private long removed;

        public StreamId StreamId { get; } = streamId;
        public int Cursors { get; set; }
        public long Start => removed;
        public long End => removed + items.Count - head;
        public bool IsUnused => Cursors == 0 && End == Start;

        public void Add(Entry entry) => items.Add(entry);

        public Entry? At(long position) => position >= Start && position < End ? items[head + (int)(position - removed)] : null;

        public void RemoveOldest()
        {
            items[head++] = null!;
            removed++;
            if (head > 1024 && head * 2 > items.Count)
            {
                items.RemoveRange(0, head);
                head = 0;
            }
        }

        public long FirstAtOrAfter(long offset)
        {
            var position = Start;
            while (position < End && At(position)!.Batch.Offset < offset) position++;
            return position;
        }
    }

    private sealed class Cursor(KafkaQueueCache cache, StreamLog log, long position, long minOffset) : IQueueCacheCursor
    {
        private Entry? current;
        private long next = position;

        public StreamLog Log => log;

        /// <summary>Every message of the cache numbered below this has been delivered through this cursor.</summary>
        public long DeliveredBefore => current?.Number ?? log.At(next)?.Number ?? long.MaxValue;

        public IBatchContainer? GetCurrent(out Exception? exception)
        {
            exception = null;
            return current?.Batch;
        }

        [Obsolete("Use MoveNextWithResult instead.")]
        public bool MoveNext() => MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

        public QueueCacheCursorMoveResult MoveNextWithResult()
        {
            while (log.At(next) is { } entry)
            {
                next++;
                if (entry.Batch.Offset < minOffset) continue;
                current = entry;
                return QueueCacheCursorMoveResult.Success;
            }
            current = null;
            return QueueCacheCursorMoveResult.NoData;
        }

        public void Refresh(StreamSequenceToken token) { }

        public void RecordDeliveryFailure() { }

        public void Dispose() => cache.Close(this);
    }
}
