using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace AiTrading.Grains.Tests;

/// <summary>A cluster whose backtests read in-memory bars and whose report step waits at a gate the test opens.</summary>
public sealed class BacktestClusterFixture : ClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<IBacktestData, GatedData>();
}

/// <summary>300 daily bars of a sine wave; reports wait for <see cref="Gate"/> (static: the in-process silos share it).</summary>
public sealed class GatedData : IBacktestData
{
    public static readonly SemaphoreSlim Gate = new(0);
    private static int _reports;
    public static int Reports => Volatile.Read(ref _reports);

    public static BacktestSeries Series(string symbol) => new(InstrumentCatalog.Custom(symbol, 100),
        Enumerable.Range(0, 300).Select(i =>
        {
            var (open, close) = (100 + 10 * Math.Sin(i / 10.0), 100 + 10 * Math.Sin((i + 1) / 10.0));
            return new Bar(symbol, new Timeframe(TimeSpan.FromDays(1)), new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i),
                Math.Round(open, 2), Math.Round(Math.Max(open, close), 2), Math.Round(Math.Min(open, close), 2), Math.Round(close, 2), 0, 1);
        }).ToList(), "sine.csv");

    public BacktestSeries Load(string symbol, string path, int maxRows) => path == "sine.csv" ? Series(symbol) : throw new FormatException($"{path}: the file does not exist");

    public string Report(BacktestResult result, IReadOnlyList<BacktestSeries> data)
    {
        Interlocked.Increment(ref _reports);
        Gate.Wait();
        return $"<html>{result.FinalEquity}</html>";
    }
}

public sealed class BacktestGrainTests(BacktestClusterFixture fixture) : IClassFixture<BacktestClusterFixture>
{
    /// <summary>An SMA cross on the sine bars (the backlog tests run it too).</summary>
    internal const string Spec = """
        {"id": "sine-cross", "account": "BT", "instruments": ["SINE"], "timeframe": "D1",
         "features": [{"indicator": "SMA", "parameters": {"period": 5}, "name": "fast"}, {"indicator": "SMA", "parameters": {"period": 20}, "name": "slow"}],
         "rules": {"entryLong": "cross_above(fast, slow)", "exitLong": "cross_below(fast, slow)"}, "sizing": {"method": "fixed_quantity", "quantity": 10}}
        """;

    [Fact]
    public async Task A_run_interrupted_by_deactivation_runs_again_when_the_grain_comes_back()
    {
        var grain = fixture.Client.GetGrain<IBacktestGrain>("restart-1");
        var request = new BacktestRequest(Spec, [new BacktestDataFile("SINE", "sine.csv")]);
        (await grain.StartAsync(request)).State.ShouldBe(BacktestRunState.Running);
        await Eventually.True(() => Task.FromResult(GatedData.Reports == 1), "the first run to reach its report");

        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => await grain.GetAsync() is not null && GatedData.Reports == 2, "the reactivated grain to run the backtest again");
        GatedData.Gate.Release(2);

        await Eventually.True(async () => (await grain.GetAsync())!.State == BacktestRunState.Completed, "the run to complete");
        var expected = Backtester.Run(JsonInput.Parse<StrategySpec>(Spec, "spec"), [GatedData.Series("SINE")], new BacktestOptions());
        var view = (await grain.GetAsync())!;
        view.FinalEquity.ShouldBe(expected.FinalEquity);
        view.Trades.ShouldBe(expected.Trades.Count);
        (await grain.GetReportAsync()).ShouldBe($"<html>{expected.FinalEquity}</html>");
        (await grain.StartAsync(request)).State.ShouldBe(BacktestRunState.Completed, "the same request again is the same run");
        await Should.ThrowAsync<ConflictException>(() => grain.StartAsync(request with { InitialCash = 5 }));
    }

    [Fact]
    public async Task A_bad_request_names_every_problem_and_leaves_no_run()
    {
        var grain = fixture.Client.GetGrain<IBacktestGrain>("bad-1");
        var error = await Should.ThrowAsync<InvalidRequestException>(() => grain.StartAsync(
            new BacktestRequest("{\"id\": ", [new BacktestDataFile("SINE", "missing.csv")], InitialCash: 0, Fill: "vwap")));
        error.Errors.Select(e => e.Field).ShouldBe(["spec", "fill", "cash", "data[0]"]);
        error.Errors[3].Message.ShouldBe("missing.csv: the file does not exist");
        (await grain.GetAsync()).ShouldBeNull();
    }
}
