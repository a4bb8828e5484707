using Orleans.Concurrency;

namespace AiTrading.Contracts;

/// <summary>Who asked: the gateway passes the caller's principal name with a job, so limits per caller hold cluster-wide.</summary>
public static class Callers
{
    /// <summary>The caller without an authenticated identity.</summary>
    public const string Anonymous = "anonymous";
}

/// <summary>
/// The jobs of one kind one caller runs at once, across the cluster (key: <see cref="JobSlots.Key"/>). A job takes a
/// slot before it starts and gives it back when it ends; a slot whose lease ran out (its silo died mid-job) is free again.
/// </summary>
[Alias("job-slots")]
public interface IJobSlotsGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot for <paramref name="holder"/> (again: renews it); false when <paramref name="limit"/> others hold one.</summary>
    [Alias("acquire")] Task<bool> TryAcquireAsync(string holder, int limit, TimeSpan lease);
    [Alias("release")] Task ReleaseAsync(string holder);
    [Alias("holders"), ReadOnly] Task<IReadOnlyList<string>> GetHoldersAsync();
}

public static class JobSlots
{
    public const string Backtests = "backtests", Training = "training";

    public static string Key(string kind, string? caller) => $"{kind}/{(string.IsNullOrWhiteSpace(caller) ? Callers.Anonymous : caller)}";
}
