using AiTrading.Core;
using AiTrading.Core.Features;

namespace AiTrading.ML.Tests;

public sealed class WalkForwardTests
{
    [Fact]
    public void Folds_move_forward_and_purge_every_label_that_reaches_the_test_window_plus_the_embargo()
    {
        var data = FeatureDataset.FromBars(SyntheticBars.Generate(1200, 0), ModelFeatures.Default);
        var labels = new FixedHorizon(10).Apply(data);
        var folds = WalkForward.Split(labels, new WalkForwardOptions(Folds: 4, Embargo: 3));

        folds.Count.ShouldBe(4);
        for (var k = 0; k < folds.Count; k++)
        {
            var fold = folds[k];
            var firstTest = labels.Rows[fold.Test[0]];
            fold.Train.ShouldAllBe(s => labels.Ends[s] + 3 < firstTest);
            // Exactly the horizon plus the embargo is purged from the end of the expanding window.
            fold.Train.Max().ShouldBe(fold.Test[0] - 10 - 3 - 1);
            if (k > 0) fold.Test[0].ShouldBe(folds[k - 1].Test[^1] + 1);
        }
        folds[^1].Test[^1].ShouldBe(labels.Count - 1, "the last fold tests up to the last labelled row");
    }

    [Fact]
    public void A_shuffled_split_is_refused_as_look_ahead()
    {
        var data = FeatureDataset.FromBars(SyntheticBars.Generate(600, 0), ModelFeatures.Default);
        var labels = new FixedHorizon(5).Apply(data);
        var random = new Random(5);
        var shuffled = Enumerable.Range(0, labels.Count).OrderBy(_ => random.Next()).ToArray();
        var fold = new Fold(1, shuffled[..(labels.Count / 2)], shuffled[(labels.Count / 2)..]);
        Should.Throw<LookAheadException>(() => WalkForward.Verify(fold, labels, 0)).Message.ShouldContain("the model would train on the future");

        // Training rows all before the test rows, but labels reading into them: also refused.
        var overlapping = new Fold(1, Enumerable.Range(0, 100).ToArray(), Enumerable.Range(100, 50).ToArray());
        Should.Throw<LookAheadException>(() => WalkForward.Verify(overlapping, labels, 0)).Message.ShouldContain("purge it");
    }

    /// <summary>
    /// On a random walk nothing is predictable, but overlapping 20-bar labels make neighbouring rows share their
    /// outcome, and price-level features tell a model which rows are neighbours. Shuffled cross-validation therefore
    /// reports skill that is only the future leaking in; the evaluation refuses that split, and purged walk-forward
    /// on the same data finds none.
    /// </summary>
    [Fact]
    public void A_shuffled_future_leak_inflates_auc_and_is_caught_while_purged_walk_forward_shows_no_skill()
    {
        var data = FeatureDataset.FromBars(SyntheticBars.Generate(2500, 0, seed: 11), [new FeatureDefinition("SMA", new Dictionary<string, double> { ["period"] = 10 }), new FeatureDefinition("DONCHIAN")]);
        var spec = new ModelSpec(ModelKind.FastTree, new FixedHorizon(20), Validation: new WalkForwardOptions(Folds: 4, Embargo: 5),
            Options: new TrainingOptions { Trees = 50, Leaves = 16, MinLeafSamples = 5 });
        var labels = spec.Labeling.Apply(data);

        var shuffle = new Random(3);
        var order = Enumerable.Range(0, labels.Count).OrderBy(_ => shuffle.Next()).ToArray();
        var shuffledFold = new Fold(1, order[..(labels.Count * 4 / 5)].Order().ToArray(), order[(labels.Count * 4 / 5)..].Order().ToArray());

        // The leak is real: fitted on the shuffled split directly, the model "predicts" a random walk.
        using (var leaky = ModelTraining.Fit(data, labels, shuffledFold.Train, spec))
        {
            var scores = leaky.Predict(data, shuffledFold.Test.Select(s => labels.Rows[s]).ToArray());
            ClassificationMetrics.AreaUnderCurve(scores, shuffledFold.Test.Select(s => labels.Up[s]).ToArray()).ShouldBeGreaterThan(0.7);
        }

        // Evaluation refuses the split before fitting anything.
        Should.Throw<LookAheadException>(() => ModelTraining.Evaluate(data, labels, [shuffledFold], spec));

        // Purged walk-forward: no skill on a random walk.
        var honest = ModelTraining.Evaluate(data, labels, WalkForward.Split(labels, spec.Validation), spec);
        honest.Direction!.Auc.ShouldBeInRange(0.38, 0.62);
    }

    [Fact]
    public void Too_few_rows_for_the_folds_is_a_clear_error()
    {
        var data = FeatureDataset.FromBars(SyntheticBars.Generate(150, 0), ModelFeatures.Default);
        var labels = new FixedHorizon(5).Apply(data);
        Should.Throw<ValidationException>(() => WalkForward.Split(labels, new WalkForwardOptions(Folds: 4)))
            .Message.ShouldContain("labelled rows are too few for 4 walk-forward folds");
        Should.Throw<ValidationException>(() => WalkForward.Split(labels, new WalkForwardOptions(Folds: 0, Embargo: -1)))
            .Errors.Select(e => e.Field).ShouldBe(["validation.folds", "validation.embargo"]);
    }
}
