using AiTrading.Connectors.Feeds;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Feeds;

public sealed class SyntheticFeedTests
{
    private static async Task<List<Tick>> Read(SyntheticFeedOptions options)
    {
        var ticks = new List<Tick>();
        await foreach (var batch in new SyntheticFeed(options).ReadAsync(CancellationToken.None)) ticks.AddRange(batch);
        return ticks;
    }

    private static SyntheticFeedOptions Fast(int seed = 42, long max = 20_000) => new() { Seed = seed, Speed = 0, MaxTicks = max };

    [Fact]
    public async Task The_same_seed_gives_the_same_ticks_and_another_seed_does_not()
    {
        var a = await Read(Fast());
        var b = await Read(Fast());
        a.Count.ShouldBe(20_000);
        a.ShouldBe(b);
        (await Read(Fast(seed: 7))).ShouldNotBe(a);
    }

    [Fact]
    public async Task Quotes_are_sane_on_the_tick_grid_and_in_time_order()
    {
        var ticks = await Read(Fast());
        ticks.Select(t => t.Symbol).Distinct().ShouldBe(["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"], ignoreOrder: true);
        for (var i = 1; i < ticks.Count; i++) ticks[i].Time.ShouldBeGreaterThanOrEqualTo(ticks[i - 1].Time);
        foreach (var t in ticks)
        {
            var spec = InstrumentCatalog.Default[t.Symbol];
            t.Ask.ShouldBeGreaterThan(t.Bid);
            (t.Bid / spec.TickSize).ShouldBe(Math.Round(t.Bid / spec.TickSize), 1e-6);
            (t.Ask / spec.TickSize).ShouldBe(Math.Round(t.Ask / spec.TickSize), 1e-6);
            t.BidSize.ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public async Task Realised_volatility_and_tick_rate_follow_the_instrument_spec()
    {
        var ticks = await Read(new SyntheticFeedOptions { Symbols = ["XAUUSD"], Speed = 0, MaxTicks = 200_000, Seed = 3 });
        var spec = InstrumentCatalog.Default["XAUUSD"];
        double sumSq = 0;
        for (var i = 1; i < ticks.Count; i++) sumSq += Math.Pow(Math.Log(ticks[i].Mid / ticks[i - 1].Mid), 2);
        var years = (ticks[^1].Time - ticks[0].Time).TotalSeconds / (365.0 * 24 * 3600);
        // Mid returns include the bid/ask rounding noise, so the band is loose on the high side.
        Math.Sqrt(sumSq / years).ShouldBeInRange(spec.AnnualVolatility * 0.7, spec.AnnualVolatility * 1.6);
        (ticks.Count / (ticks[^1].Time - ticks[0].Time).TotalSeconds).ShouldBeInRange(spec.TicksPerSecond * 0.95, spec.TicksPerSecond * 1.05);
    }

    [Fact]
    public void Bad_options_name_the_field()
    {
        Should.Throw<ValidationException>(() => new SyntheticFeed(new SyntheticFeedOptions { Symbols = ["NOPE"] })).Errors.Single().Field.ShouldBe("symbols");
        Should.Throw<ValidationException>(() => new SyntheticFeed(new SyntheticFeedOptions { Speed = double.NaN })).Errors.Single().Field.ShouldBe("speed");
        Should.Throw<ValidationException>(() => new SyntheticFeed(new SyntheticFeedOptions { Symbols = [] })).Errors.Single().Field.ShouldBe("symbols");
    }
}
