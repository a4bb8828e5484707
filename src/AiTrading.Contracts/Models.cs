using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using Orleans.Concurrency;

namespace AiTrading.Contracts;

/// <summary>
/// A training job's input: the model kind (lightgbm, fasttree, fastforest, lstm, transformer, cnn), the bars to
/// train on, the label horizon and labelling (fixed or triple-barrier), the task (direction or return), the features
/// (default: the scale-free model set), walk-forward folds and embargo, and hyper-parameter overrides by name
/// (trees, leaves, learningRate, minLeafSamples, window, hidden, layers, epochs, batchSize, networkLearningRate, seed).
/// <see cref="RequestedBy"/> is the caller, whose concurrent jobs are limited.
/// </summary>
[GenerateSerializer, Immutable, Alias("model-training-request")]
public sealed record ModelTrainingRequest(
    [property: Id(0)] string Kind,
    [property: Id(1)] IReadOnlyList<Bar> Bars,
    [property: Id(2)] int Horizon,
    [property: Id(3)] string Labels = "fixed",
    [property: Id(4)] string Task = "direction",
    [property: Id(5)] IReadOnlyList<FeatureDefinition>? Features = null,
    [property: Id(6)] IReadOnlyDictionary<string, double>? Options = null,
    [property: Id(7)] int Folds = 4,
    [property: Id(8)] int Embargo = 5,
    [property: Id(9)] double BarrierWidth = 1,
    [property: Id(10)] string Device = "auto",
    [property: Id(11)] string RequestedBy = Callers.Anonymous);

/// <summary>A training job: queued → running → completed (with the version it produced) / failed / cancelled.</summary>
[GenerateSerializer, Immutable, Alias("training-job")]
public sealed record TrainingJobView(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Kind,
    [property: Id(3)] string State,
    [property: Id(4)] int Step,
    [property: Id(5)] int Steps,
    [property: Id(6)] string Stage,
    [property: Id(7)] int? Version,
    [property: Id(8)] string? Error,
    [property: Id(9)] DateTimeOffset StartedAt,
    [property: Id(10)] DateTimeOffset? FinishedAt)
{
    public const string Running = "running", Completed = "completed", Failed = "failed", Cancelled = "cancelled";
}

/// <summary>One registered version of a model: what it was trained on, how, how well out of sample, and its content hash.</summary>
[GenerateSerializer, Immutable, Alias("model-version")]
public sealed record ModelVersionView(
    [property: Id(0)] string Model,
    [property: Id(1)] int Version,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Task,
    [property: Id(4)] string Labels,
    [property: Id(5)] string Symbol,
    [property: Id(6)] string Timeframe,
    [property: Id(7)] DateTimeOffset TrainFrom,
    [property: Id(8)] DateTimeOffset TrainTo,
    [property: Id(9)] IReadOnlyList<string> Features,
    [property: Id(10)] IReadOnlyDictionary<string, string> HyperParameters,
    [property: Id(11)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(12)] string Hash,
    [property: Id(13)] int ArtifactBytes,
    [property: Id(14)] DateTimeOffset CreatedAt,
    [property: Id(15)] double TrainingSeconds);

/// <summary>A model in the registry: its versions, the active one (null before the first promotion) and the last training job.</summary>
[GenerateSerializer, Immutable, Alias("model-view")]
public sealed record ModelView(
    [property: Id(0)] string Model,
    [property: Id(1)] int? ActiveVersion,
    [property: Id(2)] IReadOnlyList<ModelVersionView> Versions,
    [property: Id(3)] TrainingJobView? LastJob);

/// <summary>The active version's bytes, as inference workers load them.</summary>
[GenerateSerializer, Immutable, Alias("model-artifact")]
public sealed record ModelArtifact([property: Id(0)] string Model, [property: Id(1)] int Version, [property: Id(2)] string Hash, [property: Id(3)] byte[] Bytes);

/// <summary>What a finished training job hands the registry.</summary>
[GenerateSerializer, Immutable, Alias("trained-version")]
public sealed record TrainedVersion(
    [property: Id(0)] ModelVersionView Version,
    [property: Id(1)] byte[] Artifact,
    [property: Id(2)] OutOfSampleRecord OutOfSample);

/// <summary>A version's walk-forward out-of-sample scores and outcomes, in time order, and its label horizon: the validator's evidence.</summary>
[GenerateSerializer, Immutable, Alias("out-of-sample-record")]
public sealed record OutOfSampleRecord(
    [property: Id(0)] DateTimeOffset[] Times,
    [property: Id(1)] double[] Scores,
    [property: Id(2)] bool[] Up,
    [property: Id(3)] int Horizon = 1);

