using AiTrading.Contracts;
using AiTrading.Core.Scaling;

namespace AiTrading.Grains;

/// <summary>
/// A running job's place in the cluster's backlog, renewed by a timer of the activation that runs it: when that silo
/// dies the renewals stop and the job stops counting once its lease runs out.
/// </summary>
internal sealed class BacklogHold(IGrainFactory grains, string job, WorkloadKind kind)
{
    private IGrainTimer? _timer;
    private Task _renewal = Task.CompletedTask;

    private IBacklogGrain Backlog => Contracts.Backlog.Grain(grains);

    public Task EnterAsync() => Backlog.EnterAsync(job, kind, Contracts.Backlog.Lease);

    public Task LeaveAsync() => Backlog.LeaveAsync(job);

    public void RenewWhileRunning(IGrainBase grain) =>
        _timer ??= grain.RegisterGrainTimer(_ => _renewal = EnterAsync(), Contracts.Backlog.Renewal, Contracts.Backlog.Renewal);

    /// <summary>Stops renewing; a renewal already sent has arrived when this returns, so a leave after it is the last word.</summary>
    public async Task StopRenewingAsync()
    {
        _timer?.Dispose();
        _timer = null;
        try
        {
            await _renewal;
        }
        catch (Exception)
        {
            // A lost renewal changes nothing for a job that is leaving.
        }
    }
}
