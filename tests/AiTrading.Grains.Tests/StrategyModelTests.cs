using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;
using AiTrading.ML;
using Orleans.Core.Internal;

namespace AiTrading.Grains.Tests;

/// <summary>A live strategy gating its entries on a registry model through its pattern validator.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StrategyModelTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private static StrategySpec Spec(string id, string symbol, params ModelReference[] models) => new()
    {
        Id = id,
        Account = $"{id}-acc",
        Instruments = [symbol],
        Timeframe = "M5",
        Models = models,
        MinConfidence = 0.6,
        Rules = new() { EntryLong = "p_up >= 0.5", EntryShort = "p_up < 0.5" },
        Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 10 },
    };

    /// <summary>Four ticks a bar (open, high, low, close) that rebuild <paramref name="bars"/> as five-minute bars of <paramref name="symbol"/>.</summary>
    private static List<Tick> TicksOf(string symbol, IEnumerable<Bar> bars) => bars.SelectMany(b =>
        new[] { (0, b.Open), (60, b.High), (120, b.Low), (240, b.Close) }.Select(x =>
        {
            var mid = Math.Round(x.Item2, 2);
            return new Tick(symbol, b.OpenTime.AddSeconds(x.Item1), mid - 0.01, mid + 0.01, 1000, 1000);
        })).ToList();

    private static async Task<IModelGrain> PromotedAsync(IClusterClient client, string id, IReadOnlyList<Bar>? bars = null)
    {
        var model = client.GetGrain<IModelGrain>(id);
        await ModelTestData.TrainedAsync(model, ModelTestData.Request("lightgbm") with { Bars = bars ?? ModelTestData.Bars });
        await model.PromoteAsync(1);
        return model;
    }

    [Fact]
    public async Task Entries_pass_only_on_the_validators_verdict_over_the_models_own_features()
    {
        const string id = "model-gated", symbol = "MODELG1";
        await PromotedAsync(Client, "strat-lgbm");
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        var strategy = Client.GetGrain<IStrategyGrain>(id);
        var spec = Spec(id, symbol, new ModelReference("strat-lgbm"));
        await fixture.OpenAccountAsync(spec.Account);
        await strategy.SubmitAsync(spec);
        (await Client.GetGrain<IPatternValidatorGrain>(id).GetConfigAsync())!.Threshold.ShouldBe(0.6);

        // Fresh bars with the same planted mean reversion the model learnt.
        var live = ML.Tests.SyntheticBars.Generate(250, -0.4, seed: 21);
        await fixture.PublishAsync(symbol, TicksOf(symbol, live), batchSize: 100);
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == live.Count - 1, "every closed bar");

        var records = await Client.GetGrain<IAuditStreamGrain>(spec.Account).ReadAsync(1, 1000);
        var verdicts = records.Where(r => r.Kind == "model.verdict").ToDictionary(r => r.Sequence, r => JsonDocument.Parse(r.Payload).RootElement);
        verdicts.Count.ShouldBeGreaterThan(150, "a verdict on every bar once the features are warm");
        verdicts.Values.ShouldAllBe(v => v.GetProperty("symbol").GetString() == symbol);

        // The rows the model read are the features of the bars the instrument built, computed the way training computes them.
        var bars = (await Client.GetGrain<IInstrumentGrain>(symbol).GetSnapshotAsync(InstrumentGrain.BarHistory)).FiveMinuteBars;
        var expected = FeatureDataset.FromBars(bars, ModelFeatures.Default);
        var lastRow = verdicts[verdicts.Keys.Max()].GetProperty("inputs")[0];
        for (var f = 0; f < expected.FeatureCount; f++)
            lastRow.GetProperty(expected.FeatureNames[f]).GetDouble().ShouldBe(expected.Row(expected.Count - 1)[f], 1e-3 * (1 + Math.Abs(expected.Row(expected.Count - 1)[f])), expected.FeatureNames[f]);

        // Every decision carries its verdict's probability; every entry had a passing verdict.
        var decisions = records.Where(r => r.Kind == AuditKinds.Decision).Select(r => JsonDocument.Parse(r.Payload).RootElement).ToList();
        var entries = decisions.Where(d => d.GetProperty("action").GetString() is "EnterLong" or "EnterShort" or "ReverseToLong" or "ReverseToShort").ToList();
        entries.ShouldNotBeEmpty("the model is confident after large moves");
        foreach (var decision in decisions)
        {
            var verdict = verdicts[decision.GetProperty("verdict").GetInt64()];
            decision.GetProperty("probabilityUp").GetDouble().ShouldBe(verdict.GetProperty("probabilityUp").GetDouble());
            if (entries.Contains(decision)) verdict.GetProperty("passed").GetBoolean().ShouldBeTrue();
        }
        verdicts.Values.ShouldContain(v => !v.GetProperty("passed").GetBoolean(), "some verdicts fail, and their bars enter nothing");
        var view = (await strategy.GetAsync())!;
        // Replayed faster than real time, a few orders meet the account's orders-per-second limit.
        (view.OrdersFilled + view.OrdersRejected).ShouldBe(decisions.Count);
        view.OrdersFilled.ShouldBeGreaterThan(view.OrdersRejected);

        // A restarted strategy finds its registry model again.
        await strategy.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => (await strategy.GetAsync())!.State == StrategyLifecycle.Running, "the strategy running after reactivation");
        (await strategy.GetAsync())!.Reason.ShouldBeNull();

        // A promoted version reading other features: the strategy rebuilds its rows from the instrument's bars and goes on.
        var model = Client.GetGrain<IModelGrain>("strat-lgbm");
        IReadOnlyList<FeatureDefinition> other = [new("RSI", Parameters: new Dictionary<string, double> { ["period"] = 7 }), new("ROC", Parameters: new Dictionary<string, double> { ["period"] = 3 })];
        await ModelTestData.TrainedAsync(model, ModelTestData.Request("lightgbm") with { Features = other });
        await model.PromoteAsync(2);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the validator's and the workers' refresh period (Models:InferenceRefresh)
        var seen = (await strategy.GetAsync())!.BarsSeen;
        var more = ML.Tests.SyntheticBars.Generate(live.Count + 40, -0.4, seed: 21).Skip(live.Count).ToList();
        await fixture.PublishAsync(symbol, TicksOf(symbol, more), batchSize: 100);
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == seen + more.Count, "the bars after the promotion");
        var after = (await Client.GetGrain<IAuditStreamGrain>(spec.Account).ReadAsync(records[^1].Sequence + 1, 1000))
            .Where(r => r.Kind == "model.verdict").Select(r => JsonDocument.Parse(r.Payload).RootElement).ToList();
        after.Count.ShouldBe(more.Count, "a verdict on every bar after the promotion");
        var last = after[^1];
        last.GetProperty("votes")[0].GetProperty("version").GetInt32().ShouldBe(2);
        last.GetProperty("inputs")[0].EnumerateObject().Select(p => p.Name).ShouldBe(["RSI_7", "ROC_3"], ignoreOrder: true);
        await strategy.StopAsync();
    }

    [Fact]
    public async Task A_model_without_out_of_sample_skill_lets_no_entry_through_even_at_the_lowest_confidence()
    {
        const string id = "model-unskilled", symbol = "MODELU1";
        await PromotedAsync(Client, "strat-random-walk", ML.Tests.SyntheticBars.Generate(3000, 0, seed: 5));
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        var strategy = Client.GetGrain<IStrategyGrain>(id);
        // One entry rule or the other holds on every bar, and any probability clears a 0.5 gate: only the verdict stops them.
        var spec = Spec(id, symbol, new ModelReference("strat-random-walk")) with { MinConfidence = 0.5 };
        await fixture.OpenAccountAsync(spec.Account);
        await strategy.SubmitAsync(spec);
        var live = ML.Tests.SyntheticBars.Generate(120, 0, seed: 22);
        await fixture.PublishAsync(symbol, TicksOf(symbol, live), batchSize: 100);
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == live.Count - 1, "every closed bar");

        var records = await Client.GetGrain<IAuditStreamGrain>(spec.Account).ReadAsync(1, 1000);
        var verdicts = records.Where(r => r.Kind == "model.verdict").Select(r => JsonDocument.Parse(r.Payload).RootElement).ToList();
        verdicts.Count.ShouldBeGreaterThan(50);
        verdicts.ShouldAllBe(v => !v.GetProperty("passed").GetBoolean() && v.GetProperty("reason").GetString()!.Contains("is not significant out of sample"));
        records.ShouldNotContain(r => r.Kind == AuditKinds.Decision);
        (await strategy.GetAsync())!.Signals.ShouldBe(0);
        await strategy.StopAsync();
    }

    [Fact]
    public async Task A_spec_naming_models_that_cannot_serve_it_is_refused_naming_the_model()
    {
        const string symbol = "MODELV1";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await PromotedAsync(Client, "strat-m5");
        var unpromoted = Client.GetGrain<IModelGrain>("strat-unpromoted");
        await ModelTestData.TrainedAsync(unpromoted, ModelTestData.Request("fasttree"));

        async Task<string> RefusalAsync(StrategySpec spec)
        {
            await fixture.OpenAccountAsync(spec.Account);
            return string.Join("; ", (await Should.ThrowAsync<InvalidRequestException>(() => Client.GetGrain<IStrategyGrain>(spec.Id).SubmitAsync(spec))).Errors);
        }

        (await RefusalAsync(Spec("refused-1", symbol, new ModelReference("no-such-model")))).ShouldStartWith("models[0].model: unknown model 'no-such-model'");
        (await RefusalAsync(Spec("refused-2", symbol, new ModelReference("strat-unpromoted"))))
            .ShouldBe("models[0].model: model 'strat-unpromoted' has no active version: train one and promote it");
        (await RefusalAsync(Spec("refused-3", symbol, new ModelReference("strat-m5")) with { Timeframe = "M1" }))
            .ShouldBe("models[0].model: model 'strat-m5' v1 was trained on M5 bars; this strategy trades M1");
        (await RefusalAsync(Spec("refused-4", symbol, new ModelReference("baseline-logistic"), new ModelReference("strat-m5"))))
            .ShouldStartWith("models: 'baseline-logistic' is scored on its own");
        (await Client.GetGrain<IStrategyGrain>("refused-2").GetAsync()).ShouldBeNull("nothing is stored for a refused spec");
    }
}