/// <summary>The active version's kind and out-of-sample record.</summary>
[GenerateSerializer, Immutable, Alias("model-evidence")]
public sealed record ModelEvidenceView([property: Id(0)] string Model, [property: Id(1)] int Version, [property: Id(2)] string Kind, [property: Id(3)] string Task, [property: Id(4)] OutOfSampleRecord OutOfSample);

/// <summary>
/// What the active version reads: the features by name, the definitions that compute them from bars (so a live
/// strategy builds the same rows the model was trained on), and how many consecutive rows (one for tree models).
/// </summary>
[GenerateSerializer, Immutable, Alias("model-input-spec")]
public sealed record ModelInputSpec(
    [property: Id(0)] string Model,
    [property: Id(1)] int Version,
    [property: Id(2)] IReadOnlyList<string> Features,
    [property: Id(3)] IReadOnlyList<FeatureDefinition> Definitions,
    [property: Id(4)] int Window);

/// <summary>
/// Input to score: feature vectors by name, oldest first; the last <c>window</c> of them (one for tree models) are read.
/// </summary>
[GenerateSerializer, Immutable, Alias("model-input")]
public sealed record ModelInput([property: Id(0)] IReadOnlyList<IReadOnlyDictionary<string, double>> Rows);

/// <summary>A score: the probability of an up move (direction models) or the forecast log return, and which version gave it.</summary>
[GenerateSerializer, Immutable, Alias("model-prediction")]
public sealed record ModelPrediction([property: Id(0)] string Model, [property: Id(1)] int Version, [property: Id(2)] string Hash, [property: Id(3)] string Task, [property: Id(4)] double Score, [property: Id(5)] string Silo);

/// <summary>A model the validator combines, with its weight in the ensemble.</summary>
[GenerateSerializer, Immutable, Alias("validator-model")]
public sealed record ValidatorModel([property: Id(0)] string Model, [property: Id(1)] double Weight = 1);

/// <summary>
/// How a pattern validator combines its models: weighted or stacking; platt, isotonic or none; the confidence
/// threshold below which no signal passes (0.7), the minimum agreeing weight, the significance level of the
/// out-of-sample check, and the audit stream its verdicts go to.
/// </summary>
[GenerateSerializer, Immutable, Alias("validator-config")]
public sealed record PatternValidatorConfig(
    [property: Id(0)] IReadOnlyList<ValidatorModel> Models,
    [property: Id(1)] string Combination = "weighted",
    [property: Id(2)] string Calibration = "platt",
    [property: Id(3)] double Threshold = 0.7,
    [property: Id(4)] double MinAgreement = 0.5,
    [property: Id(5)] double SignificanceLevel = 0.05,
    [property: Id(6)] string AuditStream = "models");

/// <summary>One model's part in a verdict: its version, raw and calibrated probability, and its out-of-sample check.</summary>
[GenerateSerializer, Immutable, Alias("validator-vote")]
public sealed record ValidatorVote(
    [property: Id(0)] string Model,
    [property: Id(1)] int Version,
    [property: Id(2)] string Hash,
    [property: Id(3)] double Probability,
    [property: Id(4)] double Calibrated,
    [property: Id(5)] double OutOfSampleAuc,
    [property: Id(6)] double PValue,
    [property: Id(7)] bool Significant);

/// <summary>The validator's answer: whether the signal passes, the combined calibrated probability, confidence, agreement and why.</summary>
[GenerateSerializer, Immutable, Alias("pattern-verdict")]
public sealed record PatternVerdict(
    [property: Id(0)] string Validator,
    [property: Id(1)] bool Passed,
    [property: Id(2)] double ProbabilityUp,
    [property: Id(3)] double Confidence,
    [property: Id(4)] double Agreement,
    [property: Id(5)] bool Significant,
    [property: Id(6)] string Reason,
    [property: Id(7)] IReadOnlyList<ValidatorVote> Votes,
    [property: Id(8)] long AuditSequence);

