using AiTrading.Core.Backtesting;
using AiTrading.Core.Features;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Tests.Strategies;

public sealed class StrategyProgramTests
{
    public static readonly StrategyCatalog Live = new(
        new HashSet<string> { "EURUSD", "XAUUSD", "USDJPY" }, new HashSet<string> { "M1", "M5" },
        new HashSet<string> { "baseline-logistic" }, new HashSet<string> { "paper" });

    public static StrategySpec Cross(string id = "cross") => new()
    {
        Id = id,
        Account = "ACC",
        Instruments = ["EURUSD"],
        Timeframe = "M1",
        Features = [new("SMA", new Dictionary<string, double> { ["period"] = 3 }), new("SMA", new Dictionary<string, double> { ["period"] = 6 })],
        Rules = new() { EntryLong = "cross_above(SMA_3, SMA_6)", ExitLong = "cross_below(SMA_3, SMA_6)" },
        Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 1000 },
    };

    [Fact]
    public void A_valid_spec_compiles_with_its_features_and_rule_variables()
    {
        var program = StrategyProgram.Compile(Cross(), Live);
        program.FeatureNames.ShouldBe(["SMA_3", "SMA_6"]);
        program.VariableNames.ShouldBe(["SMA_3", "SMA_6", "open", "high", "low", "close", "volume", "position", "long", "short", "flat", "entry_price", "bars_held", "unrealized_return"]);
        StrategyProgram.Compile(Cross() with { Models = [new("baseline-logistic")] }, Live).VariableNames.TakeLast(2).ShouldBe(["p_up", "confidence"]);
        Should.Throw<ArgumentException>(() => program.CreateEngine("XAUUSD"));
    }

    [Fact]
    public void Every_shipped_example_is_valid_where_it_runs()
    {
        // The daily-bar example is for backtests: it is checked against the data it is meant for; the rest run live.
        var backtests = new Dictionary<string, StrategyCatalog> { ["sma-cross-10-30"] = BacktestData.Catalog([Backtesting.BacktesterTests.DailyIndex()]) };
        var files = Directory.GetFiles(SharedData.Repository("examples/strategies"), "*.json");
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            var spec = JsonInput.Read<StrategySpec>(file, "strategy spec");
            StrategyProgram.Validate(spec, backtests.GetValueOrDefault(spec.Id, Live)).ShouldBeEmpty(Path.GetFileName(file));
            spec.Id.ShouldBe(Path.GetFileNameWithoutExtension(file));
        }
    }

    [Theory]
    [InlineData("S1", null)]
    [InlineData("M15", null)]
    [InlineData("H4", null)]
    [InlineData("D1", null)]
    [InlineData("D366", null)]
    [InlineData("M60", "'M60' is written H1")]
    [InlineData("d1", "'d1' is written D1")]
    [InlineData("D0", "timeframe 'D0' is not of the form M1, M5, H1, D1")]
    [InlineData("D367", "'D367' is outside S1 to D366")]
    [InlineData("W1", "timeframe 'W1' has unknown unit 'W' (use S, M, H or D)")]
    [InlineData("D1.5", "'D1.5' is not a timeframe (a unit S, M, H or D and a count, e.g. M1, H4, D1)")]
    [InlineData("H123456", "'H123456' is not a timeframe (a unit S, M, H or D and a count, e.g. M1, H4, D1)")]
    public void A_catalog_of_every_timeframe_takes_each_canonical_name_from_S1_to_D366(string timeframe, string? problem)
    {
        var every = Live with { Timeframes = null };
        var errors = StrategyProgram.Validate(Cross() with { Timeframe = timeframe }, every);
        if (problem is null) StrategyProgram.Compile(Cross() with { Timeframe = timeframe }, every).Timeframe.Name.ShouldBe(timeframe);
        else errors.ShouldBe([new FieldError("timeframe", problem)]);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_naming_its_field()
    {
        var spec = new StrategySpec
        {
            Id = "bad id",
            Version = 0,
            Account = "",
            Instruments = ["EURUSD", "eurusd", "NOPE", "EURUSD"],
            Timeframe = "H4",
            Models = [new("gpt"), new("baseline-logistic", 0)],
            MinConfidence = 0.4,
            Rules = new() { ExitLong = "close > 1", EntryShort = "close >" },
            Sizing = new() { Method = PositionSizing.VolatilityTarget, RiskFraction = 0.5, LotSize = 0 },
            StopLoss = new(ProtectiveExit.Percent, 150),
            TakeProfit = new("ticks", 3),
            TrailingStop = new(ProtectiveExit.Atr, 2),
            Limits = new() { MaxPosition = -1, MaxOrdersPerMinute = 0 },
            Venue = "mt5",
        };
        var errors = StrategyProgram.Validate(spec, Live);
        errors.Select(e => e.Field).ShouldBe(
        [
            "id", "account", "version", "instruments[1]", "instruments[2]", "instruments[3]", "timeframe",
            "models[0].model", "models[1].weight", "minConfidence", "venue",
            "sizing.riskFraction", "sizing.volatilityFeature", "sizing.lotSize",
            "stopLoss.value", "takeProfit.kind", "trailingStop.feature", "limits.maxPosition", "limits.maxOrdersPerMinute",
        ]);
        errors.Single(e => e.Field == "timeframe").Message.ShouldBe("'H4' has no bars here (use M1, M5)");
        errors.Single(e => e.Field == "instruments[2]").Message.ShouldBe("unknown instrument 'NOPE'");
        errors.Single(e => e.Field == "venue").Message.ShouldBe("unknown venue 'mt5' (known: paper)");
    }

    [Fact]
    public void Rules_are_checked_against_the_features_and_variables()
    {
        var errors = StrategyProgram.Validate(Cross() with
        {
            Rules = new() { EntryLong = "cross_above(SMA_3, SMA_9)", ExitLong = "p_up < 0.5", ExitShort = "close > 1", EntryShort = null },
        }, Live);
        errors.ShouldBe(
        [
            new FieldError("rules.entryLong", "at column 20: unknown name 'SMA_9' (known: SMA_3, SMA_6, open, high, low, close, volume, position, long, short, flat, entry_price, bars_held, unrealized_return)"),
            new FieldError("rules.exitLong", "at column 1: p_up and confidence need a model; name one in models"),
            new FieldError("rules.exitShort", "there is no entryShort rule, so no position for it to exit"),
        ]);
        StrategyProgram.Validate(Cross() with { Rules = new() }, Live).ShouldBe([new FieldError("rules", "needs an entryLong or an entryShort rule")]);
    }

    [Fact]
    public void Features_are_validated_as_the_pipeline_does_and_must_not_shadow_variables()
    {
        StrategyProgram.Validate(Cross() with { Features = [new("RSI", new Dictionary<string, double> { ["period"] = 0 })], Rules = new() { EntryLong = "close > 0" } }, Live)
            .ShouldBe([new FieldError("features[0].parameters.period", "RSI: period must be a whole number between 1 and 100000 (got 0)")]);
        StrategyProgram.Validate(Cross() with { Features = [new("SMA", Name: "close")], Rules = new() { EntryLong = "close > 0" } }, Live)
            .ShouldBe([new FieldError("features", "feature name 'close' is a rule variable; give the feature another name")]);
        StrategyProgram.Validate(Cross() with { Features = [new("MICROSTRUCTURE")], Rules = new() { EntryLong = "close > 0" } }, Live)
            .Single().Message.ShouldContain("tick-level features (MICROSTRUCTURE) are not available");
    }

    [Fact]
    public void Sizing_methods_need_their_inputs()
    {
        string[] Fields(PositionSizing sizing, StrategySpec? spec = null) =>
            StrategyProgram.Validate((spec ?? Cross()) with { Sizing = sizing }, Live).Select(e => e.ToString()).ToArray();
        Fields(new() { Method = "martingale" }).ShouldBe(["sizing.method: unknown method 'martingale' (use fixed_quantity, fixed_notional, volatility_target, kelly)"]);
        Fields(new() { Method = PositionSizing.FixedQuantity }).ShouldBe(["sizing.quantity: is required for fixed_quantity"]);
        Fields(new() { Method = PositionSizing.FixedNotional, Notional = -5 }).ShouldBe(["sizing.notional: must be greater than 0 (got -5)"]);
        Fields(new() { Method = PositionSizing.VolatilityTarget, RiskFraction = 0.01, VolatilityFeature = "ATR_14" })
            .ShouldBe(["sizing.volatilityFeature: 'ATR_14' is not one of the strategy's features (SMA_3, SMA_6)"]);
        Fields(new() { Method = PositionSizing.Kelly }).ShouldBe(
        [
            "sizing.method: kelly sizes by the models' confidence; name a model in models",
            "sizing.kellyCap: must be in (0, 1] for kelly (got nothing)",
            "sizing.payoffRatio: is required unless stopLoss and takeProfit of the same kind give it",
        ]);
        var withModel = Cross() with { Models = [new("baseline-logistic")], StopLoss = new(ProtectiveExit.Percent, 1), TakeProfit = new(ProtectiveExit.Percent, 2) };
        Fields(new() { Method = PositionSizing.Kelly, KellyCap = 0.25 }, withModel).ShouldBeEmpty();
    }

    [Fact]
    public void The_content_hash_ignores_parameter_order_and_sees_every_change()
    {
        var a = Cross() with { Features = [new("MACD", new Dictionary<string, double> { ["fastPeriod"] = 5, ["slowPeriod"] = 20 })], Rules = new() { EntryLong = "MACD_5_20_9 > 0" } };
        var b = a with { Features = [new("MACD", new Dictionary<string, double> { ["slowPeriod"] = 20, ["fastPeriod"] = 5 })] };
        a.SameContentAs(b).ShouldBeTrue();
        a.ContentHash().Length.ShouldBe(64);
        a.SameContentAs(a with { Rules = new() { EntryLong = "MACD_5_20_9 > 0.1" } }).ShouldBeFalse();
        a.SameContentAs(a with { Version = 2 }).ShouldBeFalse();
        a.SameContentAs(a with { Sizing = a.Sizing with { LotSize = 10 } }).ShouldBeFalse();
    }

    [Fact]
    public void Specs_read_from_json_name_the_line_of_a_mistake()
    {
        Should.Throw<FormatException>(() => JsonInput.Parse<StrategySpec>("{\n  \"id\": \"x\",\n  \"instrumnets\": [\"EURUSD\"]\n}", "spec.json"))
            .Message.ShouldStartWith("spec.json: line 3, at $.instrumnets: ");
        Should.Throw<FormatException>(() => JsonInput.Parse<StrategySpec>("{\"version\": \"two\"}", "spec.json"))
            .Message.ShouldStartWith("spec.json: line 1, at $.version: ");
        Should.Throw<FormatException>(() => JsonInput.Parse<StrategySpec>("null", "spec.json")).Message.ShouldBe("spec.json: expected a JSON object, got null");
    }
}
