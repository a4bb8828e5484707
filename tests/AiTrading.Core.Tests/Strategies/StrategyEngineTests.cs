using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Tests.Strategies;

public sealed class StrategyEngineTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly StrategyContext NoModel = new(double.NaN, 100_000, 1);

    private static Bar Bar(int i, double close, double? high = null, double? low = null, string symbol = "EURUSD") =>
        new(symbol, Timeframe.M1, Start.AddMinutes(i), close, high ?? close, low ?? close, close, 10, 10);

    private static StrategyEngine Engine(StrategySpec spec) => StrategyProgram.Compile(spec, StrategyProgramTests.Live).CreateEngine("EURUSD");

    private static Dictionary<string, double> Period(int period) => new() { ["period"] = period };

    /// <summary>Feeds closes, keeping the position as the signals leave it (filled at once, at the close).</summary>
    private static List<StrategySignal> Run(StrategyEngine engine, IReadOnlyList<double> closes, StrategyContext? context = null)
    {
        var position = StrategyPosition.Flat;
        var signals = new List<StrategySignal>();
        for (var i = 0; i < closes.Count; i++)
        {
            var signal = engine.OnBar(Bar(i, closes[i]), position, context ?? NoModel);
            signals.Add(signal);
            position = signal.TargetPosition == position.Quantity
                ? position with { BarsHeld = position.Quantity == 0 ? 0 : position.BarsHeld + 1, Protection = signal.Protection }
                : signal.TargetPosition == 0 ? StrategyPosition.Flat : new StrategyPosition(signal.TargetPosition, (decimal)closes[i], 0, signal.Protection);
        }
        return signals;
    }

    [Fact]
    public void A_moving_average_cross_enters_on_the_cross_above_and_leaves_on_the_cross_below()
    {
        var engine = Engine(StrategyProgramTests.Cross());
        double[] closes = [10, 9, 8, 7, 6, 5, 6, 8, 10, 12, 13, 12, 10, 8, 6, 5, 5, 6, 8];
        var signals = Run(engine, closes);
        var actions = signals.Select((s, i) => (i, s.Action)).Where(a => a.Action != SignalAction.Hold).ToList();
        // SMA(3) crosses above SMA(6) at bar 8 (8 vs 7; 6.33 vs 6.67 on bar 7), below at bar 13 (10 vs 10.83; 11.67 vs 10.83 on bar 12).
        actions.ShouldBe([(8, SignalAction.EnterLong), (13, SignalAction.ExitLong)]);
        signals[8].TargetPosition.ShouldBe(1000);
        signals[8].Reason.ShouldBe("entryLong rule");
        signals[13].TargetPosition.ShouldBe(0);
        signals[0].Reason.ShouldBe("no entry rule holds");
    }

    [Fact]
    public void Position_variables_drive_exits()
    {
        var engine = Engine(StrategyProgramTests.Cross() with
        {
            Features = [],
            Rules = new() { EntryLong = "flat and close > 100", ExitLong = "bars_held >= 2 or unrealized_return < -0.05" },
        });
        var signals = Run(engine, [100, 101, 102, 103, 104, 105, 94]);
        signals.Select(s => s.Action).ShouldBe([SignalAction.Hold, SignalAction.EnterLong, SignalAction.Hold, SignalAction.Hold, SignalAction.ExitLong, SignalAction.EnterLong, SignalAction.ExitLong]);
    }

    [Fact]
    public void The_confidence_gate_holds_entries_back_until_the_models_agree()
    {
        var spec = StrategyProgramTests.Cross() with
        {
            Features = [],
            Models = [new("baseline-logistic")],
            MinConfidence = 0.7,
            Rules = new() { EntryLong = "close > 100", EntryShort = "close < 100" },
        };
        var engine = Engine(spec);
        engine.OnBar(Bar(0, 101), StrategyPosition.Flat, new(0.65, 100_000, 1)).Reason.ShouldBe("entryLong rule holds but confidence 0.65 in a rise is below 0.7");
        engine.OnBar(Bar(1, 101), StrategyPosition.Flat, new(double.NaN, 100_000, 1)).Reason.ShouldBe("entryLong rule holds but the models have no prediction yet");
        engine.OnBar(Bar(2, 101), StrategyPosition.Flat, new(0.7, 100_000, 1)).Action.ShouldBe(SignalAction.EnterLong);
        engine.OnBar(Bar(3, 99), StrategyPosition.Flat, new(0.7, 100_000, 1)).Reason.ShouldBe("entryShort rule holds but confidence 0.3 in a fall is below 0.7");
        engine.OnBar(Bar(4, 99), StrategyPosition.Flat, new(0.2, 100_000, 1)).TargetPosition.ShouldBe(-1000);
        // Long, and the short entry passes the gate: a reversal; it would not pass at p_up 0.5.
        engine.OnBar(Bar(5, 99), new(1000, 101, 3), new(0.5, 100_000, 1)).Action.ShouldBe(SignalAction.Hold);
        var reversal = engine.OnBar(Bar(6, 99), new(1000, 101, 3), new(0.1, 100_000, 1));
        (reversal.Action, reversal.TargetPosition).ShouldBe((SignalAction.ReverseToShort, -1000m));
        // A validator's failed verdict refuses entries whatever the probability; exits still go through.
        const string veto = "the pattern validator's verdict failed: agreement 0.4 is below 0.5";
        engine.OnBar(Bar(7, 99), StrategyPosition.Flat, new(0.1, 100_000, 1, veto)).Reason.ShouldBe($"entryShort rule holds but {veto}");
        var exit = Engine(spec with { Rules = spec.Rules with { ExitLong = "close < 100" } })
            .OnBar(Bar(8, 99), new(1000, 101, 3), new(0.9, 100_000, 1, veto));
        exit.Action.ShouldBe(SignalAction.ExitLong);
    }

    [Fact]
    public void Both_entries_at_once_enter_neither()
    {
        var engine = Engine(StrategyProgramTests.Cross() with { Features = [], Rules = new() { EntryLong = "close > 0", EntryShort = "close > 0" } });
        engine.OnBar(Bar(0, 1), StrategyPosition.Flat, NoModel).Reason.ShouldBe("entryLong and entryShort both hold: no entry");
    }

    [Fact]
    public void Fixed_notional_converts_through_the_quote_currency_and_rounds_down_to_lots()
    {
        var spec = StrategyProgramTests.Cross() with
        {
            Features = [],
            Rules = new() { EntryLong = "close > 0" },
            Sizing = new() { Method = PositionSizing.FixedNotional, Notional = 10_000, LotSize = 100 },
        };
        // 10,000 USD at 151.5 JPY per unit and 0.0066 USD per JPY: 10,000 / (151.5 · 0.0066) = 10,001.0 units → 10,000.
        Engine(spec).OnBar(Bar(0, 151.5), StrategyPosition.Flat, new(double.NaN, 100_000, 0.0066m)).TargetPosition.ShouldBe(10_000);
        Engine(spec with { Sizing = spec.Sizing with { MaxQuantity = 2_550 } }).OnBar(Bar(0, 1), StrategyPosition.Flat, NoModel).TargetPosition.ShouldBe(2_500);
        Engine(spec with { Sizing = spec.Sizing with { Notional = 50 } }).OnBar(Bar(0, 1), StrategyPosition.Flat, NoModel).Reason
            .ShouldBe("entryLong rule holds but the position sizes to zero");
    }

    [Fact]
    public void Volatility_targeting_risks_a_fraction_of_equity_per_unit_of_the_volatility_feature()
    {
        var spec = StrategyProgramTests.Cross() with
        {
            Features = [new("ATR", Period(2))],
            Rules = new() { EntryLong = "close > 0" },
            Sizing = new() { Method = PositionSizing.VolatilityTarget, RiskFraction = 0.01, VolatilityFeature = "ATR_2" },
        };
        var engine = Engine(spec);
        engine.OnBar(Bar(0, 100, 101, 99), StrategyPosition.Flat, NoModel).Reason.ShouldBe("entryLong rule holds but ATR_2 is warming up");
        engine.OnBar(Bar(1, 100, 101, 99), StrategyPosition.Flat, NoModel);
        // ATR(2) = 2 after three bars of range 2; 1% of 100,000 = 1,000 per ATR → 500 units.
        engine.OnBar(Bar(2, 100, 101, 99), StrategyPosition.Flat, NoModel).TargetPosition.ShouldBe(500);
    }

    [Fact]
    public void Kelly_sizes_by_the_edge_and_caps_the_fraction()
    {
        var spec = StrategyProgramTests.Cross() with
        {
            Features = [],
            Models = [new("baseline-logistic")],
            MinConfidence = 0.5,
            Rules = new() { EntryLong = "close > 0", EntryShort = "close < 0" },
            Sizing = new() { Method = PositionSizing.Kelly, KellyCap = 0.25 },
            StopLoss = new(ProtectiveExit.Percent, 1),
            TakeProfit = new(ProtectiveExit.Percent, 2),
        };
        // b = 2 / 1; p = 0.6: f = 0.6 − 0.4/2 = 0.4 → capped at 0.25 of 100,000 at 50 per unit = 500 units.
        Engine(spec).OnBar(Bar(0, 50), StrategyPosition.Flat, new(0.6, 100_000, 1)).TargetPosition.ShouldBe(500);
        // p = 0.55: f = 0.55 − 0.45/2 = 0.325 → still capped; with cap 1: 650 units.
        Engine(spec with { Sizing = spec.Sizing with { KellyCap = 1 } }).OnBar(Bar(0, 50), StrategyPosition.Flat, new(0.55, 100_000, 1)).TargetPosition.ShouldBe(650);
        // No edge: p = 0.52 with b = 0.5 gives f = 0.52 − 0.48/0.5 < 0.
        Engine(spec with { Sizing = spec.Sizing with { PayoffRatio = 0.5 } }).OnBar(Bar(0, 50), StrategyPosition.Flat, new(0.52, 100_000, 1)).Reason
            .ShouldBe("entryLong rule holds but the position sizes to zero");
    }

    [Fact]
    public void Protective_levels_are_set_from_the_entry_close_and_the_trailing_stop_only_tightens()
    {
        var spec = StrategyProgramTests.Cross() with
        {
            Features = [new("ATR", Period(1))],
            Rules = new() { EntryLong = "flat and close >= 100", EntryShort = "flat and close < 50" },
            StopLoss = new(ProtectiveExit.Atr, 2, "ATR_1"),
            TakeProfit = new(ProtectiveExit.Percent, 10),
            TrailingStop = new(ProtectiveExit.Percent, 5),
        };
        var engine = Engine(spec);
        engine.OnBar(Bar(0, 99, 100, 98), StrategyPosition.Flat, NoModel);
        var entry = engine.OnBar(Bar(1, 100, 101, 99), StrategyPosition.Flat, NoModel);
        // ATR(1) is the bar's true range, 2: stop 100 − 2·2 = 96; take profit 110; trailing 95.
        entry.Protection.ShouldBe(new ProtectiveLevels(96m, 110m, 95m));
        var position = new StrategyPosition(1000, 100, 0, entry.Protection);
        var higher = engine.OnBar(Bar(2, 104, 106, 103), position, NoModel);
        higher.Protection.ShouldBe(new ProtectiveLevels(96m, 110m, 100.7m), "106 − 5%; stop and take profit stay");
        var lower = engine.OnBar(Bar(3, 102, 103, 101), position with { Protection = higher.Protection }, NoModel);
        lower.Protection!.TrailingStop.ShouldBe(100.7m, "a lower high never lowers the stop");

        var shortEntry = engine.OnBar(Bar(4, 40, 41, 39), StrategyPosition.Flat, NoModel);
        // True range from the previous close 102 down to 39 is 63: stop 40 + 126 = 166, take profit 36, trailing 42.
        shortEntry.Protection.ShouldBe(new ProtectiveLevels(166m, 36m, 42m));
        engine.OnBar(Bar(5, 38, 39, 37), new StrategyPosition(-1000, 40, 0, shortEntry.Protection), NoModel).Protection!.TrailingStop.ShouldBe(38.85m, "37 + 5%");
    }

    [Fact]
    public void A_touched_protective_price_flattens_the_stop_first()
    {
        var spec = StrategyProgramTests.Cross() with { Features = [], Rules = new() { EntryLong = "close > 1000" } };
        var engine = Engine(spec);
        var levels = new ProtectiveLevels(StopLoss: 95m, TakeProfit: 110m, TrailingStop: 98m);
        var position = new StrategyPosition(1000, 100, 2, levels);
        engine.OnBar(Bar(0, 100, 109, 98.5), position, NoModel).Action.ShouldBe(SignalAction.Hold);
        engine.OnBar(Bar(1, 99, 100, 97.5), position, NoModel).Reason.ShouldBe("trailing stop 98 touched (low 97.5)");
        engine.OnBar(Bar(2, 105, 111, 99), position, NoModel).Reason.ShouldBe("take profit 110 touched (high 111)");
        var both = engine.OnBar(Bar(3, 100, 111, 94), position, NoModel);
        (both.Action, both.TargetPosition, both.Reason).ShouldBe((SignalAction.ExitLong, 0m, "stop loss 95 touched (low 94)"));
        var shortPosition = new StrategyPosition(-1000, 100, 2, new ProtectiveLevels(105m, 90m, null));
        engine.OnBar(Bar(4, 100, 105, 99), shortPosition, NoModel).Reason.ShouldBe("stop loss 105 touched (high 105)");
        engine.OnBar(Bar(5, 91, 92, 90), shortPosition, NoModel).Action.ShouldBe(SignalAction.ExitShort);
    }

    [Fact]
    public void A_failing_rule_throws_naming_the_rule()
    {
        var engine = Engine(StrategyProgramTests.Cross() with { Features = [], Rules = new() { EntryLong = "close / (high - low) > 1" } });
        var error = Should.Throw<StrategyRuleException>(() => engine.OnBar(Bar(0, 100), StrategyPosition.Flat, NoModel));
        error.Field.ShouldBe("rules.entryLong");
        error.Message.ShouldBe("rules.entryLong: at column 7: division by zero");
    }

    [Fact]
    public void Bars_of_another_instrument_or_timeframe_are_refused()
    {
        var engine = Engine(StrategyProgramTests.Cross());
        Should.Throw<ArgumentException>(() => engine.OnBar(Bar(0, 1, symbol: "XAUUSD"), StrategyPosition.Flat, NoModel));
        Should.Throw<ArgumentException>(() => engine.OnBar(Bar(0, 1) with { Timeframe = Timeframe.M5 }, StrategyPosition.Flat, NoModel));
    }

    [Fact]
    public void Reset_replays_identically()
    {
        var engine = Engine(StrategyProgramTests.Cross());
        var closes = Enumerable.Range(0, 200).Select(i => 100 + 10 * Math.Sin(i / 7.0)).ToArray();
        var first = Run(engine, closes);
        engine.Reset();
        Run(engine, closes).ShouldBe(first);
        first.Count(s => s.Action == SignalAction.EnterLong).ShouldBeGreaterThan(3);
    }
}
