using AiTrading.Core;

namespace AiTrading.ML;

/// <summary>
/// Hyper-parameters. Trees: <see cref="Trees"/>, <see cref="Leaves"/>, <see cref="LearningRate"/>,
/// <see cref="MinLeafSamples"/>. Sequence networks: <see cref="Window"/> bars of features, <see cref="Hidden"/>
/// units, <see cref="Layers"/>, <see cref="Epochs"/>, <see cref="BatchSize"/>, <see cref="NetworkLearningRate"/>
/// (Adam) and <see cref="Device"/> (<c>auto</c>: CUDA when present, else CPU). <see cref="Seed"/> fixes every random
/// choice; <see cref="Threads"/> bounds the trainers' threads (1 keeps runs reproducible). Every size is bounded above
/// (<see cref="Validate"/>) so one request cannot hold a silo's CPU, GPU or memory without end.
/// </summary>
public sealed record TrainingOptions
{
    public int Seed { get; init; } = 42;
    public int Threads { get; init; } = 1;
    public int Trees { get; init; } = 100;
    public int Leaves { get; init; } = 8;
    public double LearningRate { get; init; } = 0.05;
    public int MinLeafSamples { get; init; } = 50;
    public int Window { get; init; } = 16;
    public int Hidden { get; init; } = 16;
    public int Layers { get; init; } = 1;
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public double NetworkLearningRate { get; init; } = 5e-3;
    public string Device { get; init; } = "auto";

    public const int MaxThreads = 64, MaxTrees = 10_000, MaxLeaves = 4_096, MaxMinLeafSamples = 1_000_000;
    public const int MaxWindow = 1_024, MaxHidden = 1_024, MaxLayers = 16, MaxEpochs = 1_000, MaxBatchSize = 65_536;

    public IReadOnlyList<FieldError> Validate(ModelKind kind)
    {
        var errors = new List<FieldError>();
        void Between(string name, double value, double min, double max)
        {
            if (!(value >= min)) errors.Add(new($"options.{name}", $"must be at least {min} (got {value})"));
            else if (value > max) errors.Add(new($"options.{name}", $"must be at most {max} (got {value})"));
        }
        Between("threads", Threads, 1, MaxThreads);
        if (kind.IsDeep())
        {
            Between("window", Window, 1, MaxWindow);
            Between("hidden", Hidden, 1, MaxHidden);
            Between("layers", Layers, 1, MaxLayers);
            Between("epochs", Epochs, 1, MaxEpochs);
            Between("batchSize", BatchSize, 1, MaxBatchSize);
            if (!(NetworkLearningRate > 0) || !double.IsFinite(NetworkLearningRate)) errors.Add(new("options.networkLearningRate", $"must be a positive number (got {NetworkLearningRate})"));
            else if (NetworkLearningRate > 1) errors.Add(new("options.networkLearningRate", $"must be at most 1 (got {NetworkLearningRate})"));
            if (Device is not ("auto" or "cpu" or "cuda")) errors.Add(new("options.device", $"must be auto, cpu or cuda (got '{Device}')"));
            if (kind == ModelKind.Transformer && Hidden % 2 != 0) errors.Add(new("options.hidden", $"must be even for the transformer's two attention heads (got {Hidden})"));
        }
        else
        {
            Between("trees", Trees, 1, MaxTrees);
            Between("leaves", Leaves, 2, MaxLeaves);
            Between("minLeafSamples", MinLeafSamples, 1, MaxMinLeafSamples);
            if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) errors.Add(new("options.learningRate", $"must be a positive number (got {LearningRate})"));
            else if (LearningRate > 1) errors.Add(new("options.learningRate", $"must be at most 1 (got {LearningRate})"));
        }
        return errors;
    }

    /// <summary>The settings that apply to <paramref name="kind"/>, by name (what the registry records).</summary>
    public IReadOnlyDictionary<string, string> Describe(ModelKind kind) => kind.IsDeep()
        ? new Dictionary<string, string>
        {
            ["seed"] = $"{Seed}", ["window"] = $"{Window}", ["hidden"] = $"{Hidden}", ["layers"] = $"{Layers}", ["epochs"] = $"{Epochs}",
            ["batchSize"] = $"{BatchSize}", ["networkLearningRate"] = FormattableString.Invariant($"{NetworkLearningRate}"), ["device"] = Device, ["threads"] = $"{Threads}",
        }
        : new Dictionary<string, string>
        {
            ["seed"] = $"{Seed}", ["trees"] = $"{Trees}", ["leaves"] = $"{Leaves}", ["learningRate"] = FormattableString.Invariant($"{LearningRate}"),
            ["minLeafSamples"] = $"{MinLeafSamples}", ["threads"] = $"{Threads}",
        };
}
