using AiTrading.Contracts;
using AiTrading.Core.Scaling;

namespace AiTrading.Grains;

/// <summary>The cluster's backlog (see <see cref="IBacklogGrain"/>): Core's <see cref="BacklogLedger"/>, in memory, renewed by its holders.</summary>
public sealed class BacklogGrain(TimeProvider clock) : Grain, IBacklogGrain
{
    private readonly BacklogLedger _ledger = new();

    public Task EnterAsync(string job, WorkloadKind kind, TimeSpan lease)
    {
        _ledger.Enter(job, kind, clock.GetUtcNow(), lease);
        return Task.CompletedTask;
    }

    public Task LeaveAsync(string job)
    {
        _ledger.Leave(job);
        return Task.CompletedTask;
    }

    public Task ReportInferenceAsync(string source, int waiting, TimeSpan lease)
    {
        _ledger.ReportInference(source, waiting, clock.GetUtcNow(), lease);
        return Task.CompletedTask;
    }

    public Task<BacklogView> GetAsync()
    {
        var counts = _ledger.Count(clock.GetUtcNow());
        return Task.FromResult(new BacklogView(counts.Backtests, counts.TreeTraining, counts.NetworkTraining, counts.InferenceWaiting));
    }
}
