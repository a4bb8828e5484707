using AiTrading.Contracts;
using AiTrading.Core.Scaling;
using AiTrading.Grains.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace AiTrading.Grains.Tests;

/// <summary>Models:WithoutGpu=Wait: a network training job accepted with no GPU silo in the cluster waits for one, counted in the GPU backlog.</summary>
public sealed class GpuWaitTests
{
    private const string Waiting = "waiting for a GPU silo";

    /// <summary>Silo 0 is a CPU silo under Wait; any silo started later is a GPU silo.</summary>
    private static Task<InProcessTestCluster> StartAsync(string? timeout = null, string? maxJobs = null) =>
        GpuPlacementTests.StartAsync(1, i => new Dictionary<string, string?>
        {
            ["Models:Gpu"] = i == 0 ? "false" : "true",
            ["Models:WithoutGpu"] = "Wait",
            ["Models:GpuWaitRetry"] = "00:00:00.2",
            ["Models:GpuWaitTimeout"] = timeout ?? "00:30:00",
            ["Models:MaxConcurrentJobs"] = maxJobs ?? "2",
        });

    private static ModelTrainingRequest Tiny(string kind = "lstm") => ModelTestData.Request(kind, new Dictionary<string, double> { ["epochs"] = 1, ["window"] = 4 });

    private static async Task<BacklogView> BacklogOf(InProcessTestCluster cluster) => await Backlog.Grain(cluster.Client).GetAsync();

    [Fact]
    public async Task A_network_job_waits_in_the_gpu_backlog_until_a_gpu_silo_joins_then_trains_there()
    {
        await using var cluster = await StartAsync();
        var model = cluster.Client.GetGrain<IModelGrain>("wait-lstm");
        var job = await model.TrainAsync(Tiny());
        (job.State, job.Stage).ShouldBe((TrainingJobView.Running, Waiting));
        (await BacklogOf(cluster)).Of(ComputePool.Gpu).ShouldBe(1);
        await Should.ThrowAsync<ConflictException>(() => model.TrainAsync(Tiny()));
        var seen = (await model.GetJobAsync())!;
        (seen.JobId, seen.State, seen.Stage).ShouldBe((job.JobId, TrainingJobView.Running, Waiting));

        // Placement itself refuses under Wait, as under Refuse: inference cannot wait behind a request.
        (await Should.ThrowAsync<NoGpuSiloException>(() => cluster.Client.GetGrain<INetworkInferenceGrain>("wait-lstm").PredictAsync(new ModelInput([]))))
            .Message.ShouldContain("needs a GPU silo");
        // Tree models do not wait: they train on the CPU silo as ever.
        await ModelTestData.TrainedAsync(cluster.Client.GetGrain<IModelGrain>("wait-tree"), ModelTestData.Request("fasttree"));
        (await model.GetJobAsync())!.Stage.ShouldBe(Waiting, "still no GPU silo");

        var gpu = await cluster.StartAdditionalSiloAsync();
        gpu.ServiceProvider.GetRequiredService<IOptions<ModelOptions>>().Value.Gpu.ShouldBeTrue();
        var done = await ModelTestData.FinishedAsync(model, job);
        (done.State, done.Version).ShouldBe((TrainingJobView.Completed, 1), done.Error);
        (await cluster.Client.GetGrain<INetworkTrainerGrain>("wait-lstm").WhereAsync()).ShouldBe($"{gpu.SiloAddress} gpu=true");
        await Eventually.True(async () => await BacklogOf(cluster) == new BacklogView(0, 0, 0, 0), "the job to leave the backlog");
    }

    [Fact]
    public async Task Cancelling_a_waiting_job_ends_it_at_once_and_frees_the_callers_slot()
    {
        await using var cluster = await StartAsync(maxJobs: "1");
        var model = cluster.Client.GetGrain<IModelGrain>("wait-cancel");
        await model.TrainAsync(Tiny("cnn"));
        (await BacklogOf(cluster)).Of(ComputePool.Gpu).ShouldBe(1);

        var cancelled = await model.CancelTrainingAsync();
        (cancelled.State, cancelled.Error).ShouldBe((TrainingJobView.Cancelled, null));
        cancelled.FinishedAt.ShouldNotBeNull();
        (await model.GetJobAsync())!.State.ShouldBe(TrainingJobView.Cancelled);
        (await BacklogOf(cluster)).ShouldBe(new BacklogView(0, 0, 0, 0));
        await Should.ThrowAsync<ConflictException>(() => model.CancelTrainingAsync());

        // One job at most per caller here: the slot the cancelled job held is free again.
        (await cluster.Client.GetGrain<IModelGrain>("wait-cancel-2").TrainAsync(Tiny())).Stage.ShouldBe(Waiting);
    }

    [Fact]
    public async Task A_job_that_waits_longer_than_the_timeout_fails_saying_so_and_leaves_the_backlog()
    {
        await using var cluster = await StartAsync(timeout: "00:00:01", maxJobs: "1");
        var model = cluster.Client.GetGrain<IModelGrain>("wait-timeout");
        var job = await model.TrainAsync(Tiny("transformer"));

        var failed = await ModelTestData.FinishedAsync(model, job);
        failed.State.ShouldBe(TrainingJobView.Failed);
        failed.Error.ShouldStartWith("waited 00:00:01 for a GPU silo (Models:GpuWaitTimeout) and none joined the cluster; start a silo with Models:Gpu=true");
        (await BacklogOf(cluster)).ShouldBe(new BacklogView(0, 0, 0, 0));
        (await model.TrainAsync(Tiny())).Stage.ShouldBe(Waiting, "the slot is free and the model can train again");
    }

    [Fact]
    public void The_wait_settings_are_bounded_and_named_when_wrong()
    {
        new ModelOptions { WithoutGpu = WithoutGpu.Wait }.Validate().ShouldBeEmpty();
        var errors = new ModelOptions { GpuWaitRetry = TimeSpan.FromMinutes(2), GpuWaitTimeout = TimeSpan.Zero, WithoutGpu = (WithoutGpu)7 }.Validate();
        errors.Select(e => e.ToString()).ShouldBe([
            "Models:GpuWaitRetry: must be between 00:00:00.1000000 and 00:01:00 (got 00:02:00)",
            "Models:GpuWaitTimeout: must be between 00:00:01 and 12:00:00 (got 00:00:00)",
            "Models:WithoutGpu: must be Cpu, Refuse or Wait (got 7)",
        ]);
        new ModelOptions { GpuWaitRetry = TimeSpan.FromMilliseconds(50), GpuWaitTimeout = TimeSpan.FromHours(13) }.Validate().Select(e => e.Field)
            .ShouldBe(["Models:GpuWaitRetry", "Models:GpuWaitTimeout"]);
    }
}
