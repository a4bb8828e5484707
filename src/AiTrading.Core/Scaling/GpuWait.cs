namespace AiTrading.Core.Scaling;

/// <summary>What a job waiting for a GPU silo does on a tick of its retry timer.</summary>
public enum GpuWaitStep
{
    /// <summary>Try to start it again.</summary>
    Retry,
    /// <summary>Renew its backlog lease (due), then try to start it again.</summary>
    RenewAndRetry,
    /// <summary>It has waited as long as it may: fail it.</summary>
    GiveUp,
}

/// <summary>
/// A network job queued until a GPU silo joins: it waits at most <paramref name="Timeout"/> from
/// <paramref name="Since"/>, and keeps its backlog lease by renewing it every <paramref name="Renewal"/> (counting
/// from <paramref name="RenewedAt"/>) so the GPU pool is scaled up for it while it waits.
/// </summary>
public readonly record struct GpuWait(DateTimeOffset Since, TimeSpan Timeout, TimeSpan Renewal, DateTimeOffset RenewedAt)
{
    public static GpuWait Start(DateTimeOffset now, TimeSpan timeout, TimeSpan renewal) => new(now, timeout, renewal, now);

    public DateTimeOffset Deadline => Since + Timeout;

    public GpuWaitStep Next(DateTimeOffset now) =>
        now >= Deadline ? GpuWaitStep.GiveUp
        : now - RenewedAt >= Renewal ? GpuWaitStep.RenewAndRetry
        : GpuWaitStep.Retry;

    public GpuWait Renewed(DateTimeOffset now) => this with { RenewedAt = now };
}
