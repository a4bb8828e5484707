using System.Globalization;
using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Features.Microstructure;

public sealed class MicrostructureFeaturesTests
{
    private const string Symbol = "ES";
    private static readonly DateTimeOffset Start = new(2024, 3, 1, 14, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static DateTimeOffset At(double seconds) => Start.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    private static Tick Quote(double seconds, double bid, double ask, double bidSize = 1, double askSize = 1) =>
        new(Symbol, At(seconds), bid, ask, bidSize, askSize);

    /// <summary>A trade-only tick: bid = ask = trade price, no book sizes.</summary>
    private static Tick Trade(double seconds, double price, double size) => new(Symbol, At(seconds), price, price, 0, 0, price, size);

    /// <summary>
    /// Quotes and trades on a 0.01 grid with a random walk of the mid, spreads of 0 to 3 ticks, fractional sizes over
    /// five orders of magnitude (some zero), trades at the bid, the ask or inside, repeated timestamps and gaps longer
    /// than the intensity window.
    /// </summary>
    private static Tick[] RandomTicks(int count, int seed)
    {
        var random = new Random(seed);
        var ticks = new Tick[count];
        var time = Start;
        var level = 10_000; // in 0.01
        for (var i = 0; i < count; i++)
        {
            time += random.Next(10) switch
            {
                0 or 1 => TimeSpan.Zero,
                2 => TimeSpan.FromSeconds(random.Next(5, 40)),
                _ => TimeSpan.FromTicks(random.NextInt64(1, 5_000_000)),
            };
            level = Math.Max(100, level + random.Next(3) switch { 0 => 0, 1 => random.Next(1, 4), _ => -random.Next(1, 4) });
            var spread = random.Next(4);
            var bid = level * 0.01;
            var ask = (level + spread) * 0.01;
            double Size() => random.Next(8) == 0 ? 0 : Math.Round(Math.Exp(random.NextDouble() * 11 - 3), 3);
            if (random.Next(5) < 2)
            {
                var price = random.Next(3) switch { 0 => bid, 1 => ask, _ => (level + random.Next(spread + 1)) * 0.01 };
                ticks[i] = new Tick(Symbol, time, bid, ask, Size(), Size(), price, Size());
            }
            else ticks[i] = new Tick(Symbol, time, bid, ask, Size(), Size());
        }
        return ticks;
    }

    /// <summary>The trades of ticksample.csv: each row a trade at Close of size Volume.</summary>
    private static Tick[] SampleTrades(bool withBook)
    {
        var lines = File.ReadAllLines(SharedData.File("ticksample.csv")).Where(l => l.Length > 0).Skip(1);
        return lines.Select(line =>
        {
            var cells = line.Split(',');
            var time = DateTimeOffset.ParseExact(cells[0], "yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var price = double.Parse(cells[4], CultureInfo.InvariantCulture);
            var size = double.Parse(cells[5], CultureInfo.InvariantCulture);
            // Trade-only feed: bid = ask = trade price; with a book: bid/ask one 1.0 price tick apart around the trade.
            return withBook
                ? new Tick(Symbol, time, price - 0.5, price + 0.5, 1, 1, price, size)
                : new Tick(Symbol, time, price, price, 0, 0, price, size);
        }).ToArray();
    }

    private static double[][] Stream(MicrostructureFeatures features, IEnumerable<Tick> ticks) =>
        ticks.Select(tick =>
        {
            features.Update(tick);
            return Enumerable.Range(0, MicrostructureReference.Outputs).Select(features.Output).ToArray();
        }).ToArray();

    /// <summary>Every output after every tick equals the naive recomputation within 1e-9 relative (1e-12 absolute near 0).</summary>
    private static void ShouldMatchNaive(IReadOnlyList<Tick> ticks, int window, TimeSpan intensityWindow)
    {
        var expected = MicrostructureReference.All(ticks, window, intensityWindow);
        var features = new MicrostructureFeatures(window, intensityWindow);
        var batch = new double[ticks.Count * MicrostructureReference.Outputs];
        MicrostructureFeatures.Compute(ticks.ToArray(), batch, window, intensityWindow);
        for (var n = 0; n < ticks.Count; n++)
        {
            features.Update(ticks[n]);
            features.TickCount.ShouldBe(n + 1);
            features.IsReady.ShouldBe(n + 1 >= window + 1);
            for (var j = 0; j < MicrostructureReference.Outputs; j++)
            {
                var (actual, want) = (features.Output(j), expected[n][j]);
                batch[n * MicrostructureReference.Outputs + j].ShouldBe(actual);
                if (double.IsNaN(want))
                {
                    actual.ShouldBe(double.NaN, $"{MicrostructureFeatures.Names[j]} at tick {n}");
                    continue;
                }
                double.IsFinite(actual).ShouldBeTrue($"{MicrostructureFeatures.Names[j]} at tick {n}");
                Math.Abs(actual - want).ShouldBeLessThanOrEqualTo(1e-9 * Math.Abs(want) + 1e-12, $"{MicrostructureFeatures.Names[j]} at tick {n}: {actual} vs {want}");
            }
        }
    }

    [Theory]
    [InlineData(3, 20_000, 1)]
    [InlineData(50, 100_000, 2)]
    [InlineData(257, 30_000, 3)]
    public void Random_quotes_and_trades_equal_a_naive_recomputation(int window, int count, int seed) =>
        ShouldMatchNaive(RandomTicks(count, seed), window, TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData(false, 20)]
    [InlineData(true, 20)]
    [InlineData(false, 3)]
    [InlineData(true, 134)]
    public void Real_trades_of_ticksample_equal_a_naive_recomputation(bool withBook, int window) =>
        ShouldMatchNaive(SampleTrades(withBook), window, TimeSpan.FromSeconds(5));

    private static MicrostructureFeatures Feed(int window, IEnumerable<Tick> ticks, TimeSpan? intensityWindow = null)
    {
        var features = new MicrostructureFeatures(window, intensityWindow);
        foreach (var tick in ticks) features.Update(tick);
        return features;
    }

    private static void ShouldAllBeFinite(MicrostructureFeatures features)
    {
        for (var j = 0; j < MicrostructureReference.Outputs; j++)
            double.IsFinite(features.Output(j)).ShouldBeTrue(MicrostructureFeatures.Names[j]);
    }

    [Fact]
    public void Names_defaults_and_warm_up()
    {
        MicrostructureFeatures.Names.ShouldBe(["spread", "relativeSpread", "mid", "microPrice", "orderFlowImbalance", "realizedVolatility",
            "tickIntensity", "vwapDeviation", "rollSpread", "amihudIlliquidity", "kyleLambda", "returnAutocorrelation"]);
        var features = new MicrostructureFeatures();
        features.OutputNames.ShouldBeSameAs(MicrostructureFeatures.Names);
        features.Window.ShouldBe(100);
        features.IntensityWindow.ShouldBe(TimeSpan.FromSeconds(10));
        features.WarmUpPeriod.ShouldBe(101);
        features.IsReady.ShouldBeFalse();
        for (var j = 0; j < MicrostructureReference.Outputs; j++) features.Output(j).ShouldBe(double.NaN);
    }

    [Fact]
    public void Each_output_is_defined_from_its_documented_tick()
    {
        const int window = 5;
        // First defined at tick: 1 for the book and the intensity, N for the tick sums, N + 1 for the return statistics.
        int[] first = [1, 1, 1, 1, window, window + 1, 1, window, window + 1, window + 1, window + 1, window + 1];
        var random = RandomTicks(12, 9);
        var features = new MicrostructureFeatures(window);
        for (var n = 1; n <= random.Length; n++)
        {
            features.Update(random[n - 1]);
            features.IsReady.ShouldBe(n >= features.WarmUpPeriod);
            for (var j = 0; j < MicrostructureReference.Outputs; j++)
                double.IsNaN(features.Output(j)).ShouldBe(n < first[j], $"{MicrostructureFeatures.Names[j]} at tick {n}");
        }
    }

    [Fact]
    public void Micro_price_weights_the_far_side_by_the_near_size()
    {
        // (100·1 + 101·3)/(3 + 1) = 100.75: a heavy bid pulls the fair price towards the ask.
        var features = Feed(3, [Quote(0, 100, 101, bidSize: 3, askSize: 1)]);
        features.MicroPrice.ShouldBe(100.75, 1e-12);
        features.Spread.ShouldBe(1);
        features.Mid.ShouldBe(100.5);
        features.RelativeSpread.ShouldBe(1 / 100.5, 1e-15);
        Feed(3, [Quote(0, 100, 101, 0, 0)]).MicroPrice.ShouldBe(100.5); // no sizes: the mid
        Feed(3, [Quote(0, 100, 101, 0, 5)]).MicroPrice.ShouldBe(100);   // only an ask size: the bid
        Feed(3, [Quote(0, 100, 101, 5, 0)]).MicroPrice.ShouldBe(101);
        Feed(3, [Quote(0, 100, 101, 1e308, 1e308)]).MicroPrice.ShouldBe(100.5); // no overflow
        Feed(3, [Trade(0, 50, 3)]).MicroPrice.ShouldBe(50);                     // trade-only: bid = ask
    }

    [Fact]
    public void Tick_rule_carries_the_sign_over_unchanged_prices()
    {
        // Quote mids 10, 10, 11, 11, 10, 10, 12: signs 0 (no move yet), 0, +1, +1 (carried), −1, −1 (carried), +1.
        double[] mids = [10, 10, 11, 11, 10, 10, 12];
        var features = new MicrostructureFeatures(7);
        for (var i = 0; i < mids.Length; i++)
        {
            features.Update(Quote(i, mids[i] - 0.5, mids[i] + 0.5));
            if (i < 6) features.OrderFlowImbalance.ShouldBe(double.NaN);
        }
        features.OrderFlowImbalance.ShouldBe(1.0 / 7, 1e-15); // (0 + 0 + 1 + 1 − 1 − 1 + 1)/7, each quote of volume 1

        // Trades weigh by size: 10×2 (0), 11×3 (+3), 11×5 (carried: +5), 10×1 (−1) → 7/11.
        Feed(4, [Trade(0, 10, 2), Trade(1, 11, 3), Trade(2, 11, 5), Trade(3, 10, 1)]).OrderFlowImbalance.ShouldBe(7.0 / 11, 1e-15);
        // A first move down: 0, 0, −1 → −1/3; a quote at the last trade price carries its sign with volume 1.
        Feed(3, [Trade(0, 10, 1), Trade(1, 10, 1), Trade(2, 9, 1)]).OrderFlowImbalance.ShouldBe(-1.0 / 3, 1e-15);
        Feed(3, [Trade(0, 10, 4), Trade(1, 11, 2), Quote(2, 10.5, 11.5)]).OrderFlowImbalance.ShouldBe(3.0 / 7, 1e-15);
    }

    [Fact]
    public void Bid_ask_bounce_gives_Roll_spread_and_negative_autocorrelation()
    {
        // Trades 10, 11, 10, 11, 10 of size 1, window 4: Δp = +1, −1, +1, −1; pairs (Δp₋₁, Δp) = (1,−1), (−1,1), (1,−1):
        // means 1/3 and −1/3, Σ(x−x̄)(y−ȳ) = −4/9 − 16/9 − 4/9 = −8/3, sample covariance −8/3 / 2 = −4/3 → Roll 2·sqrt(4/3).
        var features = Feed(4, [Trade(0, 10, 1), Trade(1, 11, 1), Trade(2, 10, 1), Trade(3, 11, 1), Trade(4, 10, 1)]);
        features.IsReady.ShouldBeTrue();
        features.RollSpread.ShouldBe(2 * Math.Sqrt(4.0 / 3), 1e-12);
        features.ReturnAutocorrelation.ShouldBe(-1, 1e-12);
        features.KyleLambda.ShouldBe(1, 1e-12);           // Δp = q = ±1
        features.OrderFlowImbalance.ShouldBe(0, 1e-15);   // +1 −1 +1 −1
        features.RealizedVolatility.ShouldBe(2 * Math.Log(1.1), 1e-12);
        features.AmihudIlliquidity.ShouldBe(Math.Log(1.1) * (1.0 / 11 + 1.0 / 10) / 2, 1e-15);
        features.VwapDeviation.ShouldBe((10 - 10.5) / 10.5, 1e-15);
        features.Spread.ShouldBe(0);
    }

    [Fact]
    public void Roll_spread_is_zero_when_the_serial_covariance_is_not_negative()
    {
        // Constant changes (covariance 0) and accelerating ones ((1,2), (2,3), (3,4): covariance +1).
        var trend = Feed(4, [Trade(0, 10, 1), Trade(1, 11, 1), Trade(2, 12, 1), Trade(3, 13, 1), Trade(4, 14, 1)]);
        trend.RollSpread.ShouldBe(0);
        trend.ReturnAutocorrelation.ShouldBeInRange(-1, 1);
        trend.KyleLambda.ShouldBe(0); // q = +1 throughout: zero variance
        trend.OrderFlowImbalance.ShouldBe(1);
        var accelerating = Feed(4, [Trade(0, 10, 1), Trade(1, 11, 1), Trade(2, 13, 1), Trade(3, 16, 1), Trade(4, 20, 1)]);
        accelerating.RollSpread.ShouldBe(0);
        // One more tick turns the last change around: pairs (2,3), (3,4), (4,−1), means 3 and 2,
        // Σ(x−x̄)(y−ȳ) = −1 + 0 − 3 = −4, sample covariance −2 → Roll 2·sqrt(2).
        accelerating.Update(Trade(5, 19, 1));
        accelerating.RollSpread.ShouldBe(2 * Math.Sqrt(2), 1e-12);
    }

    [Fact]
    public void Tick_intensity_counts_100_buckets_and_expires_them()
    {
        // 1 s window: buckets of 10 ms from the first tick; the count covers the current bucket and the 99 before it.
        var features = new MicrostructureFeatures(3, Second);
        (double Seconds, double Expected)[] steps = [(0, 1), (0.5, 2), (0.995, 3), (1.0, 3), (1.499, 4), (1.5, 4), (1.5, 5), (30, 1)];
        foreach (var (seconds, expected) in steps)
        {
            features.Update(Quote(seconds, 10, 10.5));
            features.TickIntensity.ShouldBe(expected, 1e-12, $"at {seconds} s");
        }
        // Resolution: a tick expires with its bucket, up to one bucket early. At 1.012 s (bucket 101) the tick of
        // 0.015 s (bucket 1) no longer counts although it is less than 1 s old.
        var early = Feed(3, [Quote(0, 10, 10.5), Quote(0.015, 10, 10.5), Quote(1.012, 10, 10.5)], Second);
        early.TickIntensity.ShouldBe(1);
        // Default 10 s window: a burst of 50 ticks at one timestamp reads 5 ticks per second.
        Feed(3, Enumerable.Range(0, 50).Select(i => Quote(0, 10 + i % 3, 11 + i % 3))).TickIntensity.ShouldBe(5, 1e-12);
    }

    [Fact]
    public void Tick_intensity_lies_between_the_exact_counts_one_bucket_apart()
    {
        var ticks = RandomTicks(5_000, 11);
        var window = TimeSpan.FromSeconds(10);
        var bucket = window / 100;
        var features = new MicrostructureFeatures(3, window);
        for (var n = 0; n < ticks.Length; n++)
        {
            features.Update(ticks[n]);
            var now = ticks[n].Time;
            var counted = features.TickIntensity * window.TotalSeconds;
            var upper = ticks.Take(n + 1).Count(t => t.Time > now - window);
            var lower = ticks.Take(n + 1).Count(t => t.Time >= now - window + bucket);
            counted.ShouldBeInRange(lower - 1e-9, upper + 1e-9, $"at tick {n}");
        }
    }

    [Fact]
    public void Identical_quotes_give_neutral_values()
    {
        var features = Feed(5, Enumerable.Range(0, 20).Select(i => Quote(i, 100, 100.5, 2, 3)));
        features.IsReady.ShouldBeTrue();
        ShouldAllBeFinite(features);
        features.Spread.ShouldBe(0.5);
        features.MicroPrice.ShouldBe((100 * 3 + 100.5 * 2) / 5.0, 1e-12);
        foreach (var value in new[] { features.OrderFlowImbalance, features.RealizedVolatility, features.VwapDeviation, features.RollSpread,
                     features.AmihudIlliquidity, features.KyleLambda, features.ReturnAutocorrelation })
            value.ShouldBe(0);
    }

    [Fact]
    public void Identical_trades_of_a_trade_only_feed_give_neutral_values()
    {
        var features = Feed(5, Enumerable.Range(0, 20).Select(i => Trade(i * 0.1, 50, 3)));
        ShouldAllBeFinite(features);
        features.Spread.ShouldBe(0);
        features.RelativeSpread.ShouldBe(0);
        features.MicroPrice.ShouldBe(50);
        features.TickIntensity.ShouldBe(2, 1e-12); // 20 ticks in 2 s, within the 10 s window
        foreach (var value in new[] { features.OrderFlowImbalance, features.RealizedVolatility, features.VwapDeviation, features.RollSpread,
                     features.AmihudIlliquidity, features.KyleLambda, features.ReturnAutocorrelation })
            value.ShouldBe(0);
    }

    [Fact]
    public void Identical_prices_after_moves_return_exactly_to_neutral_values()
    {
        var ticks = RandomTicks(200, 5).Concat(Enumerable.Range(0, 40).Select(i => Trade(1e6 + i, 77.25, 1.5))).ToArray();
        var features = Feed(8, ticks);
        features.OrderFlowImbalance.ShouldBe(-1); // the move down to 77.25 is carried over the unchanged trades
        foreach (var value in new[] { features.RealizedVolatility, features.VwapDeviation, features.RollSpread,
                     features.AmihudIlliquidity, features.KyleLambda, features.ReturnAutocorrelation })
            value.ShouldBe(0);
    }

    [Fact]
    public void Zero_sizes_give_finite_values()
    {
        // Trades of size 0 carry no volume: no VWAP, no Amihud terms, no order flow; the prices still move.
        var trades = Enumerable.Range(0, 30).Select(i => Trade(i, 100 + i % 4, 0)).ToArray();
        var features = Feed(6, trades);
        ShouldAllBeFinite(features);
        features.OrderFlowImbalance.ShouldBe(0);
        features.VwapDeviation.ShouldBe(0);
        features.AmihudIlliquidity.ShouldBe(0);
        features.KyleLambda.ShouldBe(0); // q = 0 throughout
        features.RealizedVolatility.ShouldBeGreaterThan(0);
        ShouldMatchNaive(trades, 6, TimeSpan.FromSeconds(10));
        // Book without sizes: the micro-price is the mid.
        var quotes = Enumerable.Range(0, 30).Select(i => Quote(i, 100 + i % 3, 101 + i % 3, 0, 0)).ToArray();
        Feed(6, quotes).MicroPrice.ShouldBe(102.5);
        ShouldMatchNaive(quotes, 6, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Quote_only_feeds_have_no_trade_features()
    {
        var random = new Random(3);
        var mid = 50.0;
        var quotes = Enumerable.Range(0, 500).Select(i =>
        {
            mid = Math.Max(1, mid + (random.Next(3) - 1) * 0.25);
            return Quote(i * 0.3, mid - 0.125 * random.Next(1, 3), mid + 0.125 * random.Next(1, 3), random.Next(0, 9), random.Next(0, 9));
        }).ToArray();
        var features = new MicrostructureFeatures(20);
        foreach (var quote in quotes)
        {
            features.Update(quote);
            if (!features.IsReady) continue;
            features.VwapDeviation.ShouldBe(0);
            features.AmihudIlliquidity.ShouldBe(0);
            ShouldAllBeFinite(features);
        }
        ShouldMatchNaive(quotes, 20, TimeSpan.FromSeconds(10));
        // Strictly rising quotes: every sign +1, so full buying pressure and no signed-volume variance.
        var rising = Feed(4, Enumerable.Range(0, 10).Select(i => Quote(i, 10 + i, 10.5 + i)));
        rising.OrderFlowImbalance.ShouldBe(1);
        rising.KyleLambda.ShouldBe(0);
    }

    [Fact]
    public void One_tick_defines_only_the_book_and_the_intensity()
    {
        var features = Feed(3, [Quote(0, 99, 101, 1, 3)]);
        features.TickCount.ShouldBe(1);
        features.IsReady.ShouldBeFalse();
        features.Spread.ShouldBe(2);
        features.Mid.ShouldBe(100);
        features.MicroPrice.ShouldBe(99.5, 1e-12);
        features.TickIntensity.ShouldBe(0.1, 1e-15); // 1 tick over the default 10 s
        foreach (var j in new[] { 4, 5, 7, 8, 9, 10, 11 }) features.Output(j).ShouldBe(double.NaN);
    }

    [Fact]
    public void Bursts_at_one_timestamp_are_accepted_and_counted()
    {
        var ticks = Enumerable.Range(0, 300).Select(i => i % 60 < 50
            ? Trade(i / 60 * 2.0, 100 + (i * 7 % 5), 1 + i % 4)
            : Quote(i / 60 * 2.0, 99 + i % 2, 101)).ToArray();
        ShouldMatchNaive(ticks, 10, TimeSpan.FromSeconds(3));
        var features = Feed(10, ticks, TimeSpan.FromSeconds(3));
        features.TickIntensity.ShouldBe(120 / 3.0, 1e-12); // the bursts at 6 s and 8 s
    }

    [Fact]
    public void Reset_returns_to_the_constructed_state()
    {
        var ticks = RandomTicks(1_000, 4);
        var features = Feed(30, ticks);
        features.Reset();
        features.TickCount.ShouldBe(0);
        features.IsReady.ShouldBeFalse();
        for (var j = 0; j < MicrostructureReference.Outputs; j++) features.Output(j).ShouldBe(double.NaN);
        // After a reset an earlier time is a fresh start, and the outputs repeat those of a fresh instance.
        var fresh = new MicrostructureFeatures(30);
        foreach (var tick in ticks.Take(300))
        {
            features.Update(tick);
            fresh.Update(tick);
            for (var j = 0; j < MicrostructureReference.Outputs; j++) features.Output(j).ShouldBe(fresh.Output(j));
        }
    }

    [Fact]
    public void Updates_allocate_nothing()
    {
        var ticks = RandomTicks(200_000, 8);
        var features = new MicrostructureFeatures(64);
        for (var i = 0; i < 2_000; i++) features.Update(ticks[i]);
        var sum = 0.0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 2_000; i < ticks.Length; i++)
        {
            features.Update(ticks[i]);
            sum += features.Output(i % MicrostructureReference.Outputs) + features.KyleLambda;
        }
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        double.IsFinite(sum).ShouldBeTrue();
    }

    public static TheoryData<Tick, string> InvalidTicks() => new()
    {
        { Quote(1, 0, 1), "bid" },
        { Quote(1, -1, 1), "bid" },
        { Quote(1, double.NaN, 1), "bid" },
        { Quote(1, double.PositiveInfinity, 1), "bid" },
        { Quote(1, 1, 0), "ask" },
        { Quote(1, 1, double.NaN), "ask" },
        { Quote(1, 1, double.PositiveInfinity), "ask" },
        { Quote(1, 1.01, 1), "ask" },
        { Quote(1, 1, 1.01, bidSize: -1), "bidSize" },
        { Quote(1, 1, 1.01, bidSize: double.NaN), "bidSize" },
        { Quote(1, 1, 1.01, askSize: double.PositiveInfinity), "askSize" },
        { Quote(1, 1, 1.01, askSize: -0.5), "askSize" },
        { new Tick(Symbol, At(1), 1, 1.01, 1, 1, 0, 1), "lastPrice" },
        { new Tick(Symbol, At(1), 1, 1.01, 1, 1, -1, 1), "lastPrice" },
        { new Tick(Symbol, At(1), 1, 1.01, 1, 1, double.PositiveInfinity, 1), "lastPrice" },
        { new Tick(Symbol, At(1), 1, 1.01, 1, 1, 1, -1), "lastSize" },
        { new Tick(Symbol, At(1), 1, 1.01, 1, 1, 1, double.NaN), "lastSize" },
        { Quote(0.5, 1, 1.01), "time" },
    };

    [Theory]
    [MemberData(nameof(InvalidTicks))]
    public void Invalid_ticks_are_refused_naming_the_field_and_change_nothing(Tick tick, string field)
    {
        var features = Feed(3, [Quote(1, 1, 1.01)]);
        var error = Should.Throw<ArgumentException>(() => features.Update(tick));
        error.ParamName.ShouldBe(field);
        if (field != "ask" && field != "time") error.ShouldBeOfType<ArgumentOutOfRangeException>();
        features.TickCount.ShouldBe(1);
        features.Update(Quote(1, 1, 1.01)); // an equal time is accepted
        features.TickCount.ShouldBe(2);
    }

    [Fact]
    public void Invalid_arguments_are_refused_naming_the_parameter()
    {
        foreach (var window in new[] { -1, 0, 1, 2, MicrostructureFeatures.MaxWindow + 1 })
            Should.Throw<ArgumentOutOfRangeException>(() => new MicrostructureFeatures(window)).ParamName.ShouldBe("window");
        foreach (var span in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(-1), TimeSpan.FromHours(1) + TimeSpan.FromTicks(1) })
            Should.Throw<ArgumentOutOfRangeException>(() => new MicrostructureFeatures(3, span)).ParamName.ShouldBe("intensityWindow");
        new MicrostructureFeatures(3, TimeSpan.FromHours(1)).IntensityWindow.ShouldBe(TimeSpan.FromHours(1));
        new MicrostructureFeatures(3, TimeSpan.FromTicks(1)).Update(Quote(0, 1, 2));
        var features = new MicrostructureFeatures(3);
        Should.Throw<ArgumentOutOfRangeException>(() => features.Output(-1)).ParamName.ShouldBe("index");
        Should.Throw<ArgumentOutOfRangeException>(() => features.Output(12)).ParamName.ShouldBe("index");
        Tick[] ticks = [Quote(0, 1, 2), Quote(1, 1, 2)];
        Should.Throw<ArgumentException>(() => MicrostructureFeatures.Compute(ticks, new double[23], 3, Second)).ParamName.ShouldBe("output");
        Should.Throw<ArgumentOutOfRangeException>(() => MicrostructureFeatures.Compute(ticks, new double[24], 2, Second)).ParamName.ShouldBe("window");
    }
}
