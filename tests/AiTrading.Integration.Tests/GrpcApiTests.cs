using AiTrading.Contracts.Grpc;
using Grpc.Core;

namespace AiTrading.Integration.Tests;

[Collection(GatewayCollection.Name)]
public sealed class GrpcApiTests(GatewayFixture fixture)
{
    private Orders.OrdersClient Orders => new(fixture.Grpc);

    private static SubmitOrderRequest Order(string id, string account = "GRPC", string symbol = "USDJPY", OrderSide side = OrderSide.Buy, string quantity = "1000") =>
        new() { ClientOrderId = id, Account = account, Symbol = symbol, Side = side, Quantity = quantity };

    [Fact]
    public async Task Submit_fills_a_market_order_and_get_reads_it_back()
    {
        var reply = await Orders.SubmitAsync(Order("g-1"));
        reply.Status.ShouldBe("FILLED");
        reply.Fills.Count.ShouldBe(1);
        decimal.Parse(reply.AverageFillPrice, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(100m);

        var read = await Orders.GetAsync(new GetOrderRequest { OrderId = reply.OrderId });
        read.FilledQuantity.ShouldBe("1000");
        (await Orders.SubmitAsync(Order("g-1"))).Duplicate.ShouldBeTrue();
    }

    public static TheoryData<SubmitOrderRequest, string> BadOrders => new()
    {
        { Order("g-neg", quantity: "-1"), "quantity" },
        { Order("g-nan", quantity: "NaN"), "quantity" },
        { new SubmitOrderRequest(Order("g-lim")) { Type = OrderType.Limit, LimitPrice = "NaN" }, "limitPrice" },
        { Order("g-side", side: OrderSide.Unspecified), "side" },
        { Order("g-side2", side: (OrderSide)7), "side" },
        { Order("g-sym", symbol: ""), "symbol" },
        { Order(""), "clientOrderId" },
        { Order("g-qty", quantity: ""), "quantity" },
    };

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task Malformed_orders_are_invalid_argument_naming_the_field(SubmitOrderRequest request, string field)
    {
        var error = await Should.ThrowAsync<RpcException>(async () => await Orders.SubmitAsync(request));
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain(field + ":");
    }

    [Fact]
    public async Task Unknown_symbol_and_order_are_not_found()
    {
        (await Should.ThrowAsync<RpcException>(async () => await Orders.SubmitAsync(Order("g-x", symbol: "NOSUCH")))).StatusCode.ShouldBe(StatusCode.NotFound);
        (await Should.ThrowAsync<RpcException>(async () => await Orders.GetAsync(new GetOrderRequest { OrderId = "GRPC:none" }))).StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task Risk_rejection_is_failed_precondition_naming_the_limit()
    {
        var error = await Should.ThrowAsync<RpcException>(async () => await Orders.SubmitAsync(Order("g-big", quantity: "900000000")));
        error.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        error.Trailers.GetValue("risk-limit").ShouldBe("max_order_notional");
        error.Status.Detail.ShouldContain("max_order_notional");
    }

    [Fact]
    public async Task Reusing_a_client_order_id_for_another_order_is_already_exists()
    {
        await Orders.SubmitAsync(Order("g-dup", account: "GRPC-DUP"));
        var error = await Should.ThrowAsync<RpcException>(async () => await Orders.SubmitAsync(Order("g-dup", account: "GRPC-DUP", quantity: "2000")));
        error.StatusCode.ShouldBe(StatusCode.AlreadyExists);
    }

    [Fact]
    public async Task Subscribe_streams_live_quotes_of_the_named_symbols()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var call = new MarketData.MarketDataClient(fixture.Grpc).Subscribe(new SubscribeRequest { Symbols = { "EURUSD", "usdjpy" } }, cancellationToken: cts.Token);
        var seen = new HashSet<string>();
        var received = 0;
        await foreach (var quote in call.ResponseStream.ReadAllAsync(cts.Token))
        {
            quote.Ask.ShouldBeGreaterThan(quote.Bid);
            seen.Add(quote.Symbol);
            if (++received >= 10 && seen.Count == 2) break;
        }
        seen.ShouldBe(["EURUSD", "USDJPY"], ignoreOrder: true);
    }

    [Fact]
    public async Task Subscribe_refuses_unknown_and_empty_symbol_lists()
    {
        var client = new MarketData.MarketDataClient(fixture.Grpc);
        async Task<StatusCode> StatusOf(SubscribeRequest request)
        {
            using var call = client.Subscribe(request);
            var error = await Should.ThrowAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
            return error.StatusCode;
        }
        (await StatusOf(new SubscribeRequest { Symbols = { "NOSUCH" } })).ShouldBe(StatusCode.NotFound);
        (await StatusOf(new SubscribeRequest())).ShouldBe(StatusCode.InvalidArgument);
    }
}
