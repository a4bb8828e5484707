using System.Diagnostics;
using AiTrading.Core;

namespace AiTrading.ML;

/// <summary>What to train: the model kind, its task, how rows are labelled, how it is validated and its settings.</summary>
public sealed record ModelSpec(ModelKind Kind, Labeling Labeling, ModelTask Task = ModelTask.Direction, WalkForwardOptions? Validation = null, TrainingOptions? Options = null)
{
    public WalkForwardOptions Validation { get; init; } = Validation ?? new WalkForwardOptions();
    public TrainingOptions Options { get; init; } = Options ?? new TrainingOptions();

    /// <summary>Labels come from prices after a row; the embargo may not be shorter than the labels' horizon would need on its own.</summary>
    public IReadOnlyList<FieldError> Validate() => [.. Validation.Validate(), .. Options.Validate(Kind)];
}

/// <summary>One walk-forward fold's out-of-sample result and the model-free baseline on the same rows.</summary>
public sealed record FoldReport(int Number, DateTimeOffset TrainFrom, DateTimeOffset TrainTo, DateTimeOffset TestFrom, DateTimeOffset TestTo,
    int TrainSamples, int TestSamples, ClassificationMetrics? Direction, ClassificationMetrics? DirectionBaseline,
    RegressionMetrics? Return, RegressionMetrics? ReturnBaseline);

/// <summary>
/// Out-of-sample scores of every fold's test rows together, and the naive baseline's: for direction the up rate of
/// the fold's training labels as a constant probability, for returns the mean training return as a constant forecast.
/// </summary>
/// <see cref="OutOfSample"/> holds every tested row's score and outcome (what calibrators and significance tests fit on).
public sealed record EvaluationReport(int Samples, ClassificationMetrics? Direction, ClassificationMetrics? DirectionBaseline,
    RegressionMetrics? Return, RegressionMetrics? ReturnBaseline, IReadOnlyList<FoldReport> Folds, OutOfSampleScores? OutOfSample = null);

/// <summary>
/// Out-of-sample scores in time order: each tested row's bar time, the model's score, whether it went up and its
/// return, and the labels' horizon (neighbouring labels over a horizon of h bars overlap, so h rows carry about one
/// row's worth of independent evidence).
/// </summary>
public sealed record OutOfSampleScores(DateTimeOffset[] Times, double[] Scores, bool[] Up, double[] Returns, int Horizon = 1);

/// <summary>Progress of a training job: which step of how many, and what it is doing.</summary>
public readonly record struct TrainingProgress(int Step, int Steps, string Stage)
{
    public double Fraction => Steps == 0 ? 0 : (double)Step / Steps;
}

/// <summary>A trained model with its artifact, content hash, validation report and what it was trained on.</summary>
public sealed record TrainingResult(TrainedModel Model, byte[] Artifact, string Hash, EvaluationReport Evaluation,
    DateTimeOffset TrainFrom, DateTimeOffset TrainTo, int Samples, string Labeling, TimeSpan Elapsed);

public static class ModelTraining
{
    /// <summary>
    /// Labels <paramref name="data"/>, validates walk-forward with purging and embargo, then fits the final model on
    /// every labelled row. Cancellation is checked between folds (and between epochs of networks).
    /// </summary>
    /// <exception cref="ValidationException">The spec is invalid or the data too short for it.</exception>
    public static TrainingResult Train(FeatureDataset data, ModelSpec spec, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(spec);
        var errors = spec.Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
        var started = Stopwatch.StartNew();
        var labels = LabelsFor(data, spec);
        var folds = WalkForward.Split(labels, spec.Validation);
        var steps = folds.Count + 1;
        var evaluation = Evaluate(data, labels, folds, spec, (step, stage) => progress?.Report(new TrainingProgress(step, steps, stage)), cancellation);

        progress?.Report(new TrainingProgress(folds.Count, steps, "final model on every labelled row"));
        var all = Enumerable.Range(0, labels.Count).ToArray();
        var model = Fit(data, labels, all, spec, cancellation);
        var artifact = model.ToArtifact();
        progress?.Report(new TrainingProgress(steps, steps, "done"));
        return new TrainingResult(model, artifact, TrainedModel.Hash(artifact), evaluation,
            data.Times[labels.Rows[0]], data.Times[labels.Ends.Max()], labels.Count, spec.Labeling.Describe(), started.Elapsed);
    }

    /// <summary>The labels a spec trains on: sequence models drop the rows without a full window before them.</summary>
    /// <exception cref="ValidationException">The data has fewer rows than the window.</exception>
    public static Labels LabelsFor(FeatureDataset data, ModelSpec spec)
    {
        var window = spec.Kind.IsDeep() ? spec.Options.Window : 1;
        if (data.Count < window + spec.Labeling.Horizon)
            throw new ValidationException("data", $"{data.Count} rows after warm-up are too few for a window of {window} and a horizon of {spec.Labeling.Horizon}");
        return spec.Labeling.Apply(data).From(window - 1);
    }

