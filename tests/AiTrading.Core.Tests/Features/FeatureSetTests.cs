using AiTrading.Core.Features;
using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Features;

public sealed class FeatureSetTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A reproducible random walk of M1 bars.</summary>
    public static List<Bar> Walk(int count, int seed = 1, double drift = 0, string symbol = "EURUSD")
    {
        var random = new Random(seed);
        var bars = new List<Bar>(count);
        var close = 1.0850;
        for (var i = 0; i < count; i++)
        {
            var open = close;
            close = open * (1 + drift + (random.NextDouble() - 0.5) * 0.002);
            var high = Math.Max(open, close) * (1 + random.NextDouble() * 0.0005);
            var low = Math.Min(open, close) * (1 - random.NextDouble() * 0.0005);
            bars.Add(new Bar(symbol, Timeframe.M1, Start.AddMinutes(i), open, high, low, close, 10, 10));
        }
        return bars;
    }

    [Fact]
    public void Names_the_four_features()
    {
        FeatureSet.Names.ShouldBe(["SMA_20", "EMA_20", "RSI_14", "ATR_14"]);
        var vector = new FeatureSet("EURUSD", Timeframe.M1).Update(Walk(1)[0]);
        vector.Values.Keys.ShouldBe(FeatureSet.Names, ignoreOrder: true);
    }

    [Fact]
    public void Is_ready_exactly_when_every_feature_is()
    {
        var features = new FeatureSet("EURUSD", Timeframe.M1);
        features.WarmUpPeriod.ShouldBe(20);
        var bars = Walk(30);
        for (var i = 0; i < bars.Count; i++)
        {
            features.IsReady.ShouldBe(i >= features.WarmUpPeriod, $"after {i} bars");
            var vector = features.Update(bars[i]);
            vector.IsComplete.ShouldBe(i + 1 >= features.WarmUpPeriod, $"vector of bar {i}");
            if (i + 1 < 15) vector.Values.Values.ShouldAllBe(v => double.IsNaN(v));
        }
    }

    [Fact]
    public void Values_equal_the_individual_indicators_and_carry_the_bar_close_time()
    {
        var (sma, ema, rsi, atr) = (new Sma(20), new Ema(20), new Rsi(14), new Atr(14));
        var features = new FeatureSet("EURUSD", Timeframe.M1);
        foreach (var bar in Walk(200, seed: 2))
        {
            var vector = features.Update(bar);
            sma.Update(bar.Close);
            ema.Update(bar.Close);
            rsi.Update(bar.Close);
            atr.Update(bar.High, bar.Low, bar.Close);
            vector.Symbol.ShouldBe("EURUSD");
            vector.Timeframe.ShouldBe(Timeframe.M1);
            vector.Time.ShouldBe(bar.CloseTime);
            vector["SMA_20"].ShouldBe(sma.Value);
            vector["EMA_20"].ShouldBe(ema.Value);
            vector["RSI_14"].ShouldBe(rsi.Value);
            vector["ATR_14"].ShouldBe(atr.Value);
        }
        features.IsReady.ShouldBeTrue();
    }

    [Fact]
    public void An_unknown_feature_name_is_a_key_not_found_error_naming_it()
    {
        var vector = new FeatureSet("EURUSD", Timeframe.M1).Update(Walk(1)[0]);
        Should.Throw<KeyNotFoundException>(() => vector["MACD_12_26_9"]).Message.ShouldContain("MACD_12_26_9");
    }

    [Fact]
    public void Reset_starts_again_from_nothing()
    {
        var bars = Walk(60, seed: 3);
        var features = new FeatureSet("EURUSD", Timeframe.M1);
        var first = bars.Select(features.Update).ToList();
        features.Reset();
        features.IsReady.ShouldBeFalse();
        var second = bars.Select(features.Update).ToList();
        for (var i = 0; i < bars.Count; i++)
            foreach (var name in FeatureSet.Names) second[i][name].ShouldBe(first[i][name]);
    }

    [Fact]
    public void Bars_of_another_series_or_out_of_order_are_refused()
    {
        var features = new FeatureSet("EURUSD", Timeframe.M1);
        Should.Throw<ArgumentException>(() => features.Update(Walk(1, symbol: "GBPUSD")[0]));
        Should.Throw<ArgumentException>(() => features.Update(Walk(1)[0] with { Timeframe = Timeframe.M5 }));
        var bars = Walk(2);
        features.Update(bars[1]);
        Should.Throw<ArgumentException>(() => features.Update(bars[0])).Message.ShouldContain("EURUSD");
    }

    [Fact]
    public void Completeness_means_every_value_is_finite()
    {
        var values = new Dictionary<string, double> { ["A"] = 1, ["B"] = 2 };
        new FeatureVector("X", Timeframe.M1, Start, values).IsComplete.ShouldBeTrue();
        values["B"] = double.PositiveInfinity;
        new FeatureVector("X", Timeframe.M1, Start, values).IsComplete.ShouldBeFalse();
    }
}
