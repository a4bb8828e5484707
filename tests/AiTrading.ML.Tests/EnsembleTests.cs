using AiTrading.Core;

namespace AiTrading.ML.Tests;

public sealed class EnsembleTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// An out-of-sample record of a model whose score s is over-confident: the true chance of an up move is
    /// 0.5 + <paramref name="skill"/>·(s − 0.5). Skill 0 is a model that knows nothing.
    /// </summary>
    private static OutOfSampleScores Record(int count, double skill, int seed, int offset = 0)
    {
        var random = new Random(seed);
        var scores = new double[count];
        var up = new bool[count];
        for (var i = 0; i < count; i++)
        {
            scores[i] = random.NextDouble();
            up[i] = random.NextDouble() < 0.5 + skill * (scores[i] - 0.5);
        }
        return new OutOfSampleScores(Enumerable.Range(offset, count).Select(i => Start.AddDays(i)).ToArray(), scores, up, new double[count]);
    }

    [Fact]
    public void Platt_and_isotonic_calibration_correct_an_over_confident_model()
    {
        var train = Record(4000, 0.5, 1);
        var test = Record(4000, 0.5, 2);
        var raw = ClassificationMetrics.Compute(test.Scores, test.Up).Brier;
        foreach (var method in new[] { CalibrationMethod.Platt, CalibrationMethod.Isotonic })
        {
            var calibrator = Calibrator.Fit(method, train.Scores, train.Up);
            var calibrated = test.Scores.Select(calibrator.Apply).ToArray();
            ClassificationMetrics.Compute(calibrated, test.Up).Brier.ShouldBeLessThan(raw, method.ToString());
            // The truth at s = 0.9 is 0.7: calibration brings the model close to it.
            calibrator.Apply(0.9).ShouldBeInRange(0.62, 0.78, method.ToString());
        }
        var isotonic = IsotonicCalibrator.Fit(train.Scores, train.Up);
        var grid = Enumerable.Range(0, 101).Select(i => isotonic.Apply(i / 100.0)).ToArray();
        grid.Zip(grid.Skip(1)).ShouldAllBe(pair => pair.Second >= pair.First, "isotonic calibration never decreases");
    }

    [Fact]
    public void The_auc_significance_test_separates_skill_from_chance()
    {
        Ensemble.AucPValue(0.5, 500, 500).ShouldBe(0.5, 1e-6);
        Ensemble.AucPValue(0.6, 1000, 1000).ShouldBeLessThan(1e-6);
        Ensemble.AucPValue(0.52, 50, 50).ShouldBeGreaterThan(0.3);
    }

    [Fact]
    public void Overlapping_labels_count_once_per_horizon_in_the_significance_check()
    {
        var record = Record(3000, 0.12, 9);
        var daily = Ensemble.Fit([new("m", 1, record)], new EnsembleSettings()).Checks.Single();
        var weekly = Ensemble.Fit([new("m", 1, record with { Horizon = 10 })], new EnsembleSettings()).Checks.Single();
        weekly.Auc.ShouldBe(daily.Auc);
        weekly.PValue.ShouldBeGreaterThan(daily.PValue);
        daily.Significant.ShouldBeTrue($"AUC {daily.Auc} p {daily.PValue}");
        weekly.Significant.ShouldBeFalse($"AUC {weekly.Auc} p {weekly.PValue}");
    }

    [Fact]
    public void A_weighted_ensemble_passes_confident_agreeing_significant_signals_and_says_why_others_fail()
    {
        var ensemble = Ensemble.Fit([new("a", 2, Record(3000, 0.9, 3)), new("b", 1, Record(3000, 0.9, 4))], new EnsembleSettings());
        ensemble.Checks.ShouldAllBe(c => c.Significant);

        var strong = ensemble.Judge([0.98, 0.95]);
        strong.Passed.ShouldBeTrue(strong.Reason);
        strong.ProbabilityUp.ShouldBeGreaterThanOrEqualTo(0.7);
        strong.Agreement.ShouldBe(1);

        var weak = ensemble.Judge([0.6, 0.55]);
        weak.Passed.ShouldBeFalse();
        weak.Reason.ShouldContain("is below the threshold 0.700");

        var split = Ensemble.Fit([new("a", 1, Record(3000, 0.9, 3)), new("b", 1, Record(3000, 0.9, 4))], new EnsembleSettings(Threshold: 0.5, MinAgreement: 0.75))
            .Judge([0.99, 0.3]);
        split.Passed.ShouldBeFalse();
        split.Reason.ShouldContain("of the weight agrees on up");
    }

    [Fact]
    public void A_model_without_out_of_sample_skill_stops_every_signal()
    {
        var ensemble = Ensemble.Fit([new("good", 1, Record(3000, 0.9, 5)), new("noise", 1, Record(3000, 0, 6))], new EnsembleSettings(Calibration: CalibrationMethod.None, Threshold: 0.5));
        var verdict = ensemble.Judge([0.99, 0.99]);
        verdict.Passed.ShouldBeFalse();
        verdict.Significant.ShouldBeFalse();
        verdict.Reason.ShouldContain("model 'noise' is not significant out of sample");
    }

    [Fact]
    public void Stacking_fits_on_shared_bars_and_refuses_models_tested_on_different_ones()
    {
        var a = Record(2000, 0.9, 7);
        var b = a with { Scores = a.Scores.Select(s => Math.Clamp(s + 0.05, 0, 1)).ToArray() };
        var stacked = Ensemble.Fit([new("a", 1, a), new("b", 1, b)], new EnsembleSettings(CombinationMethod.Stacking));
        stacked.StackingWeights!.Count.ShouldBe(3);
        stacked.Judge([0.99, 0.99]).ProbabilityUp.ShouldBeGreaterThan(0.7);
        stacked.Judge([0.01, 0.01]).ProbabilityUp.ShouldBeLessThan(0.3);

        var elsewhere = Record(2000, 0.9, 8, offset: 5000);
        Should.Throw<ValidationException>(() => Ensemble.Fit([new("a", 1, a), new("c", 1, elsewhere)], new EnsembleSettings(CombinationMethod.Stacking)))
            .Message.ShouldContain("they share 0 out-of-sample bars");
        Should.Throw<ValidationException>(() => Ensemble.Fit([], new EnsembleSettings(Threshold: 0.3)))
            .Errors.Select(e => e.Field).ShouldBe(["threshold", "models"]);
    }
}
