using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiTrading.Integration.Tests;

/// <summary>The MT5 bridge over a real WebSocket, with a client that behaves as the Expert Advisor does.</summary>
[Collection(GatewayCollection.Name)]
public sealed class Mt5BridgeTests(GatewayFixture fixture)
{
    private const string Symbol = "GBPUSD";
    private HttpClient Http => fixture.Http;

    private Mt5TerminalSimulator Terminal(string venue) => new(fixture.Mt5Bridge, venue, GatewayFixture.Mt5Token, Symbol);

    private async Task<Mt5TerminalSimulator> ConnectedTerminal(string venue)
    {
        var terminal = Terminal(venue);
        var welcome = await terminal.ConnectAsync();
        ((string?)welcome["type"]).ShouldBe("welcome", welcome.ToJsonString());
        await terminal.SendTickAsync(Symbol, 1.27001, 1.27013);
        await Eventually(async () => (await Http.GetFromJsonAsync<JsonElement>($"/v1/instruments/{Symbol}?bars=0")).GetProperty("quote").ValueKind == JsonValueKind.Object);
        return terminal;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PlaceAsync(string venue, string clientOrderId, string account, decimal quantity = 10_000)
    {
        using var response = await Http.PostAsJsonAsync("/v1/orders", new { clientOrderId, account, symbol = Symbol, side = "BUY", quantity, venue });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<JsonElement> OrderAsync(string orderId) => await Http.GetFromJsonAsync<JsonElement>($"/v1/orders/{orderId}");

    private async Task<JsonElement> FilledOrderAsync(string orderId)
    {
        JsonElement order = default;
        await Eventually(async () => (order = await OrderAsync(orderId)).GetProperty("status").GetString() == "Filled");
        return order;
    }

    private async Task<decimal> PositionAsync(string account)
    {
        var portfolio = await Http.GetFromJsonAsync<JsonElement>($"/v1/portfolio/{account}");
        return portfolio.GetProperty("positions").EnumerateArray().Where(p => p.GetProperty("position").GetProperty("symbol").GetString() == Symbol)
            .Select(p => p.GetProperty("position").GetProperty("quantity").GetDecimal()).SingleOrDefault();
    }

    private async Task<JsonElement> VenueAsync(string venue) => await Http.GetFromJsonAsync<JsonElement>($"/v1/venues/{venue}");

    private static async Task Eventually(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task A_market_order_is_placed_at_the_terminal_filled_once_and_booked()
    {
        await using var terminal = await ConnectedTerminal("mt5-fill");
        var (status, placed) = await PlaceAsync("mt5-fill", "mt5-1", "MT5-FILL");

        status.ShouldBe(HttpStatusCode.Created, placed.ToString());
        placed.GetProperty("venue").GetString().ShouldBe("mt5-fill");
        var order = await FilledOrderAsync("MT5-FILL:mt5-1");
        var fill = order.GetProperty("fills").EnumerateArray().ShouldHaveSingleItem();
        fill.GetProperty("price").GetDecimal().ShouldBe(1.27013m);
        fill.GetProperty("venue").GetString().ShouldBe("mt5-fill");
        fill.GetProperty("fillId").GetString().ShouldStartWith("mt5-fill:");
        (await PositionAsync("MT5-FILL")).ShouldBe(10_000m);
        terminal.Placements.ShouldBe(1);
        await Eventually(() => Task.FromResult(terminal.UnacknowledgedExecutions.IsEmpty));

        var venue = await VenueAsync("mt5-fill");
        venue.GetProperty("kind").GetString().ShouldBe("mt5");
        venue.GetProperty("connected").GetBoolean().ShouldBeTrue();
        venue.GetProperty("terminal").GetString().ShouldBe("Simulator 1001@Test-Server");
        venue.GetProperty("circuit").GetProperty("state").GetString().ShouldBe("closed");
        venue.GetProperty("pendingCommands").GetInt32().ShouldBe(0);

        var (again, duplicate) = await PlaceAsync("mt5-fill", "mt5-1", "MT5-FILL");
        again.ShouldBe(HttpStatusCode.OK, duplicate.ToString());
        terminal.Placements.ShouldBe(1);
    }

    [Fact]
    public async Task An_execution_resent_after_a_reconnect_is_applied_once()
    {
        var terminal = await ConnectedTerminal("mt5-resend");
        terminal.DropAfterNextExecution = true;
        var (status, _) = await PlaceAsync("mt5-resend", "r-1", "MT5-RESEND");
        status.ShouldBe(HttpStatusCode.Created);
        await Eventually(() => Task.FromResult(!terminal.IsOpen));

        // The fill may or may not have been applied before the drop; either way the terminal still holds it unacknowledged
        // or has had it acknowledged. Reconnecting resends what is held.
        var welcome = await terminal.ConnectAsync();
        ((string?)welcome["type"]).ShouldBe("welcome");
        await Eventually(() => Task.FromResult(terminal.UnacknowledgedExecutions.IsEmpty));
        var order = await FilledOrderAsync("MT5-RESEND:r-1");
        order.GetProperty("fills").GetArrayLength().ShouldBe(1);
        (await PositionAsync("MT5-RESEND")).ShouldBe(10_000m);

        // The same execution once more, as a terminal with a stale journal would send it: acknowledged, not applied.
        var execId = order.GetProperty("fills")[0].GetProperty("fillId").GetString()!["mt5-resend:".Length..];
        await terminal.SendAsync(new JsonObject
        {
            ["type"] = "execution", ["execId"] = execId, ["orderId"] = "MT5-RESEND:r-1", ["kind"] = "fill", ["quantity"] = 10_000,
            ["price"] = 1.27013, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
        var ack = await terminal.WaitForAsync(m => (string?)m["type"] == "execAck" && (string?)m["execId"] == execId && (string?)m["outcome"] == "duplicate");
        ack.ShouldNotBeNull();
        (await OrderAsync("MT5-RESEND:r-1")).GetProperty("fills").GetArrayLength().ShouldBe(1);
        (await PositionAsync("MT5-RESEND")).ShouldBe(10_000m);
        await terminal.DisposeAsync();
    }

    [Fact]
    public async Task A_command_unanswered_before_a_drop_is_resent_and_carried_out_once()
    {
        var terminal = await ConnectedTerminal("mt5-command");
        terminal.DropAfterNextPlacement = true; // placed at the broker, then the terminal dies before saying so

        var (status, placed) = await PlaceAsync("mt5-command", "c-1", "MT5-CMD");
        status.ShouldBe(HttpStatusCode.Created, placed.ToString());
        placed.GetProperty("status").GetString().ShouldBe("Accepted"); // not rejected: the terminal may have it
        (await VenueAsync("mt5-command")).GetProperty("pendingCommands").GetInt32().ShouldBe(1);

        var welcome = await terminal.ConnectAsync();
        welcome["pending"]!.GetValue<int>().ShouldBe(1);
        var order = await FilledOrderAsync("MT5-CMD:c-1");
        order.GetProperty("fills").GetArrayLength().ShouldBe(1);
        terminal.Placements.ShouldBe(1);
        (await PositionAsync("MT5-CMD")).ShouldBe(10_000m);
        await Eventually(async () => (await VenueAsync("mt5-command")).GetProperty("pendingCommands").GetInt32() == 0);
        await terminal.DisposeAsync();
    }

    [Fact]
    public async Task Timeouts_open_the_circuit_which_then_rejects_at_once_and_closes_after_a_good_probe()
    {
        var terminal = await ConnectedTerminal("mt5-circuit");
        terminal.Silent = true;
        for (var i = 1; i <= 3; i++)
        {
            var (status, timedOut) = await PlaceAsync("mt5-circuit", $"t-{i}", "MT5-CIRCUIT");
            status.ShouldBe(HttpStatusCode.Created);
            timedOut.GetProperty("status").GetString().ShouldBe("Accepted");
        }
        var open = (await VenueAsync("mt5-circuit")).GetProperty("circuit");
        open.GetProperty("state").GetString().ShouldBe("open");
        open.GetProperty("lastFailure").GetString()!.ShouldContain("500 ms");

        var (_, rejected) = await PlaceAsync("mt5-circuit", "t-4", "MT5-CIRCUIT");
        rejected.GetProperty("status").GetString().ShouldBe("Rejected");
        rejected.GetProperty("reason").GetString()!.ShouldContain("circuit open");
        terminal.Received.Count(m => (string?)m["type"] == "order" && (string?)m["orderId"] == "MT5-CIRCUIT:t-4").ShouldBe(0);

        // The terminal recovers (reconnects, answers again); after the break one probe passes and closes the circuit.
        terminal.Silent = false;
        (await terminal.ConnectAsync())["pending"]!.GetValue<int>().ShouldBe(3);
        foreach (var id in new[] { "t-1", "t-2", "t-3" }) await FilledOrderAsync($"MT5-CIRCUIT:{id}"); // the timed-out orders were not lost
        var probeAt = open.GetProperty("probeAt").GetDateTimeOffset();
        if (probeAt > DateTimeOffset.UtcNow) await Task.Delay(probeAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50));
        var (probeStatus, _) = await PlaceAsync("mt5-circuit", "t-5", "MT5-CIRCUIT");
        probeStatus.ShouldBe(HttpStatusCode.Created);
        await FilledOrderAsync("MT5-CIRCUIT:t-5");
        (await VenueAsync("mt5-circuit")).GetProperty("circuit").GetProperty("state").GetString().ShouldBe("closed");
        (await PositionAsync("MT5-CIRCUIT")).ShouldBe(40_000m);
        await terminal.DisposeAsync();
    }

    [Fact]
    public async Task With_no_terminal_connected_an_order_is_rejected_at_once_with_the_reason()
    {
        await using var terminal = await ConnectedTerminal("mt5-fill"); // a quote for the risk check only
        var (status, order) = await PlaceAsync("mt5-none", "n-1", "MT5-NONE");

        status.ShouldBe(HttpStatusCode.Created, order.ToString());
        order.GetProperty("status").GetString().ShouldBe("Rejected");
        order.GetProperty("reason").GetString()!.ShouldContain("no terminal is connected to venue 'mt5-none'");
        (await PositionAsync("MT5-NONE")).ShouldBe(0m);
    }

    [Fact]
    public async Task Orders_naming_an_unknown_venue_or_a_bracket_on_mt5_are_refused_with_the_field()
    {
        using var unknown = await Http.PostAsJsonAsync("/v1/orders", new { clientOrderId = "u-1", account = "MT5-X", symbol = "EURUSD", side = "BUY", quantity = 1000, venue = "nyse" });
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("unknown venue 'nyse'");

        using var bracket = await Http.PostAsJsonAsync("/v1/orders", new
        {
            clientOrderId = "u-2", account = "MT5-X", symbol = "EURUSD", side = "BUY", quantity = 1000, venue = "mt5-fill",
            bracket = new { stopLossPrice = 1.0, takeProfitPrice = 1.2 },
        });
        bracket.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await bracket.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        error.GetProperty("field").GetString().ShouldBe("bracket");
    }

    [Fact]
    public async Task A_hello_with_a_wrong_token_or_protocol_is_refused_and_the_connection_closed()
    {
        await using var wrongToken = Terminal("mt5-hello");
        var refused = await wrongToken.ConnectAsync(withToken: "not-the-token-at-all");
        ((string?)refused["type"]).ShouldBe("error");
        ((string?)refused["code"]).ShouldBe("unauthorized");
        ((string?)refused["message"])!.ShouldContain("token is not valid");
        await Eventually(() => Task.FromResult(!wrongToken.IsOpen));

        await using var wrongProtocol = Terminal("mt5-hello");
        var old = await wrongProtocol.ConnectAsync(protocol: 7);
        ((string?)old["message"])!.ShouldContain("protocol 7 is not supported");

        await using var notMt5 = new Mt5TerminalSimulator(fixture.Mt5Bridge, "paper", GatewayFixture.Mt5Token, Symbol);
        ((string?)(await notMt5.ConnectAsync())["message"])!.ShouldContain("'paper' is not an MT5 venue");
        (await VenueAsync("mt5-hello")).GetProperty("connected").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task The_first_message_must_be_a_hello()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(fixture.Mt5Bridge, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"heartbeat"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var answer = await socket.ReceiveAsync(buffer, CancellationToken.None);
        var error = JsonNode.Parse(buffer.AsSpan(0, answer.Count))!;
        ((string?)error["code"]).ShouldBe("protocol");
        (await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType.ShouldBe(WebSocketMessageType.Close);

        using var plain = await Http.GetAsync("/v1/mt5/bridge");
        plain.StatusCode.ShouldBe(HttpStatusCode.UpgradeRequired);
    }

    [Theory]
    [InlineData("""{"type":"tick","symbol":"GBPUSD","time":1733000000000,"bid":1.3,"ask":1.2}""", "ask", "must not be below the bid")]
    [InlineData("""{"type":"tick","symbol":"GBPUSD","time":1733000000000,"bid":-1,"ask":1.2}""", "bid", "greater than 0")]
    [InlineData("""{"type":"tick","symbol":"EURJPY","time":1733000000000,"bid":160.1,"ask":160.2}""", "symbol", "not declared in the hello")]
    [InlineData("""{"type":"tick","symbol":"GBPUSD","bid":1.2,"ask":1.3}""", "time", "is required")]
    [InlineData("""{"type":"execution","execId":"1","orderId":"X:1","kind":"partial","quantity":1,"price":1,"time":1}""", "kind", "not an execution kind")]
    [InlineData("""{"type":"execution","execId":"1","orderId":"X:1","kind":"fill","quantity":0,"price":1,"time":1}""", "quantity", "greater than 0")]
    [InlineData("""{"type":"ack","seq":"seven","ok":true}""", "seq", "whole number")]
    [InlineData("""{"type":"positions","positions":[{"symbol":"GBPUSD","quantity":"x","averagePrice":1,"profit":0}]}""", "positions[0].quantity", "must be a number")]
    [InlineData("""{"type":"order"}""", "type", "not a message type")]
    [InlineData("""{"kind":"tick"}""", "type", "is required")]
    [InlineData("""[1,2]""", "message", "JSON object")]
    public async Task A_bad_message_is_answered_with_its_field_and_the_connection_stays_up(string message, string field, string reason)
    {
        await using var terminal = await ConnectedTerminal("mt5-input");
        var before = terminal.Received.Count;
        await terminal.SendRawAsync(message);
        var error = await terminal.WaitForAsync(m => (string?)m["type"] == "error" && m["errors"] is JsonArray);
        var named = error["errors"]!.AsArray().Select(e => ((string?)e!["field"], (string?)e["message"])).ToList();
        named.ShouldContain(e => e.Item1 == field && e.Item2!.Contains(reason), error.ToJsonString());
        terminal.Received.Count.ShouldBeGreaterThan(before);

        await terminal.SendTickAsync(Symbol, 1.27002, 1.27014);
        terminal.IsOpen.ShouldBeTrue();
    }
}
