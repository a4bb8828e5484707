using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.ML;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains.Models;

[GenerateSerializer, Alias("model-registry-state")]
public sealed class ModelRegistryState
{
    [Id(0)] public List<TrainedVersion> Versions { get; set; } = [];
    [Id(1)] public int? Active { get; set; }
    /// <summary>Versions active before the current one, the most recent last: what roll-back returns to.</summary>
    [Id(2)] public List<int> History { get; set; } = [];
    [Id(3)] public TrainingJobView? LastJob { get; set; }
    /// <summary>Who started the last job: the holder of its training slot while it runs.</summary>
    [Id(4)] public string? JobRequestedBy { get; set; }
}

/// <summary>
/// The registry of one model: training jobs (one at a time, run by a trainer grain placed by kind), versions with
/// their training range, features, hyper-parameters, metrics, artifact and hash, and the active version with its
/// promotion history. State is the grain's persistent state (memory in the embedded host, the cluster's storage
/// otherwise).
/// </summary>
public sealed class ModelGrain([PersistentState("model-registry")] IPersistentState<ModelRegistryState> state, IOptions<ModelOptions> options, TimeProvider clock)
    : Grain, IModelGrain
{
    /// <summary>How long a job's slot is held at most: a silo that dies mid-job cannot hold it for ever.</summary>
    private static readonly TimeSpan SlotLease = TimeSpan.FromHours(12);

    private GpuWaiter? _gpuWait;

    private string Id => this.GetPrimaryKeyString();
    private ModelRegistryState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job still running in the stored state lost its trainer with the silo that ran it.
        if (S.LastJob is { State: TrainingJobView.Running } job)
            await EndAsync(job with { State = TrainingJobView.Failed, Error = "interrupted: the silo running the job stopped" });
    }

    public async Task<TrainingJobView> TrainAsync(ModelTrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = TrainingRequests.Validate(request);
        if (S.LastJob is { State: TrainingJobView.Running } running)
            throw new ConflictException($"model '{Id}' is already training (job {running.JobId}); wait for it or cancel it");
        var slots = Slots(request.RequestedBy);
        if (!await slots.TryAcquireAsync(Id, options.Value.MaxConcurrentJobs, SlotLease))
            throw new QuotaExceededException($"'{request.RequestedBy}' already has {options.Value.MaxConcurrentJobs} training job(s) running, the most at once " +
                                             $"({ModelOptions.Section}:MaxConcurrentJobs); start this one when one of them has ended");
        var version = S.Versions.Count + 1;
        var job = new TrainingJobView(Guid.NewGuid().ToString("N"), Id, request.Kind.ToLowerInvariant(), TrainingJobView.Running, 0, spec.Validation.Folds + 1,
            "queued", null, null, clock.GetUtcNow(), null);
        S.LastJob = job;
        S.JobRequestedBy = request.RequestedBy;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<INameIndexGrain>(ModelNames.Index).RegisterAsync(Id);
        this.DelayDeactivation(TimeSpan.FromHours(12));
        try
        {
            // Counted from here (queued, then running) until its trainer ends; the trainer renews it meanwhile.
            await Backlog.Grain(GrainFactory).EnterAsync(Backlog.TrainingJob(job.JobId), Backlog.TrainingKind(job.Kind), Backlog.Lease);
            await Trainer(job.Kind).StartAsync(job.JobId, version, request);
        }
        catch (NoGpuSiloException) when (options.Value.WithoutGpu == WithoutGpu.Wait)
        {
            // Queued, and counted in the GPU backlog, until a GPU silo joins: that is what scales the GPU pool up.
            S.LastJob = job = job with { Stage = GpuWaiter.Stage };
            await state.WriteStateAsync();
            _gpuWait = new GpuWaiter(this, GrainFactory, job.JobId, options.Value, clock, () => Trainer(job.Kind).StartAsync(job.JobId, version, request),
                started: () => StopWaitingAsync(job with { Stage = "queued" }), failed: error => StopWaitingAsync(job with { State = TrainingJobView.Failed, Error = error }));
        }
        catch (Exception e)
        {
            await EndAsync(job with { State = TrainingJobView.Failed, Error = e.Message });
            throw;
        }
        return job;
    }

    public async Task<TrainingJobView?> GetJobAsync()
    {
        if (S.LastJob is not { State: TrainingJobView.Running } job || _gpuWait is not null) return S.LastJob;
        return await Trainer(job.Kind).GetProgressAsync(job.JobId) ?? job;
    }

    public async Task<TrainingJobView> CancelTrainingAsync()
    {
        if (S.LastJob is not { State: TrainingJobView.Running } job)
            throw new ConflictException($"model '{Id}' has no training job running");
        if (_gpuWait is not null)
        {
            await StopWaitingAsync(job with { State = TrainingJobView.Cancelled, Stage = "cancelled" });
            return S.LastJob;
        }
        await Trainer(job.Kind).CancelAsync(job.JobId);
        return job with { Stage = "cancelling" };
    }

    public async Task CompleteTrainingAsync(string jobId, TrainedVersion? trained, string? error, bool cancelled)
    {
        if (S.LastJob is not { State: TrainingJobView.Running } job || job.JobId != jobId)
        {
            await Backlog.Grain(GrainFactory).LeaveAsync(Backlog.TrainingJob(jobId)); // a job already given up on has ended all the same
            return;
        }
        if (trained is null)
        {
            await EndAsync(job with { State = cancelled ? TrainingJobView.Cancelled : TrainingJobView.Failed, Error = error });
            return;
        }
        var version = trained with { Version = trained.Version with { Version = S.Versions.Count + 1, Model = Id } };
        S.Versions.Add(version);
        await EndAsync(job with { State = TrainingJobView.Completed, Step = job.Steps, Stage = "done", Version = version.Version.Version });
    }

    /// <summary>The job waiting for a GPU silo has started (<paramref name="next"/> still running) or ended.</summary>
    private async Task StopWaitingAsync(TrainingJobView next)
    {
        _gpuWait?.Dispose();
        _gpuWait = null;
        if (next.State != TrainingJobView.Running) await EndAsync(next);
        else
        {
            S.LastJob = next;
            await state.WriteStateAsync();
        }
    }

    /// <summary>Records how the job ended, takes it out of the backlog and frees its caller's training slot.</summary>
    private async Task EndAsync(TrainingJobView ended)
    {
        S.LastJob = ended with { FinishedAt = clock.GetUtcNow() };
        await state.WriteStateAsync();
        await Backlog.Grain(GrainFactory).LeaveAsync(Backlog.TrainingJob(ended.JobId));
        await Slots(S.JobRequestedBy).ReleaseAsync(Id);
    }

    public Task<ModelView?> GetAsync() => Task.FromResult(S.Versions.Count == 0 && S.LastJob is null ? null : View());

    public async Task<ModelView> PromoteAsync(int version)
    {
        if (version < 1 || version > S.Versions.Count)
            throw new NotFoundException("model version", $"{Id} v{version}");
        if (S.Active != version)
        {
            if (S.Active is { } previous) S.History.Add(previous);
            S.Active = version;
            await state.WriteStateAsync();
        }
        return View();
    }

    public async Task<ModelView> RollbackAsync()
    {
        if (S.History.Count == 0)
            throw new ConflictException($"model '{Id}' has no earlier active version to roll back to");
        S.Active = S.History[^1];
        S.History.RemoveAt(S.History.Count - 1);
        await state.WriteStateAsync();
        return View();
    }

    public Task<int?> GetActiveVersionAsync() => Task.FromResult(S.Active);

    public Task<ModelArtifact> GetActiveArtifactAsync()
    {
        var active = ActiveVersion();
        return Task.FromResult(new ModelArtifact(Id, active.Version.Version, active.Version.Hash, active.Artifact));
    }

    public Task<ModelEvidenceView> GetActiveEvidenceAsync()
    {
        var active = ActiveVersion();
        return Task.FromResult(new ModelEvidenceView(Id, active.Version.Version, active.Version.Kind, active.Version.Task, active.OutOfSample));
    }

    public Task<ModelInputSpec> GetActiveInputsAsync()
    {
        var active = ActiveVersion();
        var header = TrainedModel.HeaderOf(active.Artifact);
        return Task.FromResult(new ModelInputSpec(Id, active.Version.Version, header.Features, header.Definitions, header.Window));
    }

    private TrainedVersion ActiveVersion()
    {
        if (S.Versions.Count == 0) throw new NotFoundException("trained model", Id);
        if (S.Active is not { } active)
            throw new ConflictException($"model '{Id}' has {S.Versions.Count} version(s) but none is active: promote one");
        return S.Versions[active - 1];
    }

    private ModelView View() => new(Id, S.Active, S.Versions.Select(v => v.Version).ToList(), S.LastJob);

    private IJobSlotsGrain Slots(string? caller) => GrainFactory.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Training, caller));

    private IModelTrainerGrain Trainer(string kind) => ModelNames.IsNetwork(kind)
        ? GrainFactory.GetGrain<INetworkTrainerGrain>(Id)
        : GrainFactory.GetGrain<ITreeTrainerGrain>(Id);
}
