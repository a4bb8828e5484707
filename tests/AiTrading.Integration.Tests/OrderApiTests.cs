using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiTrading.Contracts.Grpc;
using Grpc.Core;

namespace AiTrading.Integration.Tests;

/// <summary>Working orders, brackets and cancel/replace through the gateway's sockets.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OrderApiTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;
    private Orders.OrdersClient Grpc => new(fixture.Grpc);

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<decimal> UsdJpyMid()
    {
        var quote = (await Http.GetFromJsonAsync<JsonElement>("/v1/instruments/USDJPY?bars=0")).GetProperty("quote");
        return Math.Round((quote.GetProperty("bid").GetDecimal() + quote.GetProperty("ask").GetDecimal()) / 2, 3);
    }

    private static string Price(decimal value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_working_order_can_be_read_replaced_and_cancelled_over_http()
    {
        var mid = await UsdJpyMid();
        var (created, order) = await Send(HttpMethod.Post, "/v1/orders",
            $$"""{"clientOrderId":"h-rest","account":"HTTP-WORK","symbol":"USDJPY","side":"BUY","quantity":1000,"type":"LIMIT","limitPrice":{{Price(mid * 0.99m)}},"timeInForce":"DAY"}""");
        created.ShouldBe(HttpStatusCode.Created, order.ToString());
        (order.GetProperty("status").GetString(), order.GetProperty("timeInForce").GetString()).ShouldBe(("Accepted", "Day"));

        var (replaced, replacedBody) = await Send(HttpMethod.Patch, "/v1/orders/HTTP-WORK:h-rest", $$"""{"quantity":"2000","limitPrice":"{{Price(mid * 0.985m)}}"}""");
        replaced.ShouldBe(HttpStatusCode.OK, replacedBody.ToString());
        replacedBody.GetProperty("quantity").GetDecimal().ShouldBe(2000);
        var (banded, bandedBody) = await Send(HttpMethod.Patch, "/v1/orders/HTTP-WORK:h-rest", $$"""{"quantity":"2000","limitPrice":"{{Price(mid * 0.5m)}}"}""");
        (banded, bandedBody.GetProperty("limit").GetString()).ShouldBe((HttpStatusCode.Conflict, "price_band"));
        var (badReplace, badBody) = await Send(HttpMethod.Patch, "/v1/orders/HTTP-WORK:h-rest", """{"quantity":"lots"}""");
        (badReplace, Problem.FieldsOf(badBody).Single()).ShouldBe((HttpStatusCode.BadRequest, "quantity"));

        var (cancelled, cancelledBody) = await Send(HttpMethod.Delete, "/v1/orders/HTTP-WORK:h-rest?reason=end%20of%20test");
        (cancelled, cancelledBody.GetProperty("status").GetString(), cancelledBody.GetProperty("reason").GetString()).ShouldBe((HttpStatusCode.OK, "Cancelled", "end of test"));
        (await Send(HttpMethod.Get, "/v1/orders/HTTP-WORK:h-rest")).Body.GetProperty("status").GetString().ShouldBe("Cancelled");
        (await Send(HttpMethod.Delete, "/v1/orders/HTTP-WORK:nothing")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Patch, "/v1/orders/HTTP-WORK:h-rest", """{"quantity":"3000","limitPrice":"150"}""")).Status.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_bracket_entry_places_legs_that_are_orders_of_their_own()
    {
        var mid = await UsdJpyMid();
        var (created, entry) = await Send(HttpMethod.Post, "/v1/orders",
            $$$"""{"clientOrderId":"h-brk","account":"HTTP-BRK","symbol":"USDJPY","side":"BUY","quantity":500,"bracket":{"stopLossPrice":{{{Price(mid * 0.98m)}}},"takeProfitPrice":{{{Price(mid * 1.02m)}}}}}""");
        created.ShouldBe(HttpStatusCode.Created, entry.ToString());
        entry.GetProperty("status").GetString().ShouldBe("Filled");
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonElement leg;
        while ((leg = (await Send(HttpMethod.Get, "/v1/orders/HTTP-BRK:h-brk/sl")).Body).TryGetProperty("detail", out _))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the stop-loss leg never appeared");
            await Task.Delay(50);
        }
        (leg.GetProperty("type").GetString(), leg.GetProperty("side").GetString(), leg.GetProperty("status").GetString()).ShouldBe(("Stop", "Sell", "Accepted"));
        leg.GetProperty("stopPrice").GetDecimal().ShouldBe(decimal.Parse(Price(mid * 0.98m), CultureInfo.InvariantCulture));
        (await Send(HttpMethod.Delete, "/v1/orders/HTTP-BRK:h-brk/sl")).Body.GetProperty("status").GetString().ShouldBe("Cancelled");
        await Send(HttpMethod.Delete, "/v1/orders/HTTP-BRK:h-brk/tp");
    }

    [Theory]
    [InlineData("""{"clientOrderId":"h-b1","account":"HB","symbol":"USDJPY","side":"BUY","quantity":1,"type":"TRAILING"}""", "type")]
    [InlineData("""{"clientOrderId":"h-b2","account":"HB","symbol":"USDJPY","side":"BUY","quantity":1,"timeInForce":"GTD"}""", "timeInForce")]
    [InlineData("""{"clientOrderId":"h-b3","account":"HB","symbol":"USDJPY","side":"BUY","quantity":1,"type":"STOP"}""", "stopPrice")]
    [InlineData("""{"clientOrderId":"h-b4","account":"HB","symbol":"USDJPY","side":"BUY","quantity":1,"type":"LIMIT","limitPrice":150,"stopPrice":151}""", "stopPrice")]
    [InlineData("""{"clientOrderId":"h-b5","account":"HB","symbol":"USDJPY","side":"BUY","quantity":1,"bracket":{"stopLossPrice":160,"takeProfitPrice":150}}""", "bracket")]
    [InlineData("""{"clientOrderId":"h-b6","account":"HB","symbol":"USDJPY","side":"BUY","quantity":1,"bracket":"tight"}""", "bracket")]
    [InlineData("""{"clientOrderId":"h-b7","account":"HB","symbol":"USDJPY","side":"BUY","quantity":1,"bracket":{"stopLossPrice":"x"}}""", "bracket.stopLossPrice")]
    [InlineData("""{"clientOrderId":"h-b8","account":"HB","symbol":"USDJPY","side":"SELL","quantity":1,"type":"STOP","stopPrice":150,"timeInForce":"IOC"}""", "timeInForce")]
    public async Task Malformed_orders_over_http_name_the_field(string json, string field)
    {
        var (status, body) = await Send(HttpMethod.Post, "/v1/orders", json);
        status.ShouldBe(HttpStatusCode.BadRequest, body.ToString());
        Problem.FieldsOf(body).ShouldContain(field);
    }

    [Fact]
    public async Task Grpc_places_cancels_and_replaces_working_orders()
    {
        var mid = await UsdJpyMid();
        var stop = await Grpc.SubmitAsync(new SubmitOrderRequest
        {
            ClientOrderId = "g-stop", Account = "GRPC-WORK", Symbol = "USDJPY", Side = OrderSide.Buy, Quantity = "1000",
            Type = OrderType.StopLimit, StopPrice = Price(mid * 1.01m), LimitPrice = Price(mid * 1.012m), TimeInForce = TimeInForce.Gtc,
        });
        (stop.Status, stop.Type, stop.StopPrice).ShouldBe(("ACCEPTED", OrderType.StopLimit, Price(mid * 1.01m)));
        var replaced = await Grpc.ReplaceAsync(new ReplaceOrderRequest { OrderId = stop.OrderId, Quantity = "1500", StopPrice = Price(mid * 1.02m), LimitPrice = Price(mid * 1.021m) });
        (replaced.Quantity, replaced.StopPrice).ShouldBe(("1500", Price(mid * 1.02m)));
        var cancelled = await Grpc.CancelAsync(new CancelOrderRequest { OrderId = stop.OrderId });
        (cancelled.Status, cancelled.Reason).ShouldBe(("CANCELLED", "cancelled by client"));
        (await Grpc.CancelAsync(new CancelOrderRequest { OrderId = stop.OrderId, Reason = "again" })).Reason.ShouldBe("cancelled by client", "a done order is answered as it is");

        (await Should.ThrowAsync<RpcException>(async () => await Grpc.ReplaceAsync(new ReplaceOrderRequest { OrderId = stop.OrderId, Quantity = "10", StopPrice = "150", LimitPrice = "150" })))
            .StatusCode.ShouldBe(StatusCode.AlreadyExists);
        (await Should.ThrowAsync<RpcException>(async () => await Grpc.CancelAsync(new CancelOrderRequest { OrderId = "GRPC-WORK:none" }))).StatusCode.ShouldBe(StatusCode.NotFound);
        var bad = await Should.ThrowAsync<RpcException>(async () => await Grpc.ReplaceAsync(new ReplaceOrderRequest { OrderId = stop.OrderId, Quantity = "x" }));
        (bad.StatusCode, bad.Status.Detail).ShouldBe((StatusCode.InvalidArgument, "quantity: 'x' is not a finite decimal number"));
    }

    public static TheoryData<SubmitOrderRequest, string> BadGrpcOrders() => new()
    {
        { new SubmitOrderRequest { ClientOrderId = "g-b1", Account = "GB", Symbol = "USDJPY", Side = OrderSide.Buy, Quantity = "1", Type = OrderType.Stop, StopPrice = "x" }, "stopPrice" },
        { new SubmitOrderRequest { ClientOrderId = "g-b2", Account = "GB", Symbol = "USDJPY", Side = OrderSide.Buy, Quantity = "1", Type = OrderType.Stop, StopPrice = "152", TimeInForce = TimeInForce.Fok }, "timeInForce" },
        { new SubmitOrderRequest { ClientOrderId = "g-b3", Account = "GB", Symbol = "USDJPY", Side = OrderSide.Buy, Quantity = "1", TimeInForce = (TimeInForce)9 }, "timeInForce" },
        { new SubmitOrderRequest { ClientOrderId = "g-b4", Account = "GB", Symbol = "USDJPY", Side = OrderSide.Buy, Quantity = "1", Type = (OrderType)9 }, "type" },
        { new SubmitOrderRequest { ClientOrderId = "g-b5", Account = "GB", Symbol = "USDJPY", Side = OrderSide.Sell, Quantity = "1", Bracket = new Bracket { StopLossPrice = "140", TakeProfitPrice = "150" } }, "bracket" },
        { new SubmitOrderRequest { ClientOrderId = "g-b6", Account = "GB", Symbol = "USDJPY", Side = OrderSide.Sell, Quantity = "1", Bracket = new Bracket() }, "bracket" },
    };

    [Theory]
    [MemberData(nameof(BadGrpcOrders))]
    public async Task Malformed_orders_over_grpc_name_the_field(SubmitOrderRequest request, string field)
    {
        var error = await Should.ThrowAsync<RpcException>(async () => await Grpc.SubmitAsync(request));
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain(field + ":");
    }
}
