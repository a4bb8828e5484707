using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;
using AiTrading.Core.Tests.Features;

namespace AiTrading.Core.Tests.Models;

public sealed class BaselineDirectionModelTests
{
    private static readonly BaselineDirectionModel Model = new();

    private static (FeatureVector Features, double Close) After(IEnumerable<Bar> bars)
    {
        var pipeline = new FeaturePipeline([new("SMA"), new("EMA"), new("RSI"), new("ATR")], Timeframe.M1);
        pipeline.Names.ShouldBe(BaselineDirectionModel.RequiredFeatures);
        Bar? bar = null;
        foreach (var b in bars) { pipeline.OnBar(b); bar = b; }
        return (pipeline.ToVector(bar!.Symbol, bar.CloseTime), bar.Close);
    }

    [Fact]
    public void A_rising_series_gives_a_probability_of_up_above_one_half()
    {
        var (features, close) = After(FeaturePipelineTests.Walk(60, seed: 5, drift: 0.0004));
        var p = Model.Predict(features, close);
        p.ProbabilityUp.ShouldBeGreaterThan(0.6);
        p.Confidence.ShouldBe(p.ProbabilityUp);
    }

    [Fact]
    public void A_falling_series_gives_a_probability_of_up_below_one_half()
    {
        var (features, close) = After(FeaturePipelineTests.Walk(60, seed: 5, drift: -0.0004));
        var p = Model.Predict(features, close);
        p.ProbabilityUp.ShouldBeLessThan(0.4);
        p.Confidence.ShouldBe(1 - p.ProbabilityUp);
    }

    [Fact]
    public void An_incomplete_vector_gives_no_view()
    {
        var (features, close) = After(FeaturePipelineTests.Walk(10, drift: 0.001));
        features.IsComplete.ShouldBeFalse();
        Model.Predict(features, close).ShouldBe(new DirectionPrediction(0.5));
    }

    [Fact]
    public void Zero_atr_or_missing_features_give_no_view()
    {
        var flat = Enumerable.Range(0, 30).Select(i =>
            new Bar("EURUSD", Timeframe.M1, new DateTimeOffset(2026, 1, 5, 0, i, 0, TimeSpan.Zero), 1.1, 1.1, 1.1, 1.1, 1, 1));
        var (features, close) = After(flat);
        features.IsComplete.ShouldBeTrue();
        features["ATR_14"].ShouldBe(0);
        Model.Predict(features, close).ProbabilityUp.ShouldBe(0.5);

        var partial = new FeatureVector("EURUSD", Timeframe.M1, DateTimeOffset.UnixEpoch, new Dictionary<string, double> { ["SMA_20"] = 1 });
        Model.Predict(partial, 1.2).ProbabilityUp.ShouldBe(0.5);
    }

    [Fact]
    public void Follows_the_documented_formula()
    {
        var values = new Dictionary<string, double> { ["SMA_20"] = 100, ["EMA_20"] = 100.5, ["RSI_14"] = 65, ["ATR_14"] = 1 };
        var features = new FeatureVector("X", Timeframe.M1, DateTimeOffset.UnixEpoch, values);
        var z = 2 * 0.5 + 1.5 * 0.3 + 0.5 * 1.0;
        Model.Predict(features, 101).ProbabilityUp.ShouldBe(1 / (1 + Math.Exp(-z)), 1e-12);
        BaselineDirectionModel.Name.ShouldBe("baseline-logistic");
        new DirectionPrediction(0.3).Confidence.ShouldBe(0.7, 1e-12);
    }
}
