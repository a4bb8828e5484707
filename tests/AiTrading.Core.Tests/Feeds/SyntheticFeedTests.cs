using AiTrading.Connectors.Feeds;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Feeds;

public sealed class SyntheticFeedTests
{
    private static SyntheticFeedOptions Fast(int seed = 42, long maxTicks = 50_000) => new() { Seed = seed, Speed = 0, MaxTicks = maxTicks };

    private static async Task<List<Tick>> ReadAll(IMarketDataFeed feed, List<int>? batchSizes = null)
    {
        var ticks = new List<Tick>();
        await foreach (var batch in feed.ReadAsync(CancellationToken.None))
        {
            batchSizes?.Add(batch.Count);
            ticks.AddRange(batch);
        }
        return ticks;
    }

    [Fact]
    public async Task The_same_options_give_the_same_ticks_and_another_seed_does_not()
    {
        var a = await ReadAll(new SyntheticFeed(Fast(), new NoWaitingTimeProvider()));
        var b = await ReadAll(new SyntheticFeed(Fast()));
        a.Count.ShouldBe(50_000);
        b.SequenceEqual(a).ShouldBeTrue();

        var other = await ReadAll(new SyntheticFeed(Fast(seed: 7)));
        other.Count.ShouldBe(50_000);
        other.Zip(a).Count(p => p.First == p.Second).ShouldBeLessThan(10);
    }

    [Fact]
    public async Task Pacing_does_not_change_the_ticks()
    {
        var fast = await ReadAll(new SyntheticFeed(Fast(maxTicks: 5_000)));
        var paced = await ReadAll(new SyntheticFeed(Fast(maxTicks: 5_000) with { Speed = 600, Backfill = TimeSpan.FromSeconds(30) }, new AutoAdvancingTimeProvider()));
        paced.SequenceEqual(fast).ShouldBeTrue();
    }

    [Fact]
    public async Task Quotes_are_sane_on_the_tick_grid_and_in_time_order()
    {
        var feed = new SyntheticFeed(Fast(maxTicks: 100_000));
        var sizes = new List<int>();
        var ticks = await ReadAll(feed, sizes);
        sizes.ShouldAllBe(n => n > 0 && n <= 1024);
        feed.Instruments.Select(i => i.Symbol).ShouldBe(["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"]);
        ticks.Select(t => t.Symbol).Distinct().ShouldBe(["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"], ignoreOrder: true);
        ticks[0].Time.ShouldBeGreaterThanOrEqualTo(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));

