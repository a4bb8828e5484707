using AiTrading.Contracts;

namespace AiTrading.Grains;

/// <summary>The slots of one kind of job of one caller (see <see cref="IJobSlotsGrain"/>): holder → lease expiry, persisted.</summary>
public sealed class JobSlotsGrain([PersistentState("job-slots")] IPersistentState<Dictionary<string, DateTimeOffset>> slots, TimeProvider clock)
    : Grain, IJobSlotsGrain
{
    public async Task<bool> TryAcquireAsync(string holder, int limit, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        var now = clock.GetUtcNow();
        foreach (var expired in slots.State.Where(s => s.Value <= now).Select(s => s.Key).ToList()) slots.State.Remove(expired);
        if (!slots.State.ContainsKey(holder) && slots.State.Count >= limit) return false;
        slots.State[holder] = now + lease;
        await slots.WriteStateAsync();
        return true;
    }

    public async Task ReleaseAsync(string holder)
    {
        if (!slots.State.Remove(holder)) return;
        if (slots.State.Count == 0) await slots.ClearStateAsync(); // no row per caller once it has nothing running
        else await slots.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> GetHoldersAsync() =>
        Task.FromResult<IReadOnlyList<string>>(slots.State.Where(s => s.Value > clock.GetUtcNow()).Select(s => s.Key).Order(StringComparer.Ordinal).ToList());
}
