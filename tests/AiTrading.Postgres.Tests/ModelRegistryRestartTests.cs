using AiTrading.Contracts;
using AiTrading.Grains;
using AiTrading.Grains.Tests;

namespace AiTrading.Postgres.Tests;

/// <summary>The model registry is grain state: on PostgreSQL it survives stopping the whole cluster.</summary>
public sealed class ModelRegistryRestartTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Versions_the_active_version_and_its_model_file_come_back_after_a_full_restart()
    {
        const string modelId = "restart-fasttree";
        string registryBefore;
        ModelPrediction predictionBefore;
        var input = ModelTestData.Input(2_500);
        await using (var first = await PostgresCluster.StartAsync(database.ConnectionString, "models-restart", silos: 2))
        {
            var model = first.Client.GetGrain<IModelGrain>(modelId);
            await ModelTestData.TrainedAsync(model, ModelTestData.Request("fasttree"));
            await model.PromoteAsync(1);
            registryBefore = AuditJson.Serialize(await model.GetAsync());
            predictionBefore = await first.Client.GetGrain<ITreeInferenceGrain>(modelId).PredictAsync(input);
        }

        await using var second = await PostgresCluster.StartAsync(database.ConnectionString, "models-restart", silos: 2);
        var restored = second.Client.GetGrain<IModelGrain>(modelId);
        AuditJson.Serialize(await restored.GetAsync()).ShouldBe(registryBefore);
        (await restored.GetActiveVersionAsync()).ShouldBe(1);
        var predictionAfter = await second.Client.GetGrain<ITreeInferenceGrain>(modelId).PredictAsync(input);
        (predictionAfter.Version, predictionAfter.Hash, predictionAfter.Score).ShouldBe((predictionBefore.Version, predictionBefore.Hash, predictionBefore.Score));
    }
}
