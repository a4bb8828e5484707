using AiTrading.Contracts;
using AiTrading.Core.Scaling;

namespace AiTrading.Grains.Models;

/// <summary>
/// A network training job accepted while no GPU silo is in the cluster (<see cref="WithoutGpu.Wait"/>): tries to
/// start its trainer every <see cref="ModelOptions.GpuWaitRetry"/>, keeps the job in the GPU backlog meanwhile (that
/// is what scales the GPU pool up from zero), and fails it after <see cref="ModelOptions.GpuWaitTimeout"/>. Lives on
/// its model grain's timer, so its ticks never interleave with the grain's calls.
/// </summary>
internal sealed class GpuWaiter : IDisposable
{
    public const string Stage = "waiting for a GPU silo";

    private readonly TimeProvider _clock;
    private readonly BacklogHold _backlog;
    private readonly Func<Task> _start;
    private readonly Func<Task> _started;
    private readonly Func<string, Task> _failed;
    private readonly IGrainTimer _timer;
    private GpuWait _wait;

    /// <param name="start">Starts the trainer; throws <see cref="NoGpuSiloException"/> while there is still no GPU silo.</param>
    /// <param name="started">Called once the trainer has the job.</param>
    /// <param name="failed">Called with the error when the job cannot start: timed out, or the trainer refused it.</param>
    public GpuWaiter(IGrainBase grain, IGrainFactory grains, string jobId, ModelOptions options, TimeProvider clock,
        Func<Task> start, Func<Task> started, Func<string, Task> failed)
    {
        _clock = clock;
        _backlog = new BacklogHold(grains, Backlog.TrainingJob(jobId), WorkloadKind.NetworkTraining);
        (_start, _started, _failed) = (start, started, failed);
        _wait = GpuWait.Start(clock.GetUtcNow(), options.GpuWaitTimeout, Backlog.Renewal);
        _timer = grain.RegisterGrainTimer(_ => TickAsync(), options.GpuWaitRetry, options.GpuWaitRetry);
    }

    public void Dispose() => _timer.Dispose();

    private async Task TickAsync()
    {
        var now = _clock.GetUtcNow();
        switch (_wait.Next(now))
        {
            case GpuWaitStep.GiveUp:
                Dispose();
                await _failed(TimedOut(_wait.Timeout));
                return;
            case GpuWaitStep.RenewAndRetry:
                await _backlog.EnterAsync();
                _wait = _wait.Renewed(now);
                break;
        }
        try
        {
            await _start();
        }
        catch (NoGpuSiloException)
        {
            return; // still none: the next tick tries again
        }
        catch (Exception e)
        {
            Dispose();
            await _failed(e.Message);
            return;
        }
        Dispose();
        await _started();
    }

    public static string TimedOut(TimeSpan waited) =>
        $"waited {waited} for a GPU silo ({ModelOptions.Section}:GpuWaitTimeout) and none joined the cluster; start a silo with " +
        $"{ModelOptions.Section}:Gpu=true (in Kubernetes: let the GPU pool scale up, i.e. GPU nodes with the NVIDIA device plugin and KEDA, " +
        $"or keep one up with keda.gpu.minReplicas >= 1), or set {ModelOptions.Section}:WithoutGpu=Cpu to train networks on CPU silos";
}
