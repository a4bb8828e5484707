using System.Collections.Concurrent;
using AiTrading.Core.Audit;

namespace AiTrading.Grains;

/// <summary>
/// Where audit records live. Records are only ever appended; the grain that owns a stream is its only writer.
/// The embedded default keeps them in process memory; the cluster mode stores them in PostgreSQL.
/// </summary>
public interface IAuditStore
{
    /// <summary>
    /// Appends a record that extends the stream's head (throws <see cref="AuditConflictException"/> otherwise) and
    /// returns null; with a <paramref name="key"/> the stream already holds, stores nothing and returns the sequence of
    /// the record that holds it.
    /// </summary>
    Task<long?> AppendAsync(AuditRecord record, string? key = null, CancellationToken cancellationToken = default);
    /// <summary>
    /// Appends records that extend the stream's head one after the other, all in one write or none: false (nothing
    /// stored) when one of the keys is held already or the head moved, and the caller appends them one at a time.
    /// </summary>
    Task<bool> TryAppendAllAsync(IReadOnlyList<KeyedAuditRecord> records, CancellationToken cancellationToken = default);
    /// <summary>The sequence and hash of the stream's last record (kept even when retention dropped the record), or null for a new stream.</summary>
    Task<AuditAnchor?> GetHeadAsync(string stream, CancellationToken cancellationToken = default);
    /// <summary>Records from <paramref name="fromSequence"/> on, in sequence order (those retention dropped are gone).</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(string stream, long fromSequence, int limit, CancellationToken cancellationToken = default);
    /// <summary>The last record retention removed from the stream, if any: verification starts after it.</summary>
    Task<AuditAnchor?> GetAnchorAsync(string stream, CancellationToken cancellationToken = default);
}

/// <summary>A record to append and its idempotency key, if it has one.</summary>
public readonly record struct KeyedAuditRecord(AuditRecord Record, string? Key);

/// <summary>
/// An append that does not extend the stream's current head: another writer got there first (for instance a
/// second activation during a silo failure). The record was not stored, so the chain cannot fork.
/// </summary>
[GenerateSerializer, Alias("audit-conflict")]
public sealed class AuditConflictException : Exception
{
    public AuditConflictException(string stream, long sequence)
        : base($"audit stream '{stream}' already has a record {sequence} or does not end at {sequence - 1}; the append was refused")
    {
        Stream = stream;
        Sequence = sequence;
    }

    [Id(0)] public string Stream { get; private set; }
    [Id(1)] public long Sequence { get; private set; }
}

/// <summary>
/// The embedded default's audit log: every record stays in process memory for the life of the process (about 1.2 KB
/// a record with its idempotency key; docs/benchmarks.md has the measurement), so it grows with the orders traded.
/// </summary>
public sealed class MemoryAuditStore : IAuditStore
{
    private readonly ConcurrentDictionary<string, StoredStream> _streams = new(StringComparer.Ordinal);
    private long _recordCount;

    /// <summary>Records held, over all streams.</summary>
    public long RecordCount => Interlocked.Read(ref _recordCount);

    private sealed class StoredStream
    {
        public readonly List<AuditRecord> Records = [];
        public readonly Dictionary<string, long> Keys = new(StringComparer.Ordinal);
    }

    public Task<long?> AppendAsync(AuditRecord record, string? key = null, CancellationToken cancellationToken = default)
    {
        var stream = _streams.GetOrAdd(record.Stream, _ => new StoredStream());
        var records = stream.Records;
        lock (stream)
        {
            if (key is not null && stream.Keys.TryGetValue(key, out var existing)) return Task.FromResult<long?>(existing);
            var expected = records.Count + 1;
            if (record.Sequence != expected || record.PreviousHash != (records.Count == 0 ? AuditChain.GenesisHash : records[^1].Hash))
                throw new AuditConflictException(record.Stream, record.Sequence);
            records.Add(record);
            if (key is not null) stream.Keys[key] = record.Sequence;
        }
        Interlocked.Increment(ref _recordCount);
        return Task.FromResult<long?>(null);
    }

    public Task<bool> TryAppendAllAsync(IReadOnlyList<KeyedAuditRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0) return Task.FromResult(true);
        var stream = _streams.GetOrAdd(records[0].Record.Stream, _ => new StoredStream());
        lock (stream)
        {
            var (sequence, hash) = stream.Records.Count == 0 ? (0L, AuditChain.GenesisHash) : (stream.Records[^1].Sequence, stream.Records[^1].Hash);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (record, key) in records)
            {
                if (record.Stream != records[0].Record.Stream || record.Sequence != sequence + 1 || record.PreviousHash != hash
                    || (key is not null && (stream.Keys.ContainsKey(key) || !keys.Add(key)))) return Task.FromResult(false);
                (sequence, hash) = (record.Sequence, record.Hash);
            }
            foreach (var (record, key) in records)
            {
                stream.Records.Add(record);
                if (key is not null) stream.Keys[key] = record.Sequence;
            }
        }
        Interlocked.Add(ref _recordCount, records.Count);
        return Task.FromResult(true);
    }

    public Task<AuditAnchor?> GetHeadAsync(string stream, CancellationToken cancellationToken = default)
    {
        if (!_streams.TryGetValue(stream, out var stored)) return Task.FromResult<AuditAnchor?>(null);
        var records = stored.Records;
        lock (stored) return Task.FromResult(records.Count == 0 ? null : new AuditAnchor(records[^1].Sequence, records[^1].Hash));
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(string stream, long fromSequence, int limit, CancellationToken cancellationToken = default)
    {
        if (!_streams.TryGetValue(stream, out var stored)) return Task.FromResult<IReadOnlyList<AuditRecord>>([]);
        var records = stored.Records;
        lock (stored)
        {
            var start = (int)Math.Clamp(fromSequence - 1, 0, records.Count);
            var count = Math.Min(limit, records.Count - start);
            return Task.FromResult<IReadOnlyList<AuditRecord>>(records.GetRange(start, count));
        }
    }

    public Task<AuditAnchor?> GetAnchorAsync(string stream, CancellationToken cancellationToken = default) => Task.FromResult<AuditAnchor?>(null);

    /// <summary>Overwrites a stored record in place, as an attacker with access to the storage could. Tests only.</summary>
    internal void Tamper(string stream, long sequence, Func<AuditRecord, AuditRecord> change)
    {
        var stored = _streams[stream];
        lock (stored) stored.Records[(int)sequence - 1] = change(stored.Records[(int)sequence - 1]);
    }
}
