using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;

namespace AiTrading.ML.Tests;

public sealed class LabelTests
{
    private static FeatureDataset Dataset(params (double High, double Low, double Close)[] prices)
    {
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // TRANGE is ready from the second bar: a copy of the first bar in front makes every given bar a row.
        var bars = prices.Prepend(prices[0]).Select((p, i) => new Bar("X", Timeframe.M1, time.AddMinutes(i), p.Close, p.High, p.Low, p.Close, 1, 1));
        return FeatureDataset.FromBars(bars, [new FeatureDefinition("TRANGE")]);
    }

    [Fact]
    public void Fixed_horizon_labels_read_the_close_n_bars_later_and_end_there()
    {
        var data = Dataset((10, 10, 10), (11, 11, 11), (9, 9, 9), (12, 12, 12));
        var labels = new FixedHorizon(2).Apply(data);
        labels.Rows.ShouldBe([0, 1]);
        labels.Ends.ShouldBe([2, 3]);
        labels.Returns[0].ShouldBe(Math.Log(9 / 10.0), 1e-12);
        labels.Up.ShouldBe([false, true]);
        Should.Throw<ValidationException>(() => new FixedHorizon(0).Apply(data)).Message.ShouldContain("horizon: must be at least 1 bar");
    }

    [Fact]
    public void Triple_barrier_takes_the_first_barrier_touched_the_lower_one_on_a_tie_else_the_vertical()
    {
        // Alternating closes 100, 101 give σ = stdev of ±ln(1.01) ≈ 0.01 over the window; √4 · σ ≈ 2%: barriers ≈ ±2%.
        var flat = Enumerable.Range(0, 5).Select(i => (High: 100.0 + i % 2, Low: 100.0 + i % 2, Close: 100.0 + i % 2)).ToArray();
        (double, double, double)[] Path(params (double, double, double)[] after) => [.. flat, .. after];
        var labeling = new TripleBarrier(4, VolatilityWindow: 4);

        var up = labeling.Apply(Dataset(Path((101, 101, 101), (104, 101, 103), (101, 90, 95), (101, 101, 101))));
        var first = Array.IndexOf(up.Rows, 4);
        up.Ends[first].ShouldBe(6, "the high of row 6 crosses the upper barrier before row 7's low crosses the lower one");
        up.Up[first].ShouldBeTrue();

        var tie = labeling.Apply(Dataset(Path((110, 90, 100), (100, 100, 100), (100, 100, 100), (100, 100, 100))));
        var t = Array.IndexOf(tie.Rows, 4);
        (tie.Ends[t], tie.Up[t]).ShouldBe((5, false));

        var vertical = labeling.Apply(Dataset(Path((100.5, 99.5, 100.2), (100.5, 99.5, 100.3), (100.5, 99.5, 100.4), (100.5, 99.5, 100.5))));
        var v = Array.IndexOf(vertical.Rows, 4);
        vertical.Ends[v].ShouldBe(8);
        vertical.Returns[v].ShouldBe(Math.Log(100.5 / 100), 1e-12);
    }

    [Fact]
    public void Triple_barrier_names_each_bad_setting()
    {
        var data = Dataset((1, 1, 1), (1, 1, 1));
        var e = Should.Throw<ValidationException>(() => new TripleBarrier(0, -1, double.NaN, 1).Apply(data));
        e.Errors.Select(x => x.Field).ShouldBe(["horizon", "upperWidth", "lowerWidth", "volatilityWindow"]);
    }
}
