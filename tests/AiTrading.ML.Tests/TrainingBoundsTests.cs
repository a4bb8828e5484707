using AiTrading.Core;
using AiTrading.ML;

namespace AiTrading.ML.Tests;

/// <summary>Every size a training request sets is bounded above, so one request cannot hold a silo's CPU, GPU or memory without end.</summary>
public sealed class TrainingBoundsTests
{
    private static IReadOnlyList<FieldError> Errors(string kind, Dictionary<string, double> options, int horizon = 5, int folds = 4, int embargo = 5) =>
        Should.Throw<ValidationException>(() => ModelSpecs.Parse(kind, "direction", "fixed", horizon, folds: folds, embargo: embargo, options: options)).Errors;

    [Theory]
    [InlineData("lightgbm", "threads", 65, "must be at most 64 (got 65)")]
    [InlineData("lightgbm", "trees", 10_001, "must be at most 10000 (got 10001)")]
    [InlineData("fasttree", "leaves", 4_097, "must be at most 4096 (got 4097)")]
    [InlineData("fastforest", "minLeafSamples", 1_000_001, "must be at most 1000000 (got 1000001)")]
    [InlineData("lightgbm", "learningRate", 1.5, "must be at most 1 (got 1.5)")]
    [InlineData("lstm", "epochs", 1_001, "must be at most 1000 (got 1001)")]
    [InlineData("lstm", "window", 1_025, "must be at most 1024 (got 1025)")]
    [InlineData("transformer", "hidden", 1_026, "must be at most 1024 (got 1026)")]
    [InlineData("cnn", "layers", 17, "must be at most 16 (got 17)")]
    [InlineData("lstm", "batchSize", 65_537, "must be at most 65536 (got 65537)")]
    [InlineData("lstm", "networkLearningRate", 2, "must be at most 1 (got 2)")]
    public void A_hyper_parameter_above_its_bound_is_named(string kind, string option, double value, string message) =>
        Errors(kind, new() { [option] = value }).ShouldBe([new FieldError($"options.{option}", message)]);

    [Fact]
    public void The_bounds_themselves_are_allowed()
    {
        Should.NotThrow(() => ModelSpecs.Parse("lightgbm", "direction", "fixed", ModelSpecs.MaxHorizon, folds: WalkForwardOptions.MaxFolds, embargo: WalkForwardOptions.MaxEmbargo,
            options: new Dictionary<string, double> { ["threads"] = TrainingOptions.MaxThreads, ["trees"] = TrainingOptions.MaxTrees, ["leaves"] = TrainingOptions.MaxLeaves }));
        Should.NotThrow(() => ModelSpecs.Parse("lstm", "direction", "fixed", 5, options: new Dictionary<string, double>
        {
            ["epochs"] = TrainingOptions.MaxEpochs, ["window"] = TrainingOptions.MaxWindow, ["hidden"] = TrainingOptions.MaxHidden,
            ["layers"] = TrainingOptions.MaxLayers, ["batchSize"] = TrainingOptions.MaxBatchSize,
        }));
    }

    [Fact]
    public void Horizon_folds_and_embargo_are_bounded_too()
    {
        Errors("lightgbm", [], horizon: 10_001, folds: 51, embargo: 10_001).Select(e => e.Field).ShouldBe(["horizon"]);
        Errors("lightgbm", [], folds: 51, embargo: 10_001).Select(e => e.Field).ShouldBe(["validation.folds", "validation.embargo"]);
    }

    [Fact]
    public void A_flood_of_unknown_options_is_answered_with_a_bounded_list()
    {
        var options = Enumerable.Range(0, 1_000).ToDictionary(i => $"option{i}{new string('x', 100)}", _ => 1.0);
        var errors = Errors("lightgbm", options);
        errors.Count.ShouldBe(20);
        errors.ShouldAllBe(e => e.Field.Length < 60);
    }
}
