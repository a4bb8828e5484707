using System.Globalization;
using AiTrading.Core;

namespace AiTrading.ML;

/// <summary>Builds a <see cref="ModelSpec"/> from the words and numbers users give (CLI, gRPC, HTTP), naming every bad one.</summary>
public static class ModelSpecs
{
    private static readonly string[] Integers = ["seed", "threads", "trees", "leaves", "minLeafSamples", "window", "hidden", "layers", "epochs", "batchSize"];
    private static readonly string[] Reals = ["learningRate", "networkLearningRate"];
    public const int MaxHorizon = 10_000;

    /// <param name="options">Hyper-parameter overrides by name (see <see cref="TrainingOptions"/>).</param>
    /// <exception cref="ValidationException">Every problem at once, each naming its field.</exception>
    public static ModelSpec Parse(string? kind, string? task, string? labels, int horizon, double barrierWidth = 1, int folds = 4, int embargo = 5,
        IReadOnlyDictionary<string, double>? options = null, string device = "auto")
    {
        var errors = new List<FieldError>();
        ModelKind modelKind = default;
        try { modelKind = ModelKinds.Parse(kind); }
        catch (ValidationException e) { errors.AddRange(e.Errors); }
        ModelTask? modelTask = (task ?? "direction").ToLowerInvariant() switch
        {
            "direction" => ModelTask.Direction,
            "return" => ModelTask.Return,
            _ => null,
        };
        if (modelTask is null) errors.Add(new("task", $"'{task}' is not a task (use direction or return)"));
        if (horizon < 1) errors.Add(new("horizon", $"must be at least 1 bar (got {horizon})"));
        else if (horizon > MaxHorizon) errors.Add(new("horizon", $"must be at most {MaxHorizon} bars (got {horizon})"));
        if (!(barrierWidth > 0) || !double.IsFinite(barrierWidth)) errors.Add(new("barrierWidth", $"must be a positive number (got {barrierWidth})"));
        else if (barrierWidth > 100) errors.Add(new("barrierWidth", $"must be at most 100 (got {barrierWidth})"));
        Labeling? labeling = (labels ?? "fixed").ToLowerInvariant() switch
        {
            "fixed" => new FixedHorizon(horizon),
            "triple-barrier" => new TripleBarrier(horizon, barrierWidth, barrierWidth),
            _ => null,
        };
        if (labeling is null) errors.Add(new("labels", $"'{labels}' is not a labelling (use fixed or triple-barrier)"));

        var o = new TrainingOptions { Device = device };
        foreach (var (name, value) in options ?? new Dictionary<string, double>())
        {
            if (Integers.Contains(name))
            {
                if (value != Math.Floor(value) || value > int.MaxValue || value < int.MinValue) { errors.Add(new($"options.{name}", $"must be a whole number (got {value.ToString(CultureInfo.InvariantCulture)})")); continue; }
                var n = (int)value;
                o = name switch
                {
                    "seed" => o with { Seed = n }, "threads" => o with { Threads = n }, "trees" => o with { Trees = n }, "leaves" => o with { Leaves = n },
                    "minLeafSamples" => o with { MinLeafSamples = n }, "window" => o with { Window = n }, "hidden" => o with { Hidden = n },
                    "layers" => o with { Layers = n }, "epochs" => o with { Epochs = n }, _ => o with { BatchSize = n },
                };
            }
            else if (Reals.Contains(name))
                o = name == "learningRate" ? o with { LearningRate = value } : o with { NetworkLearningRate = value };
            else errors.Add(new($"options.{Clip(name)}", $"unknown option (known: {string.Join(", ", Integers.Concat(Reals))})"));
        }
        if (errors.Count > 0) throw new ValidationException(errors.Take(20).ToList());
        var spec = new ModelSpec(modelKind, labeling!, modelTask!.Value, new WalkForwardOptions(folds, embargo), o);
        var problems = spec.Validate();
        if (problems.Count > 0) throw new ValidationException(problems);
        return spec;
    }

    private static string Clip(string name) => name.Length <= Bounds.MaxEcho ? name : name[..Bounds.MaxEcho] + "…";
}