        var last = new Dictionary<string, DateTimeOffset>();
        for (var i = 0; i < ticks.Count; i++)
        {
            var t = ticks[i];
            var spec = InstrumentCatalog.Default[t.Symbol];
            if (i > 0) t.Time.ShouldBeGreaterThanOrEqualTo(ticks[i - 1].Time, $"tick {i}");
            if (last.TryGetValue(t.Symbol, out var previous)) t.Time.ShouldBeGreaterThan(previous, $"{t.Symbol} tick {i}");
            last[t.Symbol] = t.Time;
            t.Ask.ShouldBeGreaterThan(t.Bid, $"tick {i}");
            (t.Spread / spec.TickSize).ShouldBeGreaterThan(0.999);
            Math.Abs(t.Bid / spec.TickSize - Math.Round(t.Bid / spec.TickSize)).ShouldBeLessThan(1e-6, $"bid {t.Bid} of {t.Symbol} off the tick grid");
            Math.Abs(t.Ask / spec.TickSize - Math.Round(t.Ask / spec.TickSize)).ShouldBeLessThan(1e-6, $"ask {t.Ask} of {t.Symbol} off the tick grid");
            t.BidSize.ShouldBeInRange(spec.QuoteSize * 0.5, spec.QuoteSize * 1.5);
            t.AskSize.ShouldBeInRange(spec.QuoteSize * 0.5, spec.QuoteSize * 1.5);
            t.HasTrade.ShouldBeFalse();
        }
        foreach (var group in ticks.GroupBy(t => t.Symbol))
        {
            var spec = InstrumentCatalog.Default[group.Key];
            var meanSpread = group.Average(t => t.Spread);
            meanSpread.ShouldBeInRange(spec.TypicalSpread * 0.8, spec.TypicalSpread * 1.25, group.Key);
        }
    }

    [Fact]
    public async Task Realised_volatility_and_tick_rate_follow_the_instrument_specs()
    {
        var ticks = await ReadAll(new SyntheticFeed(Fast(seed: 3, maxTicks: 200_000)));
        foreach (var group in ticks.GroupBy(t => t.Symbol))
        {
            var spec = InstrumentCatalog.Default[group.Key];
            var series = group.ToList();
            var seconds = (series[^1].Time - series[0].Time).TotalSeconds;
            (series.Count / seconds).ShouldBeInRange(spec.TicksPerSecond * 0.95, spec.TicksPerSecond * 1.05, $"{group.Key} tick rate");

            // Mid sampled every 10 s, so the half-tick rounding of quotes does not inflate the estimate.
            var step = TimeSpan.FromSeconds(10);
            var sampleAt = series[0].Time + step;
            var previousMid = series[0].Mid;
            double sumSquares = 0;
            var returns = 0;
            for (var i = 1; i < series.Count; i++)
            {
                // Every sample time up to this tick sees the quote before it.
                while (sampleAt <= series[i].Time)
                {
                    var mid = series[i - 1].Mid;
                    sumSquares += Math.Pow(Math.Log(mid / previousMid), 2);
                    previousMid = mid;
                    returns++;
                    sampleAt += step;
                }
            }
            returns.ShouldBeGreaterThan(500);
            var annualised = Math.Sqrt(sumSquares / (returns * step.TotalSeconds) * 365 * 24 * 3600);
            annualised.ShouldBeInRange(spec.AnnualVolatility * 0.7, spec.AnnualVolatility * 1.3, $"{group.Key} realised volatility");
        }
    }

    [Fact]
    public async Task Backfill_goes_out_at_once_then_simulated_time_runs_at_speed_times_wall_time()
    {
        var clock = new AutoAdvancingTimeProvider();
        var options = new SyntheticFeedOptions
        {
            Symbols = ["EURUSD", "XAUUSD"], Speed = 60, Backfill = TimeSpan.FromMinutes(10), BatchInterval = TimeSpan.FromMilliseconds(50),
        };
        var liveFrom = options.Start + options.Backfill;
        var feed = new SyntheticFeed(options, clock);
        var previousDue = liveFrom;
        var pacedBatches = 0;
        await foreach (var batch in feed.ReadAsync(CancellationToken.None))
        {
            if (batch[^1].Time < liveFrom)
            {
                clock.TimersCreated.ShouldBe(0); // the backfill never waits
                continue;
            }
            var due = liveFrom + clock.Elapsed * options.Speed;
            batch.ShouldAllBe(t => t.Time <= due, "a tick came out before its simulated time");
            if (pacedBatches > 0) batch[0].Time.ShouldBeGreaterThan(previousDue, "a tick came out a batch late");
            (due - previousDue).ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(3)); // 50 ms of wall time at 60x
            previousDue = due;
            if (++pacedBatches == 200) break;
        }
        // 200 paced batches of 3 simulated seconds each: 10 simulated minutes in 10 s of (fake) wall time.
        clock.Elapsed.ShouldBe(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Reading_stops_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var feed = new SyntheticFeed(new SyntheticFeedOptions { Speed = 0 });
        var batches = 0;
        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in feed.ReadAsync(cancel.Token))
                if (++batches == 3) cancel.Cancel();
        });
        batches.ShouldBe(3);
    }

    [Theory]
    [InlineData("Symbols", "NOPE")]
    [InlineData("Symbols", "")]
    [InlineData("Speed", "-1")]
    [InlineData("Speed", "NaN")]
    [InlineData("Backfill", "-1")]
    [InlineData("BatchInterval", "0")]
    [InlineData("MaxTicks", "0")]
    public void Invalid_options_are_refused_naming_the_field(string field, string value)
    {
        var options = field switch
        {
            "Symbols" => new SyntheticFeedOptions { Symbols = value.Length == 0 ? [] : ["EURUSD", value] },
            "Speed" => new SyntheticFeedOptions { Speed = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            "Backfill" => new SyntheticFeedOptions { Backfill = TimeSpan.FromSeconds(-1) },
            "BatchInterval" => new SyntheticFeedOptions { BatchInterval = TimeSpan.Zero },
            _ => new SyntheticFeedOptions { MaxTicks = 0 },
        };
        var error = Should.Throw<ValidationException>(() => new SyntheticFeed(options));
        error.Errors.Single().Field.ShouldBe(char.ToLowerInvariant(field[0]) + field[1..]);
        if (value == "NOPE") error.Message.ShouldContain("NOPE");
    }
}
