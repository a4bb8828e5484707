using AiTrading.Contracts;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Grains.Tests;

/// <summary>A cluster that allows one backtest per caller at once, keeps results for a second, and whose reports wait at a gate.</summary>
public sealed class JobLimitsClusterFixture : ClusterFixture
{
    protected override IReadOnlyDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>
    {
        ["Backtests:MaxConcurrentRuns"] = "1",
        ["Backtests:MaxBars"] = "500",
        ["Backtests:ResultRetention"] = "00:00:01",
    };

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<IBacktestData, LimitedData>();
}

/// <summary>The gated sine bars of <see cref="GatedData"/> behind a gate of its own, and the row budget each load was given.</summary>
public sealed class LimitedData : IBacktestData
{
    public static readonly SemaphoreSlim Gate = new(0);
    public static readonly List<int> Budgets = [];

    public BacktestSeries Load(string symbol, string path, int maxRows)
    {
        lock (Budgets) Budgets.Add(maxRows);
        var series = GatedData.Series(symbol);
        return series.Bars.Count <= maxRows ? series : throw new FormatException($"{path}: has more than {maxRows} rows");
    }

    public string Report(BacktestResult result, IReadOnlyList<BacktestSeries> data)
    {
        Gate.Wait();
        return "<html></html>";
    }
}

public sealed class JobLimitsTests(JobLimitsClusterFixture fixture) : IClassFixture<JobLimitsClusterFixture>
{
    private const string Spec = """
        {"id": "sine-cross", "account": "BT", "instruments": ["SINE"], "timeframe": "D1",
         "features": [{"indicator": "SMA", "parameters": {"period": 5}, "name": "fast"}, {"indicator": "SMA", "parameters": {"period": 20}, "name": "slow"}],
         "rules": {"entryLong": "cross_above(fast, slow)", "exitLong": "cross_below(fast, slow)"}, "sizing": {"method": "fixed_quantity", "quantity": 10}}
        """;

    private static BacktestRequest Request(string caller, int files = 1) =>
        new(Spec, Enumerable.Repeat(new BacktestDataFile("SINE", "sine.csv"), files).ToList(), RequestedBy: caller);

    [Fact]
    public async Task A_running_backtest_holds_its_callers_slot_until_it_ends_and_its_result_then_expires()
    {
        var first = fixture.Client.GetGrain<IBacktestGrain>("slot-1");
        (await first.StartAsync(Request("alice"))).State.ShouldBe(BacktestRunState.Running);

        var second = fixture.Client.GetGrain<IBacktestGrain>("slot-2");
        var refused = await Should.ThrowAsync<QuotaExceededException>(() => second.StartAsync(Request("alice")));
        refused.Message.ShouldContain("'alice' already has 1 backtest(s) running");
        (await second.GetAsync()).ShouldBeNull("a refused run leaves nothing");
        (await fixture.Client.GetGrain<IBacktestGrain>("slot-bob").StartAsync(Request("bob"))).State.ShouldBe(BacktestRunState.Running, "another caller has slots of its own");

        LimitedData.Gate.Release(2);
        await Eventually.True(async () => (await first.GetAsync())!.State != BacktestRunState.Running, "the first run to end");
        (await second.StartAsync(Request("alice"))).State.ShouldBe(BacktestRunState.Running, "the slot is free again");
        LimitedData.Gate.Release();

        await Eventually.True(async () => (await first.GetAsync())!.State == BacktestRunState.Expired, "the first run's result to expire");
        var expired = (await first.GetAsync())!;
        (expired.ResultJson, await first.GetReportAsync()).ShouldBe((null, null));
        expired.Error!.ShouldContain("Backtests:ResultRetention");
        await Eventually.True(async () => (await fixture.Client.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Backtests, "alice")).GetHoldersAsync()).Count == 0,
            "alice's slots to be free");
    }

    [Fact]
    public async Task A_run_reads_at_most_its_bars_over_all_files_and_names_at_most_its_files()
    {
        lock (LimitedData.Budgets) LimitedData.Budgets.Clear();
        var error = await Should.ThrowAsync<InvalidRequestException>(() => fixture.Client.GetGrain<IBacktestGrain>("bars-1").StartAsync(Request("carol", files: 2)));
        error.Errors.Single().Field.ShouldBe("data[1]");
        lock (LimitedData.Budgets) LimitedData.Budgets.ShouldBe([500, 500 - 300], "the second file may read what the first left");

        var many = await Should.ThrowAsync<InvalidRequestException>(() => fixture.Client.GetGrain<IBacktestGrain>("files-1").StartAsync(Request("carol", files: 17)));
        many.Errors.Single().ShouldBe(new Core.FieldError("data", "must name at most 16 files (Backtests:MaxFiles; got 17)"));
        (await fixture.Client.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Backtests, "carol")).GetHoldersAsync()).ShouldBeEmpty("a refused run gives its slot back");
    }

    [Fact]
    public async Task A_slot_whose_lease_ran_out_is_free_again()
    {
        var slots = fixture.Client.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Training, "dave"));
        (await slots.TryAcquireAsync("lost-job", 1, TimeSpan.FromMilliseconds(300))).ShouldBeTrue();
        (await slots.TryAcquireAsync("lost-job", 1, TimeSpan.FromMilliseconds(300))).ShouldBeTrue("the holder renews its own slot");
        await Eventually.True(() => slots.TryAcquireAsync("next-job", 1, TimeSpan.FromMinutes(1)), "the lost job's lease to run out");
        (await slots.GetHoldersAsync()).ShouldBe(["next-job"]);
        await slots.ReleaseAsync("next-job");
        (await slots.GetHoldersAsync()).ShouldBeEmpty();
    }
}
