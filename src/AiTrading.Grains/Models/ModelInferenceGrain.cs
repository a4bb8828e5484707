using System.Diagnostics;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.ML;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AiTrading.Grains.Models;

/// <summary>
/// Scores inputs with the model's active version, loaded once per activation and reloaded when the model grain
/// reports a different active version (checked at most every <see cref="ModelOptions.InferenceRefresh"/>).
/// </summary>
public abstract class ModelInferenceGrain(ILocalSiloDetails silo, IOptions<ModelOptions> options, TimeProvider clock) : Grain, IModelInferenceGrain
{
    private TrainedModel? _model;
    private ModelArtifact? _loaded;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public async Task<ModelPrediction> PredictAsync(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var model = await CurrentAsync();
        var started = Stopwatch.GetTimestamp();
        var score = model.Score(input.Rows ?? []);
        TradingMetrics.Inference.RecordElapsed(started, TradingMetrics.Tag("model", _loaded!.Model));
        return new ModelPrediction(_loaded!.Model, _loaded.Version, _loaded.Hash, model.Task.ToString().ToLowerInvariant(), score, silo.SiloAddress.ToString());
    }

    private async Task<TrainedModel> CurrentAsync()
    {
        var now = clock.GetUtcNow();
        if (_model is not null && now - _checkedAt < options.Value.InferenceRefresh) return _model;
        var registry = GrainFactory.GetGrain<IModelGrain>(this.GetPrimaryKeyString());
        var active = await registry.GetActiveVersionAsync();
        _checkedAt = now;
        if (_model is not null && active == _loaded!.Version) return _model;
        var artifact = await registry.GetActiveArtifactAsync(); // says why when the model has no active version
        var model = TrainedModel.FromArtifact(artifact.Bytes);
        _model?.Dispose();
        (_model, _loaded) = (model, artifact);
        return model;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _model?.Dispose();
        return Task.CompletedTask;
    }
}

[StatelessWorker]
public sealed class TreeInferenceGrain(ILocalSiloDetails silo, IOptions<ModelOptions> options, TimeProvider clock)
    : ModelInferenceGrain(silo, options, clock), ITreeInferenceGrain;

/// <summary>Network inference, on GPU silos only (or per <see cref="ModelOptions.WithoutGpu"/>).</summary>
[StatelessWorker, GpuPlacementFilter]
public sealed class NetworkInferenceGrain(ILocalSiloDetails silo, IOptions<ModelOptions> options, TimeProvider clock)
    : ModelInferenceGrain(silo, options, clock), INetworkInferenceGrain;