    /// <summary>
    /// Fits and scores each fold. Every fold passes <see cref="WalkForward.Verify"/> first, so a split that trains on
    /// the future (a shuffled one, say) fails with <see cref="LookAheadException"/> before any model is fitted.
    /// </summary>
    public static EvaluationReport Evaluate(FeatureDataset data, Labels labels, IReadOnlyList<Fold> folds, ModelSpec spec,
        Action<int, string>? progress = null, CancellationToken cancellation = default)
    {
        foreach (var fold in folds) WalkForward.Verify(fold, labels, spec.Validation.Embargo);
        var reports = new List<FoldReport>();
        List<double> scores = [], baseline = [];
        List<int> tested = [];
        foreach (var fold in folds)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Invoke(fold.Number - 1, $"fold {fold.Number} of {folds.Count}");
            using var model = Fit(data, labels, fold.Train, spec, cancellation);
            var foldScores = model.Predict(data, fold.Test.Select(s => labels.Rows[s]).ToArray());
            var constant = spec.Task == ModelTask.Direction ? labels.UpRate(fold.Train) : fold.Train.Average(s => labels.Returns[s]);
            var foldBaseline = Enumerable.Repeat(constant, fold.Test.Length).ToArray();
            reports.Add(new FoldReport(fold.Number,
                data.Times[labels.Rows[fold.Train[0]]], data.Times[fold.Train.Max(s => labels.Ends[s])],
                data.Times[labels.Rows[fold.Test[0]]], data.Times[labels.Rows[fold.Test[^1]]],
                fold.Train.Length, fold.Test.Length,
                DirectionOf(spec, fold.Test, foldScores, labels), DirectionOf(spec, fold.Test, foldBaseline, labels),
                ReturnOf(spec, fold.Test, foldScores, labels), ReturnOf(spec, fold.Test, foldBaseline, labels)));
            scores.AddRange(foldScores);
            baseline.AddRange(foldBaseline);
            tested.AddRange(fold.Test);
        }
        return new EvaluationReport(tested.Count,
            DirectionOf(spec, tested, scores, labels), DirectionOf(spec, tested, baseline, labels),
            ReturnOf(spec, tested, scores, labels), ReturnOf(spec, tested, baseline, labels), reports,
            new OutOfSampleScores(tested.Select(s => data.Times[labels.Rows[s]]).ToArray(), scores.ToArray(),
                tested.Select(s => labels.Up[s]).ToArray(), tested.Select(s => labels.Returns[s]).ToArray(), spec.Labeling.Horizon));
    }

    /// <summary>Fits one model of <paramref name="spec"/> on the listed samples.</summary>
    public static TrainedModel Fit(FeatureDataset data, Labels labels, IReadOnlyList<int> samples, ModelSpec spec, CancellationToken cancellation = default)
    {
        var header = new ModelHeader(spec.Kind, spec.Task, data.FeatureNames.ToArray(), spec.Kind.IsDeep() ? spec.Options.Window : 1, spec.Options, data.Definitions.ToArray());
        return spec.Kind.IsDeep()
            ? SequenceModels.Fit(data, labels, samples, header, cancellation)
            : TreeModels.Fit(data, labels, samples, header);
    }

    private static ClassificationMetrics? DirectionOf(ModelSpec spec, IReadOnlyList<int> samples, IReadOnlyList<double> scores, Labels labels) =>
        spec.Task == ModelTask.Direction ? ClassificationMetrics.Compute(scores, samples.Select(s => labels.Up[s]).ToArray()) : null;

    private static RegressionMetrics? ReturnOf(ModelSpec spec, IReadOnlyList<int> samples, IReadOnlyList<double> scores, Labels labels) =>
        spec.Task == ModelTask.Return ? RegressionMetrics.Compute(scores, samples.Select(s => labels.Returns[s]).ToArray()) : null;
}

public static class EvaluationSummary
{
    /// <summary>
    /// The headline out-of-sample figures by name, the baseline's prefixed <c>baseline</c>: auc, accuracy, logLoss,
    /// brier for direction; rmse, mae, directionalAccuracy, informationCoefficient for returns. What reports,
    /// the registry and the CLI's JSON show.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Metrics(this EvaluationReport report)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["samples"] = report.Samples };
        if (report.Direction is { } d && report.DirectionBaseline is { } db)
        {
            Add(metrics, "", d);
            Add(metrics, "baseline", db);
        }
        if (report.Return is { } r && report.ReturnBaseline is { } rb)
        {
            Add(metrics, "", r);
            Add(metrics, "baseline", rb);
        }
        return metrics;
    }

    private static string Key(string prefix, string name) => prefix.Length == 0 ? name : prefix + char.ToUpperInvariant(name[0]) + name[1..];

    private static void Add(Dictionary<string, double> metrics, string prefix, ClassificationMetrics m)
    {
        metrics[Key(prefix, "auc")] = m.Auc;
        metrics[Key(prefix, "accuracy")] = m.Accuracy;
        metrics[Key(prefix, "logLoss")] = m.LogLoss;
        metrics[Key(prefix, "brier")] = m.Brier;
    }

    private static void Add(Dictionary<string, double> metrics, string prefix, RegressionMetrics m)
    {
        metrics[Key(prefix, "rmse")] = m.Rmse;
        metrics[Key(prefix, "mae")] = m.Mae;
        metrics[Key(prefix, "directionalAccuracy")] = m.DirectionalAccuracy;
        metrics[Key(prefix, "informationCoefficient")] = m.InformationCoefficient;
    }
}
