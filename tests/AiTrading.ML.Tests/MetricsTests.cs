namespace AiTrading.ML.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void Auc_is_one_for_a_perfect_ranking_zero_for_a_reversed_one_and_half_for_ties()
    {
        bool[] up = [false, false, true, true];
        ClassificationMetrics.AreaUnderCurve([0.1, 0.2, 0.8, 0.9], up).ShouldBe(1);
        ClassificationMetrics.AreaUnderCurve([0.9, 0.8, 0.2, 0.1], up).ShouldBe(0);
        ClassificationMetrics.AreaUnderCurve([0.5, 0.5, 0.5, 0.5], up).ShouldBe(0.5);
        // pairs (up, down): (0.35 > 0.1), (0.35 < 0.4), (0.8 > 0.1), (0.8 > 0.4) → 3 of 4
        ClassificationMetrics.AreaUnderCurve([0.1, 0.4, 0.35, 0.8], up).ShouldBe(0.75);
        double.IsNaN(ClassificationMetrics.AreaUnderCurve([0.1, 0.2], [true, true])).ShouldBeTrue("AUC needs both classes");
    }

    [Fact]
    public void Accuracy_log_loss_brier_and_calibration_follow_their_definitions()
    {
        var m = ClassificationMetrics.Compute([0.9, 0.2, 0.6, 0.4], [true, false, false, true]);
        m.Accuracy.ShouldBe(0.5);
        m.LogLoss.ShouldBe(-(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.4) + Math.Log(0.4)) / 4, 1e-12);
        m.Brier.ShouldBe((0.01 + 0.04 + 0.36 + 0.36) / 4, 1e-12);
        m.Calibration.Sum(b => b.Count).ShouldBe(4);
        var top = m.Calibration.Single(b => b.Lower == 0.9);
        (top.Count, top.MeanPredicted, top.ObservedRate).ShouldBe((1, 0.9, 1.0));
        Should.Throw<ArgumentException>(() => ClassificationMetrics.Compute([1.2], [true])).Message.ShouldContain("outside [0, 1]");
    }

    [Fact]
    public void Regression_metrics_score_errors_signs_and_correlation()
    {
        var m = RegressionMetrics.Compute([0.01, -0.02, 0.03], [0.02, -0.01, -0.01]);
        m.Rmse.ShouldBe(Math.Sqrt((0.0001 + 0.0001 + 0.0016) / 3), 1e-12);
        m.Mae.ShouldBe(0.02, 1e-12);
        m.DirectionalAccuracy.ShouldBe(2 / 3.0, 1e-12);
        double.IsNaN(RegressionMetrics.Compute([0.0, 0.0], [0.1, 0.2]).InformationCoefficient).ShouldBeTrue();
    }
}