/// <summary>The registry of one model (key: model id): training jobs, versions, promotion and roll-back.</summary>
[Alias("model")]
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>Starts a training job (one at a time per model); its progress is in <see cref="GetJobAsync"/>.</summary>
    [Alias("train")] Task<TrainingJobView> TrainAsync(ModelTrainingRequest request);
    /// <summary>The last training job, with live progress while it runs; null before the first.</summary>
    [Alias("job"), ReadOnly, AlwaysInterleave] Task<TrainingJobView?> GetJobAsync();
    [Alias("cancel")] Task<TrainingJobView> CancelTrainingAsync();
    /// <summary>The model, or null if it was never trained.</summary>
    [Alias("get"), ReadOnly] Task<ModelView?> GetAsync();
    /// <summary>Makes a version the active one; inference workers load it on their next refresh.</summary>
    [Alias("promote")] Task<ModelView> PromoteAsync(int version);
    /// <summary>Makes the previously active version active again.</summary>
    [Alias("rollback")] Task<ModelView> RollbackAsync();
    [Alias("active-version"), ReadOnly, AlwaysInterleave] Task<int?> GetActiveVersionAsync();
    [Alias("active-artifact"), ReadOnly] Task<ModelArtifact> GetActiveArtifactAsync();
    [Alias("active-evidence"), ReadOnly] Task<ModelEvidenceView> GetActiveEvidenceAsync();
    [Alias("active-inputs"), ReadOnly] Task<ModelInputSpec> GetActiveInputsAsync();
    /// <summary>Called by the trainer grain when a job ends.</summary>
    [Alias("complete")] Task CompleteTrainingAsync(string jobId, TrainedVersion? trained, string? error, bool cancelled);
}

/// <summary>Runs training jobs for one model (key: model id); tree and network trainers are placed differently.</summary>
public interface IModelTrainerGrain : IGrainWithStringKey
{
    [Alias("start")] Task StartAsync(string jobId, int version, ModelTrainingRequest request);
    [Alias("progress"), ReadOnly, AlwaysInterleave] Task<TrainingJobView?> GetProgressAsync(string jobId);
    [Alias("cancel"), AlwaysInterleave] Task CancelAsync(string jobId);
    /// <summary>Where this activation runs and whether that silo is a GPU silo.</summary>
    [Alias("where"), ReadOnly, AlwaysInterleave] Task<string> WhereAsync();
}

[Alias("tree-trainer")] public interface ITreeTrainerGrain : IModelTrainerGrain;

/// <summary>Trains networks; placed only on GPU silos (or per the no-GPU policy).</summary>
[Alias("network-trainer")] public interface INetworkTrainerGrain : IModelTrainerGrain;

/// <summary>Scores inputs with a model's active version (key: model id); stateless workers that cache the loaded version.</summary>
public interface IModelInferenceGrain : IGrainWithStringKey
{
    [Alias("predict")] Task<ModelPrediction> PredictAsync(ModelInput input);
}

[Alias("tree-inference")] public interface ITreeInferenceGrain : IModelInferenceGrain;

/// <summary>Scores with networks; placed only on GPU silos (or per the no-GPU policy).</summary>
[Alias("network-inference")] public interface INetworkInferenceGrain : IModelInferenceGrain;

/// <summary>Combines a strategy's models into one calibrated confidence (key: validator id, e.g. the strategy id).</summary>
[Alias("pattern-validator")]
public interface IPatternValidatorGrain : IGrainWithStringKey
{
    [Alias("configure")] Task ConfigureAsync(PatternValidatorConfig config);
    [Alias("config"), ReadOnly] Task<PatternValidatorConfig?> GetConfigAsync();
    /// <summary>Scores the input with every model, combines, checks and audits; a verdict below the threshold does not pass.</summary>
    [Alias("validate")] Task<PatternVerdict> ValidateAsync(string symbol, ModelInput input);
}

/// <summary>A network grain could not be placed: no silo has a GPU and the policy refuses the CPU (HTTP 503, gRPC Unavailable).</summary>
[GenerateSerializer, Alias("no-gpu-silo")]
public sealed class NoGpuSiloException(string message) : Exception(message);

public static class ModelNames
{
    /// <summary>The <see cref="INameIndexGrain"/> of model ids.</summary>
    public const string Index = "models";

    public static bool IsNetwork(string kind) => kind is "lstm" or "transformer" or "cnn";

    /// <summary>The inference worker for a model of this kind.</summary>
    public static IModelInferenceGrain Inference(IGrainFactory grains, string model, string kind) =>
        IsNetwork(kind) ? grains.GetGrain<INetworkInferenceGrain>(model) : grains.GetGrain<ITreeInferenceGrain>(model);
}

/// <summary>Feature definitions cross grains as their JSON, like strategy specs.</summary>
[GenerateSerializer, Alias("feature-definition")]
public struct FeatureDefinitionSurrogate
{
    [Id(0)] public string Json;
}

[RegisterConverter]
public sealed class FeatureDefinitionConverter : IConverter<FeatureDefinition, FeatureDefinitionSurrogate>
{
    public FeatureDefinition ConvertFromSurrogate(in FeatureDefinitionSurrogate s) => Core.JsonInput.Parse<FeatureDefinition>(s.Json, "feature definition");
    public FeatureDefinitionSurrogate ConvertToSurrogate(in FeatureDefinition v) => new() { Json = System.Text.Json.JsonSerializer.Serialize(v, Core.JsonInput.Options) };
}
