using AiTrading.Core;
using AiTrading.Core.Trading;
using Orleans.Storage;

namespace AiTrading.Grains;

/// <summary>
/// How long the embedded default's in-memory grain storage keeps finished orders ("Trading:FinishedOrderRetention").
/// A finished order (filled, cancelled, rejected or expired, owing nothing) is purged once it is older than the newest
/// <see cref="Count"/> finished orders the silo stored and has been finished for at least <see cref="MinAge"/>.
/// PostgreSQL storage keeps every order.
/// </summary>
public sealed class FinishedOrderRetentionOptions
{
    public int Count { get; set; } = 10_000;
    public TimeSpan MinAge { get; set; } = TimeSpan.FromMinutes(1);

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (Count is < 100 or > 10_000_000) errors.Add(new("Count", $"must be between 100 and 10000000 (got {Count})"));
        if (MinAge < TimeSpan.FromSeconds(10) || MinAge > TimeSpan.FromDays(7)) errors.Add(new("MinAge", $"must be between 00:00:10 and 7.00:00:00 (got {MinAge})"));
        return errors;
    }
}

/// <summary>
/// In-memory grain storage that forgets finished orders past their retention (<see cref="FinishedOrderRetentionOptions"/>);
/// every other state, and every order still working or owing something, is kept as the inner storage keeps it. A purged
/// order reads as never stored: its grain answers like an unknown order, and its client order id is free again. Its
/// records stay in the audit log. Which orders finished is learnt from this silo's writes, so the count is per silo.
/// </summary>
public sealed class FinishedOrderPurgingStorage(IGrainStorage inner, FinishedOrderRetentionOptions retention, TimeProvider clock) : IGrainStorage
{
    private readonly Queue<(string StateName, GrainId Id, string? ETag, DateTimeOffset FinishedAt)> _finished = new();
    private readonly Lock _gate = new();

    /// <summary>Finished orders this silo stored that are not purged yet.</summary>
    public int Retained
    {
        get
        {
            lock (_gate) return _finished.Count;
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState);
        if (grainState.State is not OrderState order || !IsFinished(order)) return;
        lock (_gate) _finished.Enqueue((stateName, grainId, grainState.ETag, clock.GetUtcNow()));
        await PurgeAsync();
    }

    /// <summary>Purges the finished orders past the retention; returns how many were removed from storage.</summary>
    public async Task<int> PurgeAsync()
    {
        var purged = 0;
        while (NextDue() is var (stateName, id, etag))
        {
            // Only the version this silo stored as finished is removed: a later write changed the etag, and decides
            // itself whether the order is finished (and queues it again if so).
            try
            {
                await inner.ClearStateAsync(stateName, id, new GrainState<OrderState> { ETag = etag, RecordExists = true });
                purged++;
            }
            catch (InconsistentStateException)
            {
            }
        }
        return purged;
    }

    private (string StateName, GrainId Id, string? ETag)? NextDue()
    {
        lock (_gate)
        {
            if (_finished.Count <= retention.Count || _finished.Peek().FinishedAt > clock.GetUtcNow() - retention.MinAge) return null;
            var (stateName, id, etag, _) = _finished.Dequeue();
            return (stateName, id, etag);
        }
    }

    private static bool IsFinished(OrderState? state) =>
        state is { Order.Status: OrderStatus.Filled or OrderStatus.Cancelled or OrderStatus.Rejected or OrderStatus.Expired, Effects.Count: 0, AwaitingVenue: false };
}
