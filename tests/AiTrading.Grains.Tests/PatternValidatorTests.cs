using AiTrading.Contracts;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PatternValidatorTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task Combines_models_passes_only_confident_significant_signals_and_audits_every_verdict()
    {
        foreach (var (id, kind) in new[] { ("val-lgbm", "lightgbm"), ("val-forest", "fastforest") })
        {
            var model = Client.GetGrain<IModelGrain>(id);
            await ModelTestData.TrainedAsync(model, ModelTestData.Request(kind));
            await model.PromoteAsync(1);
        }
        var validator = Client.GetGrain<IPatternValidatorGrain>("strategy-val");
        await validator.ConfigureAsync(new PatternValidatorConfig([new("val-lgbm", 2), new("val-forest", 1)], AuditStream: "models-val"));

        // The signal is mean reversion: after the largest one-bar move the models are confident; after a quiet bar they are not.
        var data = ModelTestData.Dataset;
        var roc = data.FeatureNames.ToList().IndexOf("ROC_1");
        var rows = Enumerable.Range(0, data.Count).ToArray();
        var loud = rows.MaxBy(r => Math.Abs(data.Row(r)[roc]));
        var quiet = rows.MinBy(r => Math.Abs(data.Row(r)[roc]));

        var strong = await validator.ValidateAsync("SYN", ModelTestData.Input(loud));
        strong.Passed.ShouldBeTrue(strong.Reason);
        strong.Confidence.ShouldBeGreaterThanOrEqualTo(0.7);
        (strong.ProbabilityUp > 0.5).ShouldBe(data.Row(loud)[roc] < 0, "mean reversion: after a fall, up");
        strong.Votes.Select(v => v.Model).ShouldBe(["val-lgbm", "val-forest"]);
        strong.Votes.ShouldAllBe(v => v.Significant && v.Version == 1);

        var weak = await validator.ValidateAsync("SYN", ModelTestData.Input(quiet));
        weak.Passed.ShouldBeFalse();
        weak.Reason.ShouldContain("below the threshold 0.700");

        var audit = await Client.GetGrain<IAuditStreamGrain>("models-val").ReadAsync(1, 10);
        audit.Count.ShouldBe(2);
        audit[0].Sequence.ShouldBe(strong.AuditSequence);
        audit[0].Kind.ShouldBe("model.verdict");
        audit[0].Payload.ShouldContain("\"passed\":true");
        audit[0].Payload.ShouldContain("\"inputs\":[{");
        audit[1].Payload.ShouldContain("below the threshold");
    }

    [Fact]
    public async Task Refuses_configurations_it_cannot_fit()
    {
        var validator = Client.GetGrain<IPatternValidatorGrain>("strategy-bad");
        var e = await Should.ThrowAsync<InvalidRequestException>(() => validator.ConfigureAsync(new PatternValidatorConfig([new("x")], "voting", "sigmoid", 0.2)));
        e.Errors.Select(x => x.Field).ShouldBe(["combination", "calibration", "threshold"]);
        await Should.ThrowAsync<ResourceNotFoundException>(() => validator.ConfigureAsync(new PatternValidatorConfig([new("val-never-trained")])));
        await Should.ThrowAsync<ResourceNotFoundException>(() => validator.ValidateAsync("SYN", ModelTestData.Input(100)));
    }
}
