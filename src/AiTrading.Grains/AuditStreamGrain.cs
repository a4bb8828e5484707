using AiTrading.Contracts;
using AiTrading.Core.Audit;

namespace AiTrading.Grains;

public sealed class AuditStreamGrain(IAuditStore store, TimeProvider clock) : Grain, IAuditStreamGrain
{
    public const int MaxReadLimit = 1000;
    public const int MaxAppendBatch = 1000;
    private const int VerifyPageSize = 5000;
    private AuditAnchor? _head;

    private string Stream => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _head = await store.GetHeadAsync(Stream, cancellationToken);

    public async Task<AuditRecord> AppendAsync(AuditEntry entry)
    {
        var record = AuditChain.Next(_head, Stream, clock.GetUtcNow(), entry.Kind, entry.Payload);
        try
        {
            if (await store.AppendAsync(record, entry.Key) is { } holder)
                return (await store.ReadAsync(Stream, holder, 1)) is [var kept] && kept.Sequence == holder
                    ? kept
                    : throw new InvalidOperationException($"audit stream '{Stream}' recorded key '{entry.Key}' as record {holder}, which retention has dropped");
        }
        catch (AuditConflictException)
        {
            // Someone else extended the stream: continue from the stored head, never from our stale one.
            _head = await store.GetHeadAsync(Stream);
            throw;
        }
        await AdvanceAsync(record, [entry]);
        return record;
    }

    /// <summary>The stream now ends at <paramref name="last"/>, having stored <paramref name="entries"/>; a new stream joins the index.</summary>
    private async Task AdvanceAsync(AuditRecord last, IEnumerable<AuditEntry> entries)
    {
        if (_head is null) await GrainFactory.Ref<INameIndexGrain>(NameIndexes.AuditStreams).RegisterAsync(Stream);
        _head = new AuditAnchor(last.Sequence, last.Hash);
        foreach (var entry in entries) TradingMetrics.AuditAppends.Add(1, TradingMetrics.Tag("kind", entry.Kind));
    }

    public async Task<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count > MaxAppendBatch) throw new Core.ValidationException("entries", $"at most {MaxAppendBatch} a call (got {entries.Count})");
        var records = new AuditRecord[entries.Count];
        if (entries.Count > 1)
        {
            // One write for the step's records; a key held already or a moved head sends them one at a time instead.
            var keyed = new KeyedAuditRecord[entries.Count];
            var now = clock.GetUtcNow();
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = AuditChain.Next(i == 0 ? _head : new AuditAnchor(records[i - 1].Sequence, records[i - 1].Hash), Stream, now, entries[i].Kind, entries[i].Payload);
                keyed[i] = new KeyedAuditRecord(records[i], entries[i].Key);
            }
            if (await store.TryAppendAllAsync(keyed))
            {
                await AdvanceAsync(records[^1], entries);
                return records;
            }
        }
        for (var i = 0; i < records.Length; i++) records[i] = await AppendAsync(entries[i]);
        return records;
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(long fromSequence, int limit)
    {
        if (fromSequence < 1) throw new Core.ValidationException("from", $"must be 1 or more (got {fromSequence})");
        if (limit is < 1 or > MaxReadLimit) throw new Core.ValidationException("limit", $"must be between 1 and {MaxReadLimit} (got {limit})");
        return store.ReadAsync(Stream, fromSequence, limit);
    }

    public async Task<AuditVerification> VerifyAsync()
    {
        var anchor = await store.GetAnchorAsync(Stream);
        return AuditChain.Verify(Stream, await ReadAll((anchor?.Sequence ?? 0) + 1), anchor);

        async Task<List<AuditRecord>> ReadAll(long from)
        {
            var all = new List<AuditRecord>();
            while (true)
            {
                var page = await store.ReadAsync(Stream, from, VerifyPageSize);
                all.AddRange(page);
                if (page.Count < VerifyPageSize) return all;
                from = page[^1].Sequence + 1;
            }
        }
    }

    public Task<AuditStreamInfo> GetInfoAsync() =>
        Task.FromResult(new AuditStreamInfo(Stream, _head?.Sequence ?? 0, _head?.Hash ?? AuditChain.GenesisHash));
}

/// <summary>Writes audit records as JSON with one set of serializer settings.</summary>
public static class AuditJson
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static string Serialize<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, Options);

    /// <param name="key">makes the append idempotent (see <see cref="AuditEntry.Key"/>)</param>
    public static Task<AuditRecord> AppendAsync<T>(IGrainFactory grains, string stream, string kind, T payload, string? key = null) =>
        grains.Ref<IAuditStreamGrain>(stream).AppendAsync(new AuditEntry(kind, Serialize(payload), key));
}
