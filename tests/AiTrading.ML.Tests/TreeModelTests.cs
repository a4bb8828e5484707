using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.Tests;

namespace AiTrading.ML.Tests;

public sealed class TreeModelTests
{
    // Mean-reverting one-bar returns (φ = −0.4): ROC_1 carries the next bar's direction.
    private static readonly FeatureDataset Planted = FeatureDataset.FromBars(SyntheticBars.Generate(2500, -0.4, seed: 5), ModelFeatures.Default);

    private static ModelSpec Spec(ModelKind kind, ModelTask task = ModelTask.Direction) =>
        new(kind, new FixedHorizon(1), task, new WalkForwardOptions(Folds: 3, Embargo: 2), new TrainingOptions { Trees = 60 });

    [Theory]
    [InlineData(ModelKind.LightGbm)]
    [InlineData(ModelKind.FastTree)]
    [InlineData(ModelKind.FastForest)]
    public void Each_kind_learns_a_planted_signal_out_of_sample_and_beats_the_baseline(ModelKind kind)
    {
        var result = ModelTraining.Train(Planted, Spec(kind));
        var e = result.Evaluation;
        e.Folds.Count.ShouldBe(3);
        e.Samples.ShouldBe(e.Folds.Sum(f => f.TestSamples));
        e.Direction!.Auc.ShouldBeGreaterThan(0.6);
        e.Folds.ShouldAllBe(f => f.DirectionBaseline!.Auc == 0.5, "a constant probability cannot rank within a fold");
        e.Direction.LogLoss.ShouldBeLessThan(e.DirectionBaseline!.LogLoss);
        e.Direction.Brier.ShouldBeLessThan(e.DirectionBaseline.Brier);
        result.Hash.ShouldBe(TrainedModel.Hash(result.Artifact));
        result.Hash.Length.ShouldBe(64);
        result.TrainFrom.ShouldBe(Planted.Times[0]);
        result.TrainTo.ShouldBe(Planted.Times[^1]);
        result.Model.Dispose();
    }

    [Theory]
    [InlineData(ModelKind.LightGbm)]
    [InlineData(ModelKind.FastTree)]
    [InlineData(ModelKind.FastForest)]
    public void Regressors_of_forward_return_beat_the_mean_forecast(ModelKind kind)
    {
        var result = ModelTraining.Train(Planted, Spec(kind, ModelTask.Return));
        var e = result.Evaluation;
        e.Direction.ShouldBeNull();
        e.Return!.InformationCoefficient.ShouldBeGreaterThan(0.2);
        e.Return.Rmse.ShouldBeLessThan(e.ReturnBaseline!.Rmse);
        e.Return.DirectionalAccuracy.ShouldBeGreaterThan(0.55);
        result.Model.Dispose();
    }

    [Fact]
    public void A_saved_model_scores_like_the_trained_one_and_refuses_bad_input()
    {
        var result = ModelTraining.Train(Planted, Spec(ModelKind.LightGbm));
        using var loaded = TrainedModel.FromArtifact(result.Artifact);
        loaded.Kind.ShouldBe(ModelKind.LightGbm);
        loaded.Features.ShouldBe(Planted.FeatureNames);
        int[] rows = [100, 900, 2000];
        loaded.Predict(Planted, rows).ShouldBe(result.Model.Predict(Planted, rows));
        loaded.Predict(Planted.Row(900)).ShouldBe(result.Model.Predict(Planted, [900])[0], 1e-6);

        var input = Planted.Row(900).ToArray();
        input[3] = float.NaN;
        Should.Throw<ArgumentException>(() => loaded.Predict(input)).Message.ShouldContain($"feature '{Planted.FeatureNames[3]}' is NaN");
        Should.Throw<ArgumentException>(() => loaded.Predict(input.AsSpan(1))).Message.ShouldContain("got 19 values");
        Should.Throw<ValidationException>(() => loaded.Predict(Planted.Select(["RSI_14"]), [5])).Message.ShouldContain("unknown feature 'ROC_1'");
        Should.Throw<ValidationException>(() => TrainedModel.FromArtifact([1, 2, 3])).Message.ShouldContain("not an AiTrading model artifact");
        result.Model.Dispose();
    }

    [Fact]
    public void Trains_on_the_real_daily_series_with_triple_barrier_labels()
    {
        var data = FeatureDataset.FromBars(new CsvBarFile(SharedData.File("orcl-1995-2014.txt")).Read(), ModelFeatures.Default);
        var spec = new ModelSpec(ModelKind.LightGbm, new TripleBarrier(10), Validation: new WalkForwardOptions(Folds: 4, Embargo: 5));
        var result = ModelTraining.Train(data, spec);
        var e = result.Evaluation;
        e.Folds.Count.ShouldBe(4);
        e.Folds.ShouldAllBe(f => f.TrainTo < f.TestFrom);
        e.Direction!.Count.ShouldBe(e.Samples);
        e.Direction.Calibration.Sum(b => b.Count).ShouldBe(e.Samples);
        e.Folds.ShouldAllBe(f => f.DirectionBaseline!.Auc == 0.5);
        result.Labeling.ShouldStartWith("triple-barrier(10");
        result.Model.Dispose();
    }

    [Fact]
    public void Bad_settings_are_named()
    {
        var spec = Spec(ModelKind.FastTree) with { Options = new TrainingOptions { Trees = 0, LearningRate = double.NaN } };
        Should.Throw<ValidationException>(() => ModelTraining.Train(Planted, spec)).Errors.Select(e => e.Field).ShouldBe(["options.trees", "options.learningRate"]);
        ModelKinds.Parse("LightGBM").ShouldBe(ModelKind.LightGbm);
        Should.Throw<ValidationException>(() => ModelKinds.Parse("xgboost")).Message.ShouldContain("unknown model kind 'xgboost' (known: lightgbm, fasttree, fastforest, lstm, transformer, cnn)");
    }
}
