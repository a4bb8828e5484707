using AiTrading.Connectors.Backtesting;
using AiTrading.Core.Backtesting;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Tests.Backtesting;

public sealed class VectorizedBacktestTests
{
    private static readonly string Template = File.ReadAllText(SharedData.Repository("examples/strategies/sma-cross-10-30.json"));

    private static StrategySpec Cross(int fast, int slow, bool reverse = false) => BacktesterTests.SmaCross() with
    {
        Features =
        [
            new("SMA", new Dictionary<string, double> { ["period"] = fast }, Name: "fast"),
            new("SMA", new Dictionary<string, double> { ["period"] = slow }, Name: "slow"),
        ],
        Rules = reverse
            ? new() { EntryLong = "cross_above(fast, slow)", EntryShort = "cross_below(fast, slow)" }
            : new() { EntryLong = "cross_above(fast, slow)", ExitLong = "cross_below(fast, slow)" },
    };

    private static BacktestSeries Orcl() => BacktestDataFile.Load(SharedData.File("orcl-1995-2014.txt"), "INDEX");

    public static TheoryData<int, int, bool, bool> Cases => new()
    {
        { 10, 30, false, false }, { 5, 20, true, false }, { 20, 50, false, true }, { 3, 8, true, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_vectorized_and_event_driven_engines_agree_on_trades_and_final_equity(int fast, int slow, bool reverse, bool atClose)
    {
        var options = new BacktestOptions
        {
            Fill = atClose ? FillModel.ThisBarClose : FillModel.NextBarOpen,
            SpreadBps = 4,
            Paper = new() { SlippageBps = 1, RandomSlippageBps = 0 },
            Commission = new CommissionModel(PerUnit: 0.01m, PerNotional: 0.0002m, Minimum: 1m),
            Risk = new() { MaxOrderNotional = 10_000_000m },
        };
        foreach (var series in new[] { BacktesterTests.DailyIndex(), Orcl() })
        {
            var spec = Cross(fast, slow, reverse) with { Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 10 } };
            var events = Backtester.Run(spec, [series], options);
            var vectorized = new VectorizedBacktest(series, options).Run(spec);

            events.Trades.ShouldNotBeEmpty();
            vectorized.Trades.ShouldBe(events.Trades, series.Source);
            vectorized.FinalEquity.ShouldBe(events.FinalEquity, series.Source);
            vectorized.Commissions.ShouldBe(events.Commissions);
            vectorized.Statistics.ShouldBe(events.Statistics);
            vectorized.Orders.Select(o => (o.Time, o.Side, o.Quantity, o.AveragePrice)).ShouldBe(events.Orders.Select(o => (o.Time, o.Side, o.Quantity, o.AveragePrice)));
        }
    }

    [Fact]
    public void They_agree_on_a_live_spec_with_protective_exits_equity_sizing_and_a_warm_up()
    {
        var spec = JsonInput.Read<StrategySpec>(SharedData.Repository("examples/strategies/rsi-reversion-xauusd.json"), "strategy spec") with
        {
            Features =
            [
                new("RSI", new Dictionary<string, double> { ["period"] = 7 }),
                new("BBANDS", new Dictionary<string, double> { ["period"] = 20, ["deviations"] = 2 }, Output: "middle", Name: "mid_band"),
                new("ATR", new Dictionary<string, double> { ["period"] = 14 }),
            ],
            Sizing = new() { Method = PositionSizing.VolatilityTarget, RiskFraction = 0.01, VolatilityFeature = "ATR_14" },
        };
        var gold = BacktestDataFile.Load(SharedData.File("2006-min-005.txt"), "XAUUSD");
        var options = new BacktestOptions { WarmupBars = 50, Risk = new() { MaxOrderNotional = 100_000_000m, MaxPositionQuantity = 100_000_000m, MarginRate = 0.001m, MaxDrawdown = 1m, MaxDailyLoss = 1_000_000m } };
        var events = Backtester.Run(spec, [gold], options);
        var vectorized = new VectorizedBacktest(gold, options).Run(spec);
        events.Orders.Where(o => o.Status != "Filled").Select(o => o.Reason).ShouldBeEmpty();
        events.Trades.Count.ShouldBeGreaterThan(10);
        vectorized.Trades.ShouldBe(events.Trades);
        vectorized.FinalEquity.ShouldBe(events.FinalEquity);
    }

    [Fact]
    public void What_the_vectorized_engine_does_not_model_is_refused()
    {
        var series = BacktesterTests.DailyIndex();
        Should.Throw<ValidationException>(() => new VectorizedBacktest(series, new BacktestOptions { Financing = new(0.01m, 0.01m) }))
            .Errors.Single().Field.ShouldBe("financing");
        Should.Throw<ValidationException>(() => new VectorizedBacktest(series, new BacktestOptions()).Run(Cross(10, 30) with { Limits = new() { MaxPosition = 5 } }))
            .Errors.Single().Field.ShouldBe("limits");
    }

    [Fact]
    public void A_sweep_runs_every_point_of_the_grid_ranked_by_the_statistic()
    {
        var series = BacktesterTests.DailyIndex();
        var engine = new VectorizedBacktest(series, new BacktestOptions());
        var sweep = ParameterSweep.Run(engine, Template,
            [SweepParameter.Parse("features[0].parameters.period=4:12:4"), SweepParameter.Parse("features[1].parameters.period=20,30")], "totalReturn");

        sweep.Points.Count.ShouldBe(6);
        sweep.Points.Select(p => p.Result!.Statistics.TotalReturn).ShouldBeInOrder(SortDirection.Descending);
        foreach (var point in sweep.Points)
        {
            var (fast, slow) = ((int)point.Parameters["features[0].parameters.period"], (int)point.Parameters["features[1].parameters.period"]);
            var direct = Backtester.Run(Cross(fast, slow), [series], new BacktestOptions());
            point.Result!.Trades.ShouldBe(direct.Trades, $"{fast}/{slow}");
            point.Result.FinalEquity.ShouldBe(direct.FinalEquity);
        }
        sweep.Points.ShouldContain(p => p.Parameters["features[0].parameters.period"] == 12 && p.Parameters["features[1].parameters.period"] == 30);
    }

    [Fact]
    public void Placeholders_sweep_rule_thresholds_and_a_bad_point_is_reported_not_fatal()
    {
        var template = Template.Replace("\"exitLong\": \"cross_below(fast, slow)\"", "\"exitLong\": \"cross_below(fast, slow) or bars_held >= {hold}\"");
        var engine = new VectorizedBacktest(BacktesterTests.DailyIndex(), new BacktestOptions());
        var sweep = ParameterSweep.Run(engine, template, [SweepParameter.Parse("hold=5,1000"), SweepParameter.Parse("features[0].parameters.period=0,10")], "sharpe");
        sweep.Points.Count.ShouldBe(4);
        sweep.Points.Count(p => p.Error is not null).ShouldBe(2);
        sweep.Points.Where(p => p.Error is not null).ShouldAllBe(p => p.Error!.Contains("features[0].parameters.period") && p.Parameters["features[0].parameters.period"] == 0);
        sweep.Points.Take(2).ShouldAllBe(p => p.Error == null, "failed points rank last");
        var held = sweep.Points.Single(p => p.Parameters["hold"] == 5 && p.Result is not null).Result!;
        held.Trades.Where(t => !t.Open).ShouldAllBe(t => t.Bars <= 5);

        Should.Throw<ValidationException>(() => ParameterSweep.Expand(Template, [SweepParameter.Parse("nothing=1,2")])).Message.ShouldContain("no placeholder {nothing}");
        Should.Throw<ValidationException>(() => ParameterSweep.Expand(Template, [SweepParameter.Parse("features[5].parameters.period=1")])).Message.ShouldContain("nothing at 'features.5'");
        Should.Throw<ValidationException>(() => SweepParameter.Parse("x=5:1:1")).Message.ShouldContain("FROM <= TO");
        Should.Throw<ValidationException>(() => ParameterSweep.CheckRanking("luck")).Errors.Single().Field.ShouldBe("rank");
    }

    [Fact]
    public void Walk_forward_fits_in_sample_tests_out_of_sample_and_rolls_on()
    {
        var engine = new VectorizedBacktest(Orcl(), new BacktestOptions());
        SweepParameter[] grid = [SweepParameter.Parse("features[0].parameters.period=5:15:5"), SweepParameter.Parse("features[1].parameters.period=30,60")];
        var result = WalkForward.Run(engine, Template, grid, "sharpe", inSample: 1000, outOfSample: 500);

        var bars = engine.End;
        result.Folds.Count.ShouldBe((bars - 1000 - 2) / 500 + 1);
        result.Evaluations.ShouldBe(result.Folds.Count * 7);
        var first = result.Folds[0];
        var inSample = ParameterSweep.Run(engine, Template, grid, "sharpe", (0, 1000));
        first.Parameters.ShouldBe(inSample.Points[0].Parameters);
        var fitted = Cross((int)first.Parameters["features[0].parameters.period"], (int)first.Parameters["features[1].parameters.period"]);
        first.OutOfSample.Trades.ShouldBe(engine.Run(fitted, 1000, 1500).Trades);
        first.OutOfSample.Start.ShouldBe(engine.Series.Bars[1000].OpenTime);
        var chained = result.Folds.Aggregate(100_000.0, (equity, f) => equity * f.OutOfSample.Equity[^1].Equity / 100_000.0);
        result.FinalEquity.ShouldBe(chained, 1e-6);
        result.OutOfSample.TotalReturn.ShouldBe(chained / 100_000 - 1, 1e-9);
    }
}
