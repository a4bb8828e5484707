using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

using AiTrading.Grains.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>The MT5 bridge against ticks that would freeze a symbol and against a second terminal for a connected venue.</summary>
[Collection(GatewayCollection.Name)]
public sealed class Mt5BridgeHardeningTests(GatewayFixture fixture)
{

    private async Task<JsonElement> VenueAsync(string venue) => await fixture.Http.GetFromJsonAsync<JsonElement>($"/v1/venues/{venue}");

    private async Task<double?> BidAsync(string symbol)
    {
        var quote = (await fixture.Http.GetFromJsonAsync<JsonElement>($"/v1/instruments/{symbol}?bars=0")).GetProperty("quote");
        return quote.ValueKind == JsonValueKind.Object ? quote.GetProperty("bid").GetDouble() : null;
    }

    private static JsonObject Tick(string symbol, DateTimeOffset time, double bid) => new()
    {
        ["type"] = "tick", ["symbol"] = symbol, ["time"] = time.ToUnixTimeMilliseconds(), ["bid"] = bid, ["ask"] = bid + 0.0002,
    };

    [Fact]
    public async Task Far_future_and_out_of_order_ticks_are_refused_and_the_next_good_tick_goes_through()
    {
        const string symbol = "EURCHF";
        await using var terminal = new Mt5TerminalSimulator(fixture.Mt5Bridge, "mt5-ticks", GatewayFixture.Mt5Token, symbol);
        ((string?)(await terminal.ConnectAsync())["type"]).ShouldBe("welcome");
        var now = DateTimeOffset.UtcNow;
        await terminal.SendAsync(Tick(symbol, now, 0.93001));
        await Eventually.True(async () => await BidAsync(symbol) == 0.93001, "the first tick's quote");

        await terminal.SendAsync(Tick(symbol, now.AddHours(1), 0.95001));
        var future = await terminal.WaitForAsync(m => (string?)m["type"] == "error" && m.ToJsonString().Contains("ahead of the bridge"));
        ((string?)future["code"]).ShouldBe("bad_message");
        ((string?)future["errors"]![0]!["field"]).ShouldBe("time");

        await terminal.SendAsync(Tick(symbol, now.AddMinutes(-1), 0.91001));
        var late = await terminal.WaitForAsync(m => (string?)m["type"] == "error" && m.ToJsonString().Contains("before the previous tick"));
        ((string?)late["errors"]![0]!["field"]).ShouldBe("time");

        // The symbol is not frozen: the next tick in order is the quote, neither refused tick ever was.
        await terminal.SendAsync(Tick(symbol, now.AddMilliseconds(100), 0.93501));
        await Eventually.True(async () => await BidAsync(symbol) == 0.93501, "the next good tick's quote");
        await Eventually.True(async () => (await VenueAsync("mt5-ticks")).GetProperty("rejectedTicks").GetInt64() == 2, "the venue to count both refused ticks");
        terminal.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public async Task A_second_terminal_cannot_replace_a_connected_one_but_the_same_terminal_may_reconnect()
    {
        await using var first = new Mt5TerminalSimulator(fixture.Mt5Bridge, "mt5-busy", GatewayFixture.Mt5Token, "GBPUSD") { TerminalName = "First 1001@Broker" };
        ((string?)(await first.ConnectAsync())["type"]).ShouldBe("welcome");

        await using var second = new Mt5TerminalSimulator(fixture.Mt5Bridge, "mt5-busy", GatewayFixture.Mt5Token, "GBPUSD") { TerminalName = "Second 2002@Broker" };
        var refused = await second.ConnectAsync();
        ((string?)refused["code"]).ShouldBe("venue_busy", refused.ToJsonString());
        ((string?)refused["message"])!.ShouldContain("already has a connected terminal (First 1001@Broker)");
        second.CloseReason.ShouldBe("venue busy");
        var venue = await VenueAsync("mt5-busy");
        (venue.GetProperty("connected").GetBoolean(), venue.GetProperty("terminal").GetString()).ShouldBe((true, "First 1001@Broker"));

        // The same terminal coming back (its old connection not yet noticed as dead) takes its venue over.
        ((string?)(await first.ConnectAsync())["type"]).ShouldBe("welcome");

        // Once it is gone, another terminal is accepted.
        await first.AbortAsync();
        await Eventually.True(async () => (string?)(await second.ConnectAsync())["type"] == "welcome", "the second terminal to be accepted");
        (await VenueAsync("mt5-busy")).GetProperty("terminal").GetString().ShouldBe("Second 2002@Broker");
    }
}
