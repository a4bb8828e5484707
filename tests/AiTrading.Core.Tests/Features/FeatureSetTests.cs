using AiTrading.Core.Features;
using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;

namespace AiTrading.Core.Tests.Features;

public sealed class FeatureSetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private static List<Bar> Bars(Func<int, double> closeAt, int n = 40) => Enumerable.Range(0, n).Select(i =>
    {
        var c = closeAt(i);
        return new Bar("X", Timeframe.M1, T0.AddMinutes(i), c, c + 0.3, c - 0.3, c, 10, 10);
    }).ToList();

    [Fact]
    public void Values_equal_the_individual_indicators_and_readiness_follows_the_slowest()
    {
        var set = new FeatureSet("X", Timeframe.M1);
        var (sma, ema, rsi, atr) = (new Sma(20), new Ema(20), new Rsi(14), new Atr(14));
        set.WarmUpPeriod.ShouldBe(20);
        FeatureVector? vector = null;
        foreach (var bar in Bars(i => 100 + Math.Sin(i / 3.0)))
        {
            vector = set.Update(bar);
            sma.Update(bar.Close); ema.Update(bar.Close); rsi.Update(bar.Close); atr.Update(bar.High, bar.Low, bar.Close);
            vector.IsComplete.ShouldBe(set.IsReady);
        }
        vector!.Values.Keys.ShouldBe(FeatureSet.Names, ignoreOrder: true);
        vector["SMA_20"].ShouldBe(sma.Value);
        vector["EMA_20"].ShouldBe(ema.Value);
        vector["RSI_14"].ShouldBe(rsi.Value);
        vector["ATR_14"].ShouldBe(atr.Value);
        vector.Time.ShouldBe(T0.AddMinutes(40));
        Should.Throw<KeyNotFoundException>(() => vector["MACD"]).Message.ShouldContain("MACD");
    }

    [Fact]
    public void Baseline_model_leans_with_the_trend_and_has_no_view_while_warming_up()
    {
        var model = new BaselineDirectionModel();
        DirectionPrediction Last(Func<int, double> closeAt)
        {
            var set = new FeatureSet("X", Timeframe.M1);
            var bars = Bars(closeAt);
            FeatureVector v = null!;
            foreach (var bar in bars) v = set.Update(bar);
            return model.Predict(v, bars[^1].Close);
        }
        Last(i => 100 + 0.2 * i).ProbabilityUp.ShouldBeGreaterThan(0.6);
        Last(i => 100 - 0.2 * i).ProbabilityUp.ShouldBeLessThan(0.4);

        var early = new FeatureSet("X", Timeframe.M1).Update(Bars(i => 100 + i, 1)[0]);
        model.Predict(early, 100).ProbabilityUp.ShouldBe(0.5);
        model.Predict(early, 100).Confidence.ShouldBe(0.5);
    }
}
