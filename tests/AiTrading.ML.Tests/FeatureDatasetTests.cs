using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.Tests;

namespace AiTrading.ML.Tests;

public sealed class FeatureDatasetTests
{
    [Fact]
    public void Rows_start_when_every_feature_is_ready_and_follow_the_bars()
    {
        var bars = new CsvBarFile(SharedData.File("orcl-1995-2014.txt")).Read().ToList();
        var data = FeatureDataset.FromBars(bars, ModelFeatures.Default);

        data.Count.ShouldBeLessThan(bars.Count);
        var skipped = bars.Count - data.Count;
        data.Times[0].ShouldBe(bars[skipped].OpenTime);
        data.Closes[^1].ShouldBe(bars[^1].Close);
        data.FeatureNames.ShouldContain("ROC_1");
        data.FeatureNames.ShouldContain("RSI_14");

        // The first row is exactly where a pipeline over the same bars first becomes ready.
        var pipeline = new FeaturePipeline(ModelFeatures.Default, data.Timeframe);
        var ready = bars.FindIndex(b => { pipeline.OnBar(b); return pipeline.IsReady; });
        ready.ShouldBe(skipped);
        for (var r = 0; r < data.Count; r++)
            foreach (var v in data.Row(r).ToArray()) float.IsFinite(v).ShouldBeTrue();
    }

    [Fact]
    public void Selecting_an_unknown_feature_names_it_and_lists_the_known_ones()
    {
        var data = FeatureDataset.FromBars(SyntheticBars.Generate(200, 0), ModelFeatures.Default);
        var e = Should.Throw<ValidationException>(() => data.Select(["RSI_14", "NOPE_3"]));
        e.Errors.Single().Field.ShouldBe("features[1]");
        e.Message.ShouldContain("unknown feature 'NOPE_3'");
        e.Message.ShouldContain("RSI_14");
        data.Select(["RSI_14"]).Row(5).ToArray().ShouldBe([data.Row(5)[data.FeatureNames.ToList().IndexOf("RSI_14")]]);
    }

    [Fact]
    public void Too_few_bars_for_the_warm_up_is_a_clear_error()
    {
        var e = Should.Throw<ValidationException>(() => FeatureDataset.FromBars(SyntheticBars.Generate(20, 0), ModelFeatures.Default));
        e.Message.ShouldContain("20 bars are too few for the features to warm up");
        Should.Throw<ValidationException>(() => FeatureDataset.FromBars([], ModelFeatures.Default)).Message.ShouldContain("has no bars");
    }
}
