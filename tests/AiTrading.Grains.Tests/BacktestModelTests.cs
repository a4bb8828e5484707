using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using AiTrading.ML;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Grains.Tests;

/// <summary>A cluster whose backtests read the bars the test models train on, and the bars after them.</summary>
public sealed class ModelBacktestFixture : ClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Services.AddSingleton<IBacktestData, ModelBacktestData>();
}

public sealed class ModelBacktestData : IBacktestData
{
    /// <summary>The same planted process as <see cref="ModelTestData.Bars"/>, continued for 600 bars after them.</summary>
    public static readonly IReadOnlyList<Bar> Later = ML.Tests.SyntheticBars.Generate(3600, -0.4, seed: 5).Skip(3000).ToList();

    /// <summary>A random walk (no signal to learn): 3000 bars to train on and the 600 after them.</summary>
    public static readonly IReadOnlyList<Bar> RandomWalk = ML.Tests.SyntheticBars.Generate(3600, 0, seed: 5);

    public BacktestSeries Load(string symbol, string path, int maxRows) => path switch
    {
        "random-later.csv" => new(InstrumentCatalog.Custom("SYN", 100), RandomWalk.Skip(3000).ToList(), path),
        "training.csv" => new(InstrumentCatalog.Custom("SYN", 100), ModelTestData.Bars, path),
        "later.csv" => new(InstrumentCatalog.Custom("SYN", 100), Later, path),
        _ => throw new FormatException($"{path}: the file does not exist"),
    };

    public string Report(BacktestResult result, IReadOnlyList<BacktestSeries> data) => "<html></html>";
}

/// <summary>A backtest of a strategy gated on a registry model replays the live validator.</summary>
public sealed class BacktestModelTests(ModelBacktestFixture fixture) : IClassFixture<ModelBacktestFixture>
{
    private const string Spec = """
        {"id": "bt-model", "account": "BT-MODEL", "instruments": ["SYN"], "timeframe": "M5",
         "models": [{"model": "bt-lgbm"}], "minConfidence": 0.6,
         "rules": {"entryLong": "p_up >= 0.5", "entryShort": "p_up < 0.5"}, "sizing": {"method": "fixed_quantity", "quantity": 10}}
        """;

    [Fact]
    public async Task Orders_come_exactly_on_the_bars_where_the_live_validator_passes_and_in_sample_bars_are_refused()
    {
        var model = fixture.Client.GetGrain<IModelGrain>("bt-lgbm");
        await ModelTestData.TrainedAsync(model, ModelTestData.Request("lightgbm"));
        await model.PromoteAsync(1);

        var inSample = await Should.ThrowAsync<InvalidRequestException>(() =>
            fixture.Client.GetGrain<IBacktestGrain>("bt-in-sample").StartAsync(new BacktestRequest(Spec, [new BacktestDataFile("SYN", "training.csv")])));
        inSample.Errors.Single().Field.ShouldBe("models[0].model");
        inSample.Errors.Single().Message.ShouldContain("in-sample");

        var grain = fixture.Client.GetGrain<IBacktestGrain>("bt-later");
        await grain.StartAsync(new BacktestRequest(Spec, [new BacktestDataFile("SYN", "later.csv")]));
        await Eventually.True(async () => (await grain.GetAsync())!.State != BacktestRunState.Running, "the backtest to finish");
        var view = (await grain.GetAsync())!;
        view.State.ShouldBe(BacktestRunState.Completed, view.Error);
        var decided = JsonDocument.Parse(view.ResultJson!).RootElement.GetProperty("orders").EnumerateArray()
            .Select(o => o.GetProperty("decidedAt").GetDateTimeOffset()).ToList();

        // What the live validator says on each bar's features, and where a strategy reversing on its passing verdicts trades.
        var validator = fixture.Client.GetGrain<IPatternValidatorGrain>("bt-check");
        await validator.ConfigureAsync(new PatternValidatorConfig([new("bt-lgbm")], Threshold: 0.6, AuditStream: "bt-check"));
        var rows = FeatureDataset.FromBars(ModelBacktestData.Later, ModelFeatures.Default);
        var expected = new List<DateTimeOffset>();
        var position = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            var input = new ModelInput([rows.FeatureNames.Select((name, f) => (name, value: (double)rows.Row(r)[f])).ToDictionary(x => x.name, x => x.value)]);
            var verdict = await validator.ValidateAsync("SYN", input);
            if (!verdict.Passed) continue;
            var direction = verdict.ProbabilityUp >= 0.5 ? 1 : -1;
            if (direction == position) continue;
            expected.Add(rows.Times[r] + Timeframe.M5.Duration);
            position = direction;
        }
        expected.Count.ShouldBeGreaterThan(5, "the model is confident after large moves");
        decided.ShouldBe(expected);
    }

    [Fact]
    public async Task A_model_without_out_of_sample_skill_trades_nothing_in_a_backtest_even_at_the_lowest_confidence()
    {
        var model = fixture.Client.GetGrain<IModelGrain>("bt-random");
        await ModelTestData.TrainedAsync(model, ModelTestData.Request("lightgbm") with { Bars = ModelBacktestData.RandomWalk.Take(3000).ToList() });
        await model.PromoteAsync(1);
        // One entry rule or the other holds on every bar and any probability clears a 0.5 gate: only the verdicts stop them.
        var spec = Spec.Replace("bt-lgbm", "bt-random").Replace("\"minConfidence\": 0.6", "\"minConfidence\": 0.5");
        var grain = fixture.Client.GetGrain<IBacktestGrain>("bt-random-later");
        await grain.StartAsync(new BacktestRequest(spec, [new BacktestDataFile("SYN", "random-later.csv")]));
        await Eventually.True(async () => (await grain.GetAsync())!.State != BacktestRunState.Running, "the backtest to finish");
        var view = (await grain.GetAsync())!;
        view.State.ShouldBe(BacktestRunState.Completed, view.Error);
        JsonDocument.Parse(view.ResultJson!).RootElement.GetProperty("orders").GetArrayLength().ShouldBe(0);
    }
}
