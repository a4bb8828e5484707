using AiTrading.Core.Features;
using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;
using AiTrading.Core.Tests.Indicators;

namespace AiTrading.Core.Tests.Features;

public sealed class FeaturePipelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A reproducible random walk of M1 bars.</summary>
    public static List<Bar> Walk(int count, int seed = 1, double drift = 0, string symbol = "EURUSD", Timeframe? timeframe = null)
    {
        var frame = timeframe ?? Timeframe.M1;
        var random = new Random(seed);
        var bars = new List<Bar>(count);
        var close = 1.0850;
        for (var i = 0; i < count; i++)
        {
            var open = close;
            close = open * (1 + drift + (random.NextDouble() - 0.5) * 0.002);
            var high = Math.Max(open, close) * (1 + random.NextDouble() * 0.0005);
            var low = Math.Min(open, close) * (1 - random.NextDouble() * 0.0005);
            bars.Add(new Bar(symbol, frame, Start + frame.Duration * i, open, high, low, close, 10, 10));
        }
        return bars;
    }

    /// <summary>The bars of a shared price file, as daily bars.</summary>
    public static List<Bar> DailyBars(string file, double scale = 1)
    {
        var prices = PriceSeries.Load(file);
        return Enumerable.Range(0, prices.Length).Select(i => new Bar("X", Timeframe.Parse("D1"), Start.AddDays(i),
            prices.Open[i] * scale, prices.High[i] * scale, prices.Low[i] * scale, prices.Close[i] * scale, prices.Volume[i], 1)).ToList();
    }

    private static FeatureDefinition Define(string indicator, string? output = null, string? timeframe = null, string? name = null, string? input = null,
        params (string Name, double Value)[] parameters) =>
        new(indicator, parameters.ToDictionary(p => p.Name, p => p.Value), output, timeframe, name, input);

    private static ValidationException Invalid(params FeatureDefinition[] definitions) =>
        Should.Throw<ValidationException>(() => new FeaturePipeline(definitions, Timeframe.M1));

    [Theory]
    [InlineData("2006-day-001.txt", "talib-2006-day-001.csv")]
    [InlineData("orcl-1995-2014.txt", "talib-orcl-1995-2014.csv")]
    public void The_default_bar_set_reproduces_every_talib_reference_column(string pricesFile, string referenceFile)
    {
        var pipeline = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.Parse("D1"));
        var columns = File.ReadLines(SharedData.File(Path.Combine("reference", referenceFile))).First().Split(',')[1..];
        var expected = columns.ToDictionary(c => c, c => PriceSeries.Reference(referenceFile, c));
        var index = columns.ToDictionary(c => c, c => pipeline.Names.ToList().IndexOf(c));
        index.Where(c => c.Value < 0).Select(c => c.Key).ShouldBeEmpty("reference columns the default set does not name");

        var bars = DailyBars(pricesFile);
        for (var row = 0; row < bars.Count; row++)
        {
            pipeline.OnBar(bars[row]);
            var values = pipeline.Values;
            foreach (var column in columns)
            {
                var (actual, reference) = (values[index[column]], expected[column][row]);
                var what = $"{column} on {pricesFile}, row {row}: {actual:R} vs TA-Lib {reference:R}";
                if (double.IsNaN(reference)) double.IsNaN(actual).ShouldBeTrue(what);
                else Math.Abs(actual - reference).ShouldBeLessThanOrEqualTo(Math.Max(1e-12, Math.Abs(reference) * 1e-9), what);
            }
        }
        pipeline.IsReady.ShouldBeTrue();
    }

    [Fact]
    public void Default_names_are_unique_and_include_the_microstructure_set()
    {
        var bars = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.M1).Names;
        var all = new FeaturePipeline(DefaultFeatures.All, Timeframe.M1);
        bars.Count.ShouldBe(51, "the 42 reference columns, Bollinger %B and bandwidth, Keltner and Donchian channels, VWAP");
        all.Names.Distinct().Count().ShouldBe(all.Names.Count);
        all.Names.Take(bars.Count).ShouldBe(bars);
        all.Names.Skip(bars.Count).ShouldBe(
            ["SPREAD", "RELSPREAD", "MID", "MICROPRICE", "OFI_100", "RVOL_100", "TICKRATE_10S", "VWAPDEV_100", "ROLLSPREAD_100", "AMIHUD_100", "KYLELAMBDA_100", "AUTOCORR_100"]);
        foreach (var name in new[] { "BBPERCENTB_20_2", "BBWIDTH_20_2", "KCUPPER_20_2_10", "KCLOWER_20_2_10", "DCMIDDLE_20", "VWAP" })
            bars.ShouldContain(name);
        all.UsesTicks.ShouldBeTrue();
        all.BarTimeframes.ShouldBe([Timeframe.M1]);
    }

    [Fact]
    public void Every_catalog_indicator_builds_with_its_defaults_and_names_each_output()
    {
        foreach (var indicator in FeatureCatalog.Indicators)
        {
            var pipeline = new FeaturePipeline([new FeatureDefinition(indicator.Name)], Timeframe.M1);
            pipeline.Names.Count.ShouldBe(indicator.Outputs.Count, indicator.Name);
            pipeline.Values.ToArray().ShouldAllBe(v => double.IsNaN(v), indicator.Name);
        }
    }

    [Fact]
    public void A_vector_carries_symbol_timeframe_time_and_every_named_value()
    {
        var pipeline = new FeaturePipeline([Define("SMA", parameters: ("period", 3)), Define("RSI", parameters: ("period", 2))], Timeframe.M1);
        var sma = new Sma(3);
        var rsi = new Rsi(2);
        foreach (var bar in Walk(10))
        {
            pipeline.OnBar(bar);
            sma.Update(bar.Close);
            rsi.Update(bar.Close);
        }
        var vector = pipeline.ToVector("EURUSD", Start.AddMinutes(10));
        (vector.Symbol, vector.Timeframe, vector.Time).ShouldBe(("EURUSD", Timeframe.M1, Start.AddMinutes(10)));
        vector.Values.Keys.ShouldBe(["SMA_3", "RSI_2"]);
        vector["SMA_3"].ShouldBe(sma.Value);
        vector["RSI_2"].ShouldBe(rsi.Value);
        vector.IsComplete.ShouldBeTrue();
        Should.Throw<KeyNotFoundException>(() => vector["MACD_12_26_9"]).Message.ShouldContain("MACD_12_26_9");
    }

    [Fact]
    public void Lines_of_one_indicator_share_an_instance_and_names_follow_the_definition()
    {
        var pipeline = new FeaturePipeline(
        [
            Define("MACD"),
            Define("MACD", output: "signal", name: "trigger"),
            Define("BBANDS", name: "bands", parameters: ("deviations", 1.5)),
            Define("PLUS_DI"),
            Define("aroonosc", name: "aroon"),
        ], Timeframe.M1);
        pipeline.Names.ShouldBe(
        [
            "MACD_12_26_9", "MACDSIGNAL_12_26_9", "MACDHIST_12_26_9", "trigger",
            "bands_upper", "bands_middle", "bands_lower", "bands_percentB", "bands_bandwidth",
            "PLUS_DI_14", "aroon",
        ]);
        var macd = new Macd();
        var adx = new Adx();
        var aroon = new Aroon();
        foreach (var bar in Walk(80))
        {
            pipeline.OnBar(bar);
            macd.Update(bar.Close);
            adx.Update(bar.High, bar.Low, bar.Close);
            aroon.Update(bar.High, bar.Low, bar.Close);
        }
        var values = pipeline.Values.ToArray();
        values[1].ShouldBe(macd.Signal);
        values[3].ShouldBe(macd.Signal);
        values[9].ShouldBe(adx.Output(1));
        values[10].ShouldBe(aroon.Value);
    }

    [Fact]
    public void An_input_other_than_the_close_feeds_that_price_and_is_named()
    {
        var pipeline = new FeaturePipeline([Define("SMA", input: "volume", parameters: ("period", 2)), Define("EMA", input: "Typical", parameters: ("period", 3))], Timeframe.M1);
        pipeline.Names.ShouldBe(["SMA_2_VOLUME", "EMA_3_TYPICAL"]);
        var bars = Walk(5).Select((b, i) => b with { Volume = 10 * (i + 1) }).ToList();
        var ema = new Ema(3);
        foreach (var bar in bars)
        {
            pipeline.OnBar(bar);
            ema.Update((bar.High + bar.Low + bar.Close) / 3);
        }
        pipeline.Values[0].ShouldBe(45);
        pipeline.Values[1].ShouldBe(ema.Value);
    }

    [Fact]
    public void A_feature_of_another_timeframe_reads_its_last_closed_bar()
    {
        var pipeline = new FeaturePipeline([Define("SMA", parameters: ("period", 2)), Define("SMA", timeframe: "m5", parameters: ("period", 2))], Timeframe.M1);
        pipeline.Names.ShouldBe(["SMA_2", "SMA_2@M5"]);
        pipeline.BarTimeframes.ShouldBe([Timeframe.M1, Timeframe.M5]);
        var minutes = Walk(10);
        var fives = Walk(2, seed: 9, timeframe: Timeframe.M5);
        foreach (var bar in minutes.Take(5)) pipeline.OnBar(bar);
        double.IsNaN(pipeline.Values[1]).ShouldBeTrue();
        pipeline.OnBar(fives[0]);
        pipeline.OnBar(fives[1]);
        var fiveMinute = pipeline.Values[1];
        fiveMinute.ShouldBe((fives[0].Close + fives[1].Close) / 2, 1e-15);
        foreach (var bar in minutes.Skip(5)) pipeline.OnBar(bar);
        pipeline.Values[1].ShouldBe(fiveMinute, "M1 bars do not move an M5 feature");
        pipeline.Values[0].ShouldBe((minutes[8].Close + minutes[9].Close) / 2, 1e-15);
        pipeline.OnBar(Walk(1, timeframe: Timeframe.Parse("H1"))[0]); // no feature runs on H1: ignored
    }

    [Fact]
    public void Tick_features_follow_every_tick()
    {
        var pipeline = new FeaturePipeline([Define("SMA", parameters: ("period", 2)), Define("MICROSTRUCTURE", timeframe: "tick", parameters: ("window", 5))], Timeframe.M1);
        pipeline.Names.Skip(1).ShouldBe(["SPREAD", "RELSPREAD", "MID", "MICROPRICE", "OFI_5", "RVOL_5", "TICKRATE_10S", "VWAPDEV_5", "ROLLSPREAD_5", "AMIHUD_5", "KYLELAMBDA_5", "AUTOCORR_5"]);
        var direct = new MicrostructureFeatures(5);
        var random = new Random(4);
        for (var i = 0; i < 50; i++)
        {
            var mid = 1.1 + random.NextDouble() * 0.001;
            var tick = new Tick("EURUSD", Start.AddMilliseconds(200 * i), mid - 0.00005, mid + 0.00005, random.Next(1, 9), random.Next(1, 9),
                i % 3 == 0 ? mid : double.NaN, i % 3 == 0 ? random.Next(1, 5) : 0);
            pipeline.OnTick(tick);
            direct.Update(tick);
            for (var line = 0; line < MicrostructureFeatures.Names.Count; line++)
                pipeline.Values[1 + line].ShouldBe(direct.Output(line), $"{pipeline.Names[1 + line]} after tick {i}");
        }
        double.IsNaN(pipeline.Values[0]).ShouldBeTrue("ticks do not feed bar features");
        Should.Throw<ArgumentException>(() => pipeline.OnTick(new Tick("EURUSD", Start, 1.2, 1.1, 1, 1)));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_naming_field_and_feature()
    {
        var errors = Invalid(
            Define("RSX"),
            Define("RSI", parameters: ("period", 0)),
            Define("EMA", parameters: ("period", double.NaN)),
            Define("SMA", parameters: ("period", 2.5)),
            Define("ATR", parameters: ("perod", 14)),
            Define("MACD", output: "sig"),
            Define("MACD", parameters: [("fastPeriod", 30), ("slowPeriod", 10)]),
            Define("SMA", timeframe: "W1"),
            Define("RSI", timeframe: "tick"),
            Define("MICROSTRUCTURE", timeframe: "M1"),
            Define("ATR", input: "open"),
            Define("SMA", input: "vwap"),
            Define("SMA", name: "my feature"),
            Define("SMA", parameters: ("period", 1e9)),
            Define("PLUS_DI", output: "adx"),
            new FeatureDefinition(" ")).Errors;
        errors.Select(e => e.Field).ShouldBe(
        [
            "features[0].indicator", "features[1].parameters.period", "features[2].parameters.period", "features[3].parameters.period",
            "features[4].parameters.perod", "features[5].output", "features[6].parameters.slowPeriod", "features[7].timeframe",
            "features[8].timeframe", "features[9].timeframe", "features[10].input", "features[11].input", "features[12].name",
            "features[13].parameters.period", "features[14].output", "features[15].indicator",
        ]);
        errors[0].Message.ShouldContain("unknown indicator 'RSX'");
        errors[0].Message.ShouldContain("STOCHRSI");
        errors[1].Message.ShouldBe("RSI: period must be a whole number between 1 and 100000 (got 0)");
        errors[2].Message.ShouldBe("EMA: period must be a finite number (got NaN)");
        errors[4].Message.ShouldBe("ATR has no parameter 'perod' (it takes period)");
        errors[5].Message.ShouldBe("MACD has no output 'sig' (it has macd, signal, histogram)");
        errors[6].Message.ShouldBe("MACD: the slow period must not be shorter than the fast period (30)");
        errors[7].Message.ShouldContain("unknown unit 'W'");
        errors[9].Message.ShouldContain("runs on ticks");
        errors[10].Message.ShouldContain("ATR reads the high, low and close");
        errors[11].Message.ShouldContain("unknown input 'vwap'");
    }

    [Fact]
    public void Duplicate_names_are_refused()
    {
        Invalid(Define("SMA"), Define("EMA"), Define("SMA", parameters: ("period", 20))).Errors
            .ShouldBe([new FieldError("features[2].name", "feature name 'SMA_20' is already taken by features[0]; give one of them a name")]);
        Invalid(Define("SMA", name: "x"), Define("MACD", name: "x", output: "macd")).Errors.Single().Field.ShouldBe("features[1].name");
        new FeaturePipeline([], Timeframe.M1).Names.ShouldBeEmpty("no features is a valid, empty vector");
        FeaturePipeline.Validate([Define("SMA"), Define("SMA", name: "slow", parameters: ("period", 50))], Timeframe.M1).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Gaps_flat_stretches_and_zero_volume_never_give_infinities(int seed)
    {
        var prices = PriceSeries.Random(2_000, seed);
        var pipeline = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.M1);
        var hadValue = new bool[pipeline.Names.Count];
        var time = Start;
        var random = new Random(seed);
        for (var i = 0; i < prices.Length; i++)
        {
            time += TimeSpan.FromMinutes(random.Next(10) == 0 ? random.Next(2, 600) : 1); // missing bars: holes of up to 10 hours
            pipeline.OnBar(new Bar("X", Timeframe.M1, time, prices.Open[i], prices.High[i], prices.Low[i], prices.Close[i], prices.Volume[i], 1));
            var values = pipeline.Values;
            for (var f = 0; f < values.Length; f++)
            {
                double.IsInfinity(values[f]).ShouldBeFalse($"{pipeline.Names[f]} at bar {i}");
                if (hadValue[f]) double.IsNaN(values[f]).ShouldBeFalse($"{pipeline.Names[f]} went back to NaN at bar {i}");
                hadValue[f] |= !double.IsNaN(values[f]);
            }
        }
        pipeline.IsReady.ShouldBeTrue();
    }

    [Fact]
    public void Identical_prices_and_no_volume_give_finite_values()
    {
        var pipeline = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.M1);
        for (var i = 0; i < 300; i++) pipeline.OnBar(new Bar("X", Timeframe.M1, Start.AddMinutes(i), 1.085, 1.085, 1.085, 1.085, 0, 0));
        pipeline.IsReady.ShouldBeTrue();
        for (var f = 0; f < pipeline.Names.Count; f++) double.IsFinite(pipeline.Values[f]).ShouldBeTrue(pipeline.Names[f]);
    }

    [Theory]
    [InlineData(1.0 / 16384)]
    [InlineData(1024.0)]
    [InlineData(1e-4)]
    [InlineData(1e3)]
    public void Ratio_features_do_not_depend_on_the_price_scale(double scale)
    {
        // A power of two scales every intermediate exactly, so the features must agree to rounding: no absolute
        // threshold hides in them. Other scales round differently, which can break an exact tie between two sums of
        // prices (+DM against −DM in ADX, one typical price against the last in MFI) and move those a little, so
        // those scales compare the features that have no such tie.
        var exact = Math.Log2(scale) % 1 == 0;
        List<string> invariant =
        [
            "RSI_14", "BBPERCENTB_20_2", "BBWIDTH_20_2", "STOCHK_14_3_3", "STOCHD_14_3_3", "STOCHRSIK_14_14_3", "STOCHRSID_14_14_3", "WILLR_14",
            "CCI_20", "CMO_14", "ROC_10", "TRIX_15", "ULTOSC_7_14_28", "AROONOSC_14", "NATR_14",
        ];
        if (exact) invariant.AddRange(["ADX_14", "PLUS_DI_14", "MINUS_DI_14", "MFI_14"]);
        var tolerance = exact ? 1e-12 : 1e-7;
        var plain = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.Parse("D1"));
        var scaled = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.Parse("D1"));
        var original = DailyBars("orcl-1995-2014.txt");
        var rescaled = DailyBars("orcl-1995-2014.txt", scale);
        for (var i = 0; i < original.Count; i++)
        {
            plain.OnBar(original[i]);
            scaled.OnBar(rescaled[i]);
            if (i % 97 != 0) continue;
            foreach (var name in invariant)
            {
                var f = plain.Names.ToList().IndexOf(name);
                var (a, b) = (plain.Values[f], scaled.Values[f]);
                if (double.IsNaN(a)) double.IsNaN(b).ShouldBeTrue(name);
                else Math.Abs(a - b).ShouldBeLessThanOrEqualTo(tolerance * Math.Max(1, Math.Abs(a)), $"{name} at bar {i}: {a:R} vs {b:R} scaled by {scale}");
            }
        }
    }

    [Fact]
    public void A_bad_bar_is_refused_before_any_feature_changes()
    {
        var pipeline = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.M1);
        var clean = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.M1);
        var bars = Walk(60);
        foreach (var bar in bars.Take(40))
        {
            pipeline.OnBar(bar);
            clean.OnBar(bar);
        }
        var next = bars[40];
        (string Field, Bar Bar)[] broken =
        [
            ("close", next with { Close = double.NaN }),
            ("high", next with { High = double.PositiveInfinity }),
            ("volume", next with { Volume = -1 }),
            ("high", next with { High = next.Low - 0.001 }),
            ("openTime", bars[39]),
            ("openTime", bars[10]),
        ];
        foreach (var (field, bar) in broken)
        {
            var error = Should.Throw<ArgumentException>(() => pipeline.OnBar(bar));
            error.ParamName.ShouldBe(field);
            error.Message.ShouldContain("EURUSD M1 bar opened at");
        }
        foreach (var bar in bars.Skip(40))
        {
            pipeline.OnBar(bar);
            clean.OnBar(bar);
        }
        pipeline.Values.ToArray().ShouldBe(clean.Values.ToArray());
    }

    [Fact]
    public void Reset_starts_again_from_nothing()
    {
        var bars = Walk(80, seed: 3);
        var pipeline = new FeaturePipeline(DefaultFeatures.All, Timeframe.M1);
        var first = bars.Select(b => { pipeline.OnBar(b); return pipeline.Values.ToArray(); }).ToList();
        pipeline.Reset();
        pipeline.IsReady.ShouldBeFalse();
        pipeline.Values.ToArray().ShouldAllBe(v => double.IsNaN(v));
        for (var i = 0; i < bars.Count; i++)
        {
            pipeline.OnBar(bars[i]);
            pipeline.Values.ToArray().ShouldBe(first[i], $"bar {i}");
        }
    }

    [Fact]
    public void Updates_allocate_nothing()
    {
        var pipeline = new FeaturePipeline(DefaultFeatures.All, Timeframe.M1);
        var bars = Walk(2_000).ToArray();
        var ticks = Enumerable.Range(0, 2_000).Select(i => new Tick("EURUSD", Start.AddMilliseconds(250 * i), 1.1, 1.1001 + i % 7 * 1e-5, 1e6, 2e6, i % 2 == 0 ? 1.1 : double.NaN, i % 2)).ToArray();
        void Run(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                pipeline.OnTick(ticks[i]);
                pipeline.OnBar(bars[i]);
                _ = pipeline.Values[0];
            }
        }
        Run(0, 1_000); // warm-up: JIT and every indicator's first-value path
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(1_000, 2_000);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void Completeness_means_every_value_is_finite()
    {
        var values = new Dictionary<string, double> { ["A"] = 1, ["B"] = 2 };
        new FeatureVector("X", Timeframe.M1, Start, values).IsComplete.ShouldBeTrue();
        values["B"] = double.PositiveInfinity;
        new FeatureVector("X", Timeframe.M1, Start, values).IsComplete.ShouldBeFalse();
    }
}
