using AiTrading.Contracts;
using AiTrading.Core.Backtesting;
using AiTrading.Core.Scaling;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Grains.Tests;

/// <summary>A cluster whose backtests read the sine bars and whose report step waits at a gate of this class's own.</summary>
public sealed class BacklogClusterFixture : ClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<IBacktestData, BacklogData>();
}

public sealed class BacklogData : IBacktestData
{
    public static readonly SemaphoreSlim Gate = new(0);

    public BacktestSeries Load(string symbol, string path, int maxRows) => path == "sine.csv" ? GatedData.Series(symbol) : throw new FormatException($"{path}: the file does not exist");

    public string Report(BacktestResult result, IReadOnlyList<BacktestSeries> data)
    {
        Gate.Wait();
        return "<html></html>";
    }
}

public sealed class BacklogTests(BacklogClusterFixture fixture) : IClassFixture<BacklogClusterFixture>
{
    private const string Spec = BacktestGrainTests.Spec;

    private IBacklogGrain Backlog => Contracts.Backlog.Grain(fixture.Client);

    [Fact]
    public async Task A_backtest_counts_on_the_cpu_pool_from_its_start_until_it_ends_and_a_refused_one_not_at_all()
    {
        var run = fixture.Client.GetGrain<IBacktestGrain>("backlog-1");
        (await run.StartAsync(new BacktestRequest(Spec, [new BacktestDataFile("SINE", "sine.csv")]))).State.ShouldBe(BacktestRunState.Running);
        (await Backlog.GetAsync()).ShouldBe(new BacklogView(1, 0, 0, 0));
        (await Backlog.GetAsync()).Of(ComputePool.Cpu).ShouldBe(1);

        await Should.ThrowAsync<InvalidRequestException>(() =>
            fixture.Client.GetGrain<IBacktestGrain>("backlog-bad").StartAsync(new BacktestRequest(Spec, [new BacktestDataFile("SINE", "missing.csv")])));
        (await Backlog.GetAsync()).Backtests.ShouldBe(1, "a refused run leaves the backlog as it was");

        BacklogData.Gate.Release();
        await Eventually.True(async () => (await Backlog.GetAsync()) == new BacklogView(0, 0, 0, 0), "the run to leave the backlog");
        (await run.GetAsync())!.State.ShouldBe(BacktestRunState.Completed, "it leaves when it has ended");
    }

    [Fact]
    public async Task A_job_whose_silo_stopped_renewing_it_stops_counting_when_its_lease_runs_out()
    {
        // What a silo that died mid-job leaves: an entry nobody renews or removes.
        await Backlog.EnterAsync("training/ghost", WorkloadKind.NetworkTraining, TimeSpan.FromSeconds(15));
        await Backlog.ReportInferenceAsync("ghost-gateway", 3, TimeSpan.FromSeconds(15));
        (await Backlog.GetAsync()).Of(ComputePool.Gpu).ShouldBe(4, "it counts while its lease holds");
        await Eventually.True(async () => (await Backlog.GetAsync()).Of(ComputePool.Gpu) == 0, "the ghost's lease to run out");
    }
}
