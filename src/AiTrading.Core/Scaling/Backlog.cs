namespace AiTrading.Core.Scaling;

/// <summary>The silo pools an autoscaler sizes: CPU silos and GPU silos (silo metadata <c>gpu=true</c>).</summary>
public enum ComputePool { Cpu, Gpu }

/// <summary>A job that waits for or occupies a silo of one pool until it ends.</summary>
public enum WorkloadKind
{
    /// <summary>A backtest, from its acceptance (files read, then the replay) until it ends.</summary>
    Backtest,
    /// <summary>Training of a tree model (LightGBM, FastTree, ...), placed on any silo.</summary>
    TreeTraining,
    /// <summary>Training of a network (LSTM, transformer, CNN), placed on GPU silos.</summary>
    NetworkTraining,
}

public static class ComputePools
{
    public static ComputePool PoolOf(this WorkloadKind kind) => kind == WorkloadKind.NetworkTraining ? ComputePool.Gpu : ComputePool.Cpu;

    /// <summary>The pool's name in scaler metadata and metric names: <c>cpu</c> or <c>gpu</c>.</summary>
    public static string Name(this ComputePool pool) => pool == ComputePool.Gpu ? "gpu" : "cpu";
}

/// <summary>The backlog of the cluster by what makes it up; a pool's backlog is the sum of its parts.</summary>
public readonly record struct BacklogCounts(int Backtests, int TreeTraining, int NetworkTraining, int InferenceWaiting)
{
    /// <summary>CPU silos: backtests and tree training. GPU silos: network training and network inference calls not yet answered.</summary>
    public int Of(ComputePool pool) => pool == ComputePool.Gpu ? NetworkTraining + InferenceWaiting : Backtests + TreeTraining;
}

/// <summary>
/// Who holds work in the cluster, as leases: a job enters when it is accepted and renews its lease while it runs; a
/// process reports how many network inference calls it has waiting. Nothing stays for ever: a job or a report whose
/// lease ran out (its silo or gateway died without saying so) no longer counts. Not thread-safe: its grain owns it.
/// </summary>
public sealed class BacklogLedger
{
    /// <summary>Inference waiting reports are bounded per process, so one confused reporter cannot claim an absurd backlog.</summary>
    public const int MaxWaitingPerReport = 1_000_000;

    private readonly Dictionary<string, (WorkloadKind Kind, DateTimeOffset Until)> _jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Waiting, DateTimeOffset Until)> _inference = new(StringComparer.Ordinal);

    /// <summary>The job is queued or running (again: renews its lease).</summary>
    public void Enter(string job, WorkloadKind kind, DateTimeOffset now, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrEmpty(job);
        RequireLease(lease);
        _jobs[job] = (kind, now + lease);
    }

    /// <summary>The job ended; false when it was not counted (never entered, left already, or its lease ran out).</summary>
    public bool Leave(string job) => _jobs.Remove(job);

    /// <summary>How many network inference calls <paramref name="source"/> (a silo or gateway) has waiting now; 0 forgets it.</summary>
    public void ReportInference(string source, int waiting, DateTimeOffset now, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentOutOfRangeException.ThrowIfNegative(waiting);
        RequireLease(lease);
        if (waiting == 0) _inference.Remove(source);
        else _inference[source] = (Math.Min(waiting, MaxWaitingPerReport), now + lease);
    }

    /// <summary>What counts at <paramref name="now"/>; entries whose lease ran out are dropped.</summary>
    public BacklogCounts Count(DateTimeOffset now)
    {
        foreach (var expired in _jobs.Where(j => j.Value.Until <= now).Select(j => j.Key).ToList()) _jobs.Remove(expired);
        foreach (var expired in _inference.Where(r => r.Value.Until <= now).Select(r => r.Key).ToList()) _inference.Remove(expired);
        int Jobs(WorkloadKind kind) => _jobs.Values.Count(j => j.Kind == kind);
        var waiting = _inference.Values.Sum(r => (long)r.Waiting);
        return new BacklogCounts(Jobs(WorkloadKind.Backtest), Jobs(WorkloadKind.TreeTraining), Jobs(WorkloadKind.NetworkTraining), (int)Math.Min(waiting, int.MaxValue));
    }

    private static void RequireLease(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lease), lease, "a lease must be positive");
    }
}
