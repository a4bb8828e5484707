using AiTrading.Contracts;
using AiTrading.ML;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ModelRegistryTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    [Fact]
    public async Task Trains_registers_promotes_serves_the_active_version_and_rolls_back()
    {
        var model = Client.GetGrain<IModelGrain>("reg-lgbm");
        var job = await ModelTestData.TrainedAsync(model, ModelTestData.Request("lightgbm"));
        job.Version.ShouldBe(1);

        var view = (await model.GetAsync())!;
        view.ActiveVersion.ShouldBeNull();
        var v1 = view.Versions.Single();
        (v1.Kind, v1.Task, v1.Symbol, v1.Timeframe).ShouldBe(("lightgbm", "direction", "SYN", "M5"));
        v1.Features.ShouldBe(ModelTestData.Dataset.FeatureNames);
        v1.HyperParameters["trees"].ShouldBe("40");
        v1.Metrics["auc"].ShouldBeGreaterThan(0.6);
        v1.Metrics.ShouldContainKey("baselineAuc");
        v1.Hash.Length.ShouldBe(64);
        v1.TrainFrom.ShouldBe(ModelTestData.Dataset.Times[0]);

        var inference = Client.GetGrain<ITreeInferenceGrain>("reg-lgbm");
        (await Should.ThrowAsync<ConflictException>(() => inference.PredictAsync(ModelTestData.Input(500)))).Message.ShouldContain("none is active: promote one");

        await model.PromoteAsync(1);
        var first = await inference.PredictAsync(ModelTestData.Input(500));
        (first.Version, first.Hash, first.Task).ShouldBe((1, v1.Hash, "direction"));
        first.Score.ShouldBeInRange(0, 1);

        await ModelTestData.TrainedAsync(model, ModelTestData.Request("lightgbm", new Dictionary<string, double> { ["trees"] = 80, ["leaves"] = 4 }));
        (await model.PromoteAsync(2)).ActiveVersion.ShouldBe(2);
        await Eventually.True(async () => (await inference.PredictAsync(ModelTestData.Input(500))).Version == 2, "workers to load the promoted version");

        (await model.RollbackAsync()).ActiveVersion.ShouldBe(1);
        await Eventually.True(async () => (await inference.PredictAsync(ModelTestData.Input(500))).Version == 1, "workers to load the rolled-back version");
        (await Should.ThrowAsync<ConflictException>(() => model.RollbackAsync())).Message.ShouldContain("no earlier active version");
        await Should.ThrowAsync<ResourceNotFoundException>(() => model.PromoteAsync(7));

        var names = await Client.GetGrain<INameIndexGrain>(ModelNames.Index).ListAsync();
        names.ShouldContain("reg-lgbm");
    }

    [Fact]
    public async Task Bad_training_requests_and_bad_inputs_name_each_field()
    {
        var model = Client.GetGrain<IModelGrain>("reg-bad");
        var e = await Should.ThrowAsync<InvalidRequestException>(() => model.TrainAsync(ModelTestData.Request("xgboost", new Dictionary<string, double> { ["treez"] = 1 }) with { Horizon = 0 }));
        e.Errors.Select(x => x.Field).ShouldBe(["kind", "horizon", "options.treez"]);
        (await model.GetAsync()).ShouldBeNull("a refused request leaves no model behind");

        await Should.ThrowAsync<ResourceNotFoundException>(() => Client.GetGrain<ITreeInferenceGrain>("never-trained").PredictAsync(ModelTestData.Input(100)));

        await ModelTestData.TrainedAsync(model, ModelTestData.Request("fasttree"));
        await model.PromoteAsync(1);
        var inference = Client.GetGrain<ITreeInferenceGrain>("reg-bad");
        var input = ModelTestData.Input(300);
        var missing = new ModelInput([input.Rows[0].Where(kv => kv.Key != "RSI_14").ToDictionary()]);
        (await Should.ThrowAsync<InvalidRequestException>(() => inference.PredictAsync(missing))).Errors.Single().Message.ShouldContain("has no feature 'RSI_14'");
        var nan = new ModelInput([input.Rows[0].ToDictionary(kv => kv.Key, kv => kv.Key == "CCI_20" ? double.NaN : kv.Value)]);
        (await Should.ThrowAsync<InvalidRequestException>(() => inference.PredictAsync(nan))).Errors.Single().Field.ShouldBe("rows[0].CCI_20");
    }

    [Fact]
    public async Task A_network_training_job_shows_progress_and_can_be_cancelled()
    {
        var model = Client.GetGrain<IModelGrain>("reg-lstm");
        var job = await model.TrainAsync(ModelTestData.Request("lstm", new Dictionary<string, double> { ["epochs"] = ML.TrainingOptions.MaxEpochs, ["window"] = 8 }));
        job.State.ShouldBe(TrainingJobView.Running);
        await Should.ThrowAsync<ConflictException>(() => model.TrainAsync(ModelTestData.Request("lstm")));

        TrainingJobView? seen = null;
        await Eventually.True(async () => (seen = await model.GetJobAsync())!.Stage.StartsWith("fold 1 of 3"), "progress of the first fold");
        seen!.Steps.ShouldBe(4);

        (await model.CancelTrainingAsync()).Stage.ShouldBe("cancelling");
        await Eventually.True(async () => (await model.GetJobAsync())!.State == TrainingJobView.Cancelled, "the job to stop");
        (await model.GetAsync())!.Versions.ShouldBeEmpty();
        await Should.ThrowAsync<ConflictException>(() => model.CancelTrainingAsync());
    }
}
