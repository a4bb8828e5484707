using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;

namespace AiTrading.Integration.Tests;

[Collection(GatewayCollection.Name)]
public sealed class HttpApiTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string json)
    {
        using var response = await Http.PostAsync("/v1/orders", Json(json));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        (await Http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Http.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Instrument_shows_quote_bars_and_features()
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonElement body;
        do
        {
            body = await Http.GetFromJsonAsync<JsonElement>("/v1/instruments/eurusd?bars=5");
            if (body.GetProperty("bars").GetProperty("m1").GetArrayLength() == 5 && body.GetProperty("features").GetProperty("m1").GetProperty("values").GetProperty("RSI_14").ValueKind == JsonValueKind.Number) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);

        body.GetProperty("symbol").GetString().ShouldBe("EURUSD");
        var quote = body.GetProperty("quote");
        quote.GetProperty("ask").GetDouble().ShouldBeGreaterThan(quote.GetProperty("bid").GetDouble());
        body.GetProperty("bars").GetProperty("m1").GetArrayLength().ShouldBe(5);
        // What this activation took from the feed: first and last tick time, and none refused from the synthetic feed.
        var first = body.GetProperty("firstTickTime").GetDateTimeOffset();
        body.GetProperty("lastTickTime").GetDateTimeOffset().ShouldBeGreaterThan(first);
        body.GetProperty("tickCount").GetInt64().ShouldBeGreaterThan(0);
        body.GetProperty("rejectedTicks").GetInt64().ShouldBe(0);
        var features = body.GetProperty("features").GetProperty("m1").GetProperty("values");
        foreach (var name in new[] { "SMA_20", "EMA_20", "RSI_14", "ATR_14", "MICROPRICE", "SPREAD" })
            features.GetProperty(name).ValueKind.ShouldBe(JsonValueKind.Number, name);
        // Every default feature is listed, warming up or not: the catalog's bar indicators (all lines) and the microstructure set.
        features.EnumerateObject().Count().ShouldBe(new FeaturePipeline(DefaultFeatures.All, Timeframe.M1).Names.Count);
        body.GetProperty("features").GetProperty("m5").GetProperty("values").TryGetProperty("MACD_12_26_9", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Unknown_instrument_is_404() =>
        (await Http.GetAsync("/v1/instruments/NOSUCH")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

    [Fact]
    public async Task An_order_fills_and_can_be_read_back_with_the_portfolio_and_audit()
    {
        var (status, order) = await Post("""{"clientOrderId":"http-1","account":"HTTP","symbol":"EURUSD","side":"BUY","quantity":10000}""");
        status.ShouldBe(HttpStatusCode.Created);
        order.GetProperty("status").GetString().ShouldBe("Filled");
        var id = order.GetProperty("orderId").GetString()!;

        var again = await Post("""{"clientOrderId":"http-1","account":"HTTP","symbol":"EURUSD","side":"BUY","quantity":"10000"}""");
        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Body.GetProperty("orderId").GetString().ShouldBe(id);

        var read = await Http.GetFromJsonAsync<JsonElement>($"/v1/orders/{id}");
        read.GetProperty("filledQuantity").GetDecimal().ShouldBe(10000m);

        var portfolio = await Http.GetFromJsonAsync<JsonElement>("/v1/portfolio/HTTP");
        portfolio.GetProperty("positions")[0].GetProperty("position").GetProperty("quantity").GetDecimal().ShouldBe(10000m);
        var gross = portfolio.GetProperty("grossNotional").GetDecimal();
        gross.ShouldBeGreaterThan(0);
        portfolio.GetProperty("marginUsed").GetDecimal().ShouldBe(Math.Round(gross * portfolio.GetProperty("marginRate").GetDecimal(), 2));
        portfolio.GetProperty("freeMargin").GetDecimal().ShouldBe(portfolio.GetProperty("equity").GetDecimal() - portfolio.GetProperty("marginUsed").GetDecimal());
        portfolio.GetProperty("killSwitch").GetBoolean().ShouldBeFalse();

        var streams = await Http.GetFromJsonAsync<JsonElement>("/v1/audit");
        var http = streams.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("stream").GetString() == "HTTP");
        http.GetProperty("length").GetInt64().ShouldBe(3, "the account's opening, the acceptance and the fill");
        var records = await Http.GetFromJsonAsync<JsonElement>("/v1/audit/HTTP?from=3&limit=1");
        var record = records.GetProperty("records").EnumerateArray().Single();
        record.GetProperty("kind").GetString().ShouldBe("fill");
        record.GetProperty("hash").GetString().ShouldBe(http.GetProperty("headHash").GetString());
        var verify = await Http.GetFromJsonAsync<JsonElement>("/v1/audit/HTTP/verify");
        verify.GetProperty("valid").GetBoolean().ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"clientOrderId":"b1","account":"HTTP","symbol":"EURUSD","side":"BUY","quantity":-5}""", "quantity")]
    [InlineData("""{"clientOrderId":"b2","account":"HTTP","symbol":"EURUSD","side":"HOLD","quantity":5}""", "side")]
    [InlineData("""{"clientOrderId":"b3","account":"HTTP","symbol":"EURUSD","side":"BUY","quantity":5,"type":"LIMIT","limitPrice":"NaN"}""", "limitPrice")]
    [InlineData("""{"clientOrderId":"b4","account":"HTTP","side":"BUY","quantity":5}""", "symbol")]
    [InlineData("""{"account":"HTTP","symbol":"EURUSD","side":"BUY","quantity":5}""", "clientOrderId")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"clientOrderId":""", "body")]
    public async Task Malformed_orders_are_400_naming_the_field(string json, string field)
    {
        var (status, body) = await Post(json);
        status.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(body).ShouldContain(field);
    }

    [Fact]
    public async Task Risk_rejection_is_409_with_the_limit_and_an_audit_record()
    {
        var (status, body) = await Post("""{"clientOrderId":"huge","account":"HTTP-RISK","symbol":"EURUSD","side":"SELL","quantity":50000000}""");
        status.ShouldBe(HttpStatusCode.Conflict);
        body.GetProperty("limit").GetString().ShouldBe("max_order_notional");
        body.GetProperty("order").GetProperty("status").GetString().ShouldBe("Rejected");
        var records = await Http.GetFromJsonAsync<JsonElement>("/v1/audit/HTTP-RISK");
        records.GetProperty("records")[1].GetProperty("kind").GetString().ShouldBe("order.risk_rejected", "after the account's opening");
    }

    [Fact]
    public async Task Unknown_order_stream_and_symbol_are_404_and_bad_paging_is_400()
    {
        (await Http.GetAsync("/v1/orders/NOPE:none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Http.GetAsync("/v1/audit/NOPE")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Post("""{"clientOrderId":"u1","account":"HTTP","symbol":"NOSUCH","side":"BUY","quantity":1}""")).Status.ShouldBe(HttpStatusCode.NotFound);
        await Post("""{"clientOrderId":"p1","account":"HTTP-PAGE","symbol":"EURUSD","side":"BUY","quantity":1}""");
        var bad = await Http.GetAsync("/v1/audit/HTTP-PAGE?limit=0");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(await bad.Content.ReadFromJsonAsync<JsonElement>()).ShouldBe(["limit"]);
    }

    [Fact]
    public async Task The_demo_strategy_trades_and_its_audit_chain_verifies()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var streams = await Http.GetFromJsonAsync<JsonElement>("/v1/audit");
            var demo = streams.GetProperty("streams").EnumerateArray().FirstOrDefault(s => s.GetProperty("stream").GetString() == "DEMO");
            if (demo.ValueKind == JsonValueKind.Object)
            {
                var records = await Http.GetFromJsonAsync<JsonElement>("/v1/audit/DEMO?limit=1000");
                if (records.GetProperty("records").EnumerateArray().Any(r => r.GetProperty("kind").GetString() == "fill")) break;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the demo strategy placed no filled order");
            await Task.Delay(200);
        }
        (await Http.GetFromJsonAsync<JsonElement>("/v1/audit/DEMO/verify")).GetProperty("valid").GetBoolean().ShouldBeTrue();
    }
}
