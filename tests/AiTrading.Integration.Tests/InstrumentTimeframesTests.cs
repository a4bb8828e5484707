using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using Orleans.Streams;

namespace AiTrading.Integration.Tests;

/// <summary>The instrument read shows every timeframe the instrument builds bars for, not just M1 and M5.</summary>
[Collection(GatewayCollection.Name)]
public sealed class InstrumentTimeframesTests(GatewayFixture fixture)
{
    private const string Symbol = "LISTTF";

    private async Task<JsonElement> Instrument(int bars) => await fixture.Http.GetFromJsonAsync<JsonElement>($"/v1/instruments/{Symbol}?bars={bars}");

    private static string[] Names(JsonElement body, string property) => body.GetProperty(property).EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public async Task An_instrument_lists_the_timeframe_a_live_strategy_asked_for_with_its_bars_and_features()
    {
        await fixture.Cluster.GetGrain<IInstrumentGrain>(Symbol).ConfigureAsync(InstrumentCatalog.Custom(Symbol, 100));
        var before = await Instrument(0);
        before.GetProperty("timeframes").EnumerateArray().Select(t => t.GetString()).ShouldBe(["M1", "M5"]);
        Names(before, "bars").ShouldBe(["m1", "m5"]);

        using var submitted = await fixture.Http.PostAsync("/v1/strategies", new StringContent($$$"""
            {"id":"list-tf-h1","account":"HTTP-TF","instruments":["{{{Symbol}}}"],"timeframe":"H1","rules":{"entryLong":"close < 0"},
             "sizing":{"method":"fixed_quantity","quantity":1}}
            """, Encoding.UTF8, "application/json"));
        submitted.StatusCode.ShouldBe(HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());

        // Two hours of ticks, the way the feed sends them: the first H1 bar closes.
        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var ticks = Enumerable.Range(0, 5).Select(i => new Tick(Symbol, start.AddMinutes(30 * i), 99.99 + i * 0.01, 100.01 + i * 0.01, 1_000, 1_000)).ToArray();
        await fixture.Cluster.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, Symbol)
            .OnNextAsync(new TickBatch(Symbol, ticks, DateTimeOffset.UtcNow));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        var after = await Instrument(5);
        while (after.GetProperty("tickCount").GetInt64() < ticks.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            after = await Instrument(5);
        }
        after.GetProperty("timeframes").EnumerateArray().Select(t => t.GetString()).ShouldBe(["M1", "M5", "H1"]);
        Names(after, "bars").ShouldBe(["m1", "m5", "h1"]);
        Names(after, "features").ShouldContain("h1");
        var hour = after.GetProperty("bars").GetProperty("h1").EnumerateArray().Select(b => b.GetProperty("openTime").GetDateTimeOffset()).ToArray();
        hour.ShouldContain(start, "the 09:00 bar closed with the 10:00 tick");

        using var stopped = await fixture.Http.PostAsync("/v1/strategies/list-tf-h1/stop", null);
        stopped.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
