using AiTrading.Contracts;
using AiTrading.Grains.Models;
using AiTrading.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace AiTrading.Grains.Tests;

/// <summary>Network grains on GPU silos only: a two-silo cluster with one silo marked, and one without any under each policy.</summary>
public sealed class GpuPlacementTests
{
    internal static async Task<InProcessTestCluster> StartAsync(short silos, Func<int, IReadOnlyDictionary<string, string?>> configuration)
    {
        var next = 0;
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            var settings = new ConfigurationBuilder().AddInMemoryCollection(configuration(Interlocked.Increment(ref next) - 1)).Build();
            silo.AddAiTradingGrains(settings);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task Network_trainers_and_inference_workers_land_only_on_the_gpu_silo()
    {
        await using var cluster = await StartAsync(2, i => new Dictionary<string, string?> { ["Models:Gpu"] = i == 1 ? "true" : "false" });
        cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<IOptions<ModelOptions>>().Value.Gpu).Order().ShouldBe([false, true]);
        var gpuSilo = cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<IOptions<ModelOptions>>().Value.Gpu).SiloAddress.ToString();

        var places = new List<string>();
        for (var i = 0; i < 12; i++)
            places.Add(await cluster.Client.GetGrain<INetworkTrainerGrain>($"gpu-model-{i}").WhereAsync());
        places.ShouldAllBe(p => p == $"{gpuSilo} gpu=true");

        // An inference worker with no trained model still has to be placed before it can say so: placement comes first.
        var error = await Should.ThrowAsync<ResourceNotFoundException>(() => cluster.Client.GetGrain<INetworkInferenceGrain>("gpu-none").PredictAsync(new ModelInput([])));
        error.ResourceId.ShouldBe("gpu-none");

        // What the filter guarantees, independent of where the default placement happens to put things: a placement
        // hint for the CPU silo is honoured for a tree trainer and overridden for a network trainer.
        var cpuSilo = cluster.Silos.Single(s => s.SiloAddress.ToString() != gpuSilo).SiloAddress;
        for (var i = 0; i < 8; i++)
        {
            (await WithPlacementHint(cpuSilo, () => cluster.Client.GetGrain<ITreeTrainerGrain>($"cpu-model-{i}").WhereAsync())).ShouldBe($"{cpuSilo} gpu=false");
            (await WithPlacementHint(cpuSilo, () => cluster.Client.GetGrain<INetworkTrainerGrain>($"gpu-model-hinted-{i}").WhereAsync())).ShouldBe($"{gpuSilo} gpu=true");
        }
    }

    private static async Task<string> WithPlacementHint(SiloAddress silo, Func<Task<string>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try { return await call(); }
        finally { RequestContext.Remove(IPlacementDirector.PlacementHintKey); }
    }

    [Fact]
    public async Task Without_a_gpu_silo_the_policy_decides_fall_back_to_cpu_or_refuse_with_a_clear_error()
    {
        await using (var fallback = await StartAsync(1, _ => new Dictionary<string, string?> { ["Models:WithoutGpu"] = "Cpu" }))
            (await fallback.Client.GetGrain<INetworkTrainerGrain>("fallback").WhereAsync()).ShouldEndWith("gpu=false");

        await using var refuse = await StartAsync(1, _ => new Dictionary<string, string?> { ["Models:WithoutGpu"] = "Refuse" });
        var e = await Should.ThrowAsync<NoGpuSiloException>(() => refuse.Client.GetGrain<INetworkTrainerGrain>("refused").WhereAsync());
        e.Message.ShouldContain("needs a GPU silo (silo metadata gpu=true) and none of the 1 silos is one");
        (await refuse.Client.GetGrain<ITreeTrainerGrain>("cpu-ok").WhereAsync()).ShouldEndWith("gpu=false");
    }
}
