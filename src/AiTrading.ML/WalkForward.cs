using AiTrading.Core;

namespace AiTrading.ML;

/// <summary>
/// Walk-forward validation settings: the labelled samples are cut into <see cref="Folds"/> + 1 consecutive blocks;
/// fold k tests block k and trains on the samples before it (all of them, or the last <see cref="TrainWindow"/>).
/// Purging drops every training sample whose label reads a bar at or after the first test row; the embargo then
/// drops those whose label ends fewer than <see cref="Embargo"/> rows before it, since features built on
/// overlapping look-back windows are serially correlated.
/// </summary>
public sealed record WalkForwardOptions(int Folds = 4, int Embargo = 5, int? TrainWindow = null, int MinTrainSamples = 50, int MinTestSamples = 20)
{
    public const int MaxFolds = 50, MaxEmbargo = 10_000;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (Folds is < 1 or > MaxFolds) errors.Add(new("validation.folds", $"must be between 1 and {MaxFolds} (got {Folds})"));
        if (Embargo is < 0 or > MaxEmbargo) errors.Add(new("validation.embargo", $"must be between 0 and {MaxEmbargo} (got {Embargo})"));
        if (TrainWindow is < 1) errors.Add(new("validation.trainWindow", $"must be at least 1 (got {TrainWindow})"));
        if (MinTrainSamples < 1) errors.Add(new("validation.minTrainSamples", $"must be at least 1 (got {MinTrainSamples})"));
        if (MinTestSamples < 1) errors.Add(new("validation.minTestSamples", $"must be at least 1 (got {MinTestSamples})"));
        return errors;
    }
}

/// <summary>One walk-forward step: sample indices (into <see cref="Labels"/>) to train on and to test on.</summary>
public sealed record Fold(int Number, int[] Train, int[] Test);

/// <summary>Thrown when a split would let a model see the future of the rows it is tested on.</summary>
public sealed class LookAheadException(string message) : Exception(message);

public static class WalkForward
{
    /// <exception cref="ValidationException">The options are invalid, or there are too few samples for them.</exception>
    public static IReadOnlyList<Fold> Split(Labels labels, WalkForwardOptions options)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ValidationException(problems);

        var block = labels.Count / (options.Folds + 1);
        if (block < options.MinTestSamples || block < options.MinTrainSamples)
            throw new ValidationException("data", $"{labels.Count} labelled rows are too few for {options.Folds} walk-forward folds " +
                $"(need at least {(options.Folds + 1) * Math.Max(options.MinTrainSamples, options.MinTestSamples)}: " +
                $"{options.Folds + 1} blocks of {Math.Max(options.MinTrainSamples, options.MinTestSamples)})");

        var folds = new List<Fold>(options.Folds);
        for (var k = 1; k <= options.Folds; k++)
        {
            var testStart = k * block;
            var testEnd = k == options.Folds ? labels.Count : testStart + block;
            var firstTestRow = labels.Rows[testStart];
            var from = options.TrainWindow is { } window ? Math.Max(0, testStart - window) : 0;
            var train = Enumerable.Range(from, testStart - from)
                .Where(s => labels.Ends[s] + options.Embargo < firstTestRow)
                .ToArray();
            if (train.Length < options.MinTrainSamples)
                throw new ValidationException("data", $"fold {k} keeps {train.Length} training rows after purging and an embargo of {options.Embargo}, fewer than {options.MinTrainSamples}; use fewer folds or more data");
            var fold = new Fold(k, train, Enumerable.Range(testStart, testEnd - testStart).ToArray());
            Verify(fold, labels, options.Embargo);
            folds.Add(fold);
        }
        return folds;
    }

    /// <summary>
    /// Checks that no training sample of <paramref name="fold"/> comes from, or has a label reaching into, the test
    /// rows or the <paramref name="embargo"/> rows before them: the guard every evaluation passes through.
    /// </summary>
    /// <exception cref="LookAheadException">A training sample sees the test period; the message names the first one.</exception>
    public static void Verify(Fold fold, Labels labels, int embargo)
    {
        ArgumentNullException.ThrowIfNull(fold);
        ArgumentNullException.ThrowIfNull(labels);
        if (fold.Test.Length == 0) return;
        var firstTestRow = fold.Test.Min(s => labels.Rows[s]);
        var testSet = fold.Test.ToHashSet();
        foreach (var s in fold.Train)
        {
            if (testSet.Contains(s))
                throw new LookAheadException($"fold {fold.Number}: sample {s} (row {labels.Rows[s]}) is in both the training and the test set");
            if (labels.Rows[s] >= firstTestRow)
                throw new LookAheadException($"fold {fold.Number}: training row {labels.Rows[s]} is not before the first test row {firstTestRow}: the model would train on the future");
            if (labels.Ends[s] + embargo >= firstTestRow)
                throw new LookAheadException($"fold {fold.Number}: the label of training row {labels.Rows[s]} reads row {labels.Ends[s]}, within {embargo} rows of the first test row {firstTestRow}: purge it");
        }
    }
}
