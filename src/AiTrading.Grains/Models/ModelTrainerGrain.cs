using AiTrading.Contracts;
using AiTrading.ML;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains.Models;

/// <summary>
/// Runs one model's training job off the grain's scheduler (training is long and CPU- or GPU-bound), keeps its
/// latest progress, stops it on cancel, and hands the outcome to the model grain.
/// </summary>
public abstract class ModelTrainerGrain(ILocalSiloDetails silo, IOptions<ModelOptions> options, TimeProvider clock) : Grain, IModelTrainerGrain
{
    private TrainingJobView? _job;
    private CancellationTokenSource? _cancellation;
    private TrainingProgress _progress;
    private BacklogHold? _backlog;

    public Task StartAsync(string jobId, int version, ModelTrainingRequest request)
    {
        if (_job is not null) throw new ConflictException($"model '{this.GetPrimaryKeyString()}' is already training (job {_job.JobId})");
        var spec = TrainingRequests.Validate(request);
        _job = new TrainingJobView(jobId, this.GetPrimaryKeyString(), request.Kind.ToLowerInvariant(), TrainingJobView.Running, 0, spec.Validation.Folds + 1,
            $"running on {silo.SiloAddress}", null, null, clock.GetUtcNow(), null);
        _cancellation = new CancellationTokenSource();
        this.DelayDeactivation(TimeSpan.FromHours(12));
        // The model grain counted the job when it queued it; this silo renews it while it trains here.
        _backlog = new BacklogHold(GrainFactory, Backlog.TrainingJob(jobId), Backlog.TrainingKind(request.Kind));
        _backlog.RenewWhileRunning(this);
        _ = RunAsync(_job, version, request, spec, _cancellation.Token);
        return Task.CompletedTask;
    }

    public Task<TrainingJobView?> GetProgressAsync(string jobId)
    {
        if (_job?.JobId != jobId) return Task.FromResult<TrainingJobView?>(null);
        var p = _progress;
        return Task.FromResult<TrainingJobView?>(p.Steps == 0 ? _job : _job with { Step = p.Step, Steps = p.Steps, Stage = p.Stage });
    }

    public Task CancelAsync(string jobId)
    {
        if (_job?.JobId == jobId) _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    public Task<string> WhereAsync() => Task.FromResult($"{silo.SiloAddress} gpu={options.Value.Gpu.ToString().ToLowerInvariant()}");

    private async Task RunAsync(TrainingJobView job, int version, ModelTrainingRequest request, ModelSpec spec, CancellationToken cancellation)
    {
        TrainedVersion? trained = null;
        string? error = null;
        var cancelled = false;
        try
        {
            var progress = new LatestProgress(p => _progress = p);
            // Off the grain's scheduler; the continuation below comes back to it.
            var result = await Task.Run(() =>
            {
                var data = FeatureDataset.FromBars(request.Bars, request.Features ?? ModelFeatures.Default);
                return (Data: data, Result: ModelTraining.Train(data, spec, progress, cancellation));
            }, cancellation);
            using var model = result.Result.Model;
            trained = Describe(job, version, result.Data, result.Result, spec);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }
        catch (Exception e)
        {
            error = e.Message;
        }
        finally
        {
            _job = null;
            _cancellation?.Dispose();
            _cancellation = null;
            _progress = default;
        }
        if (_backlog is { } backlog)
        {
            _backlog = null;
            await backlog.StopRenewingAsync(); // before the model grain's leave, so no renewal arrives after it
        }
        await GrainFactory.GetGrain<IModelGrain>(job.Model).CompleteTrainingAsync(job.JobId, trained, error, cancelled);
    }

    private TrainedVersion Describe(TrainingJobView job, int version, FeatureDataset data, TrainingResult result, ModelSpec spec)
    {
        var oos = result.Evaluation.OutOfSample!;
        var view = new ModelVersionView(job.Model, version, spec.Kind.Name(), spec.Task.ToString().ToLowerInvariant(), result.Labeling,
            data.Symbol, data.Timeframe.Name, result.TrainFrom, result.TrainTo, data.FeatureNames.ToList(), spec.Options.Describe(spec.Kind),
            result.Evaluation.Metrics().ToDictionary(m => m.Key, m => m.Value), result.Hash, result.Artifact.Length, clock.GetUtcNow(),
            Math.Round(result.Elapsed.TotalSeconds, 3));
        return new TrainedVersion(view, result.Artifact, new OutOfSampleRecord(oos.Times, oos.Scores, oos.Up, oos.Horizon));
    }

    private sealed class LatestProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

/// <summary>Trains tree models wherever the default placement puts it.</summary>
public sealed class TreeTrainerGrain(ILocalSiloDetails silo, IOptions<ModelOptions> options, TimeProvider clock)
    : ModelTrainerGrain(silo, options, clock), ITreeTrainerGrain;

/// <summary>Trains networks on GPU silos only (or per <see cref="ModelOptions.WithoutGpu"/>).</summary>
[GpuPlacementFilter]
public sealed class NetworkTrainerGrain(ILocalSiloDetails silo, IOptions<ModelOptions> options, TimeProvider clock)
    : ModelTrainerGrain(silo, options, clock), INetworkTrainerGrain;
