using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Trading;

namespace AiTrading.Grains.Tests;

/// <summary>Working orders on the two-silo cluster: the venue's book fills them as ticks arrive.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OrderTypesTests(ClusterFixture fixture)
{
    private static int _minute;

    /// <summary>Ticks at one mid (spread 0.02, 1,000 a side), each batch a minute after the last so times only grow.</summary>
    private Task Market(string symbol, double mid, int count = 2) =>
        fixture.PublishAsync(symbol, TickPaths.Generate(symbol, count, TimeSpan.FromSeconds(1), _ => mid, start: TickPaths.Start.AddMinutes(Interlocked.Increment(ref _minute))));

    private async Task<IRiskGrain> Account(string account, string symbol, double mid = 100)
    {
        await fixture.ConfigureInstrumentAsync(symbol, mid);
        await Market(symbol, mid);
        return await fixture.OpenAccountAsync(account);
    }

    private Task<OrderView?> Order(string id) => fixture.Client.GetGrain<IOrderGrain>(id).GetAsync();

    private Task Until(string id, OrderStatus status) =>
        Eventually.True(async () => (await Order(id))?.Status == status, $"order {id} to be {status}");

    private async Task<List<string>> AuditKinds(string account) =>
        (await fixture.Client.GetGrain<IAuditStreamGrain>(account).ReadAsync(1, 1000)).Select(r => r.Kind).ToList();

    [Fact]
    public async Task A_resting_limit_order_fills_when_the_market_comes_to_it()
    {
        var risk = await Account("OT-LIMIT", "OTLIM");
        var placed = await risk.SubmitOrderAsync(new OrderRequest("buy-low", "OT-LIMIT", "OTLIM", OrderSide.Buy, 500, OrderType.Limit, 99.50m));
        placed.Order.Status.ShouldBe(OrderStatus.Accepted);
        (await fixture.Client.GetGrain<IVenueGrain>("paper/OTLIM").GetWorkingAsync()).Single().OrderId.ShouldBe(placed.Order.OrderId);

        await Market("OTLIM", 99.70);
        (await Order(placed.Order.OrderId))!.Status.ShouldBe(OrderStatus.Accepted, "the ask 99.71 is still above the limit");
        await Market("OTLIM", 99.45);
        await Until(placed.Order.OrderId, OrderStatus.Filled);
        var filled = (await Order(placed.Order.OrderId))!;
        filled.AverageFillPrice!.Value.ShouldBeInRange(99.46m, 99.50m, "the ask 99.46 worsened by slippage, never beyond the limit");
        (await fixture.Client.GetGrain<IPortfolioGrain>("OT-LIMIT").GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(500);
        (await AuditKinds("OT-LIMIT")).ShouldBe([Core.Audit.AuditKinds.AccountOpened, Core.Audit.AuditKinds.OrderAccepted, Core.Audit.AuditKinds.Fill]);
    }

    [Fact]
    public async Task A_stop_triggers_on_touch_and_its_fills_reach_portfolio_and_audit()
    {
        var risk = await Account("OT-STOP", "OTSTP");
        await risk.SubmitOrderAsync(new OrderRequest("long", "OT-STOP", "OTSTP", OrderSide.Buy, 800));
        var stop = await risk.SubmitOrderAsync(new OrderRequest("protect", "OT-STOP", "OTSTP", OrderSide.Sell, 800, OrderType.Stop, null, null, 98.00m));
        stop.Order.Status.ShouldBe(OrderStatus.Accepted);
        await Market("OTSTP", 98.50);
        (await Order(stop.Order.OrderId))!.Status.ShouldBe(OrderStatus.Accepted);
        await Market("OTSTP", 97.90);
        await Until(stop.Order.OrderId, OrderStatus.Filled);
        (await fixture.Client.GetGrain<IPortfolioGrain>("OT-STOP").GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(0);
        var kinds = await AuditKinds("OT-STOP");
        kinds.ShouldContain(Core.Audit.AuditKinds.OrderTriggered);
        kinds.Count(k => k == Core.Audit.AuditKinds.Fill).ShouldBe(2);
    }

    [Fact]
    public async Task A_bracket_protects_the_entry_and_one_leg_cancels_the_other()
    {
        var risk = await Account("OT-BRKT", "OTBRK");
        var entry = await risk.SubmitOrderAsync(new OrderRequest("entry", "OT-BRKT", "OTBRK", OrderSide.Buy, 600, Bracket: new BracketRequest(97m, 103m)));
        entry.Order.Status.ShouldBe(OrderStatus.Filled);
        var (stopLeg, profitLeg) = ($"{entry.Order.OrderId}/sl", $"{entry.Order.OrderId}/tp");
        await Until(stopLeg, OrderStatus.Accepted);
        await Until(profitLeg, OrderStatus.Accepted);
        var leg = (await Order(profitLeg))!.Request;
        (leg.Side, leg.Type, leg.LimitPrice, leg.Quantity).ShouldBe((OrderSide.Sell, OrderType.Limit, 103m, 600m));

        await Market("OTBRK", 103.02);
        await Until(profitLeg, OrderStatus.Filled);
        await Until(stopLeg, OrderStatus.Cancelled);
        (await Order(stopLeg))!.Reason.ShouldBe($"one-cancels-other: {profitLeg} filled");
        (await fixture.Client.GetGrain<IPortfolioGrain>("OT-BRKT").GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(0);
        (await fixture.Client.GetGrain<IVenueGrain>("paper/OTBRK").GetWorkingAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Ioc_takes_what_the_touch_shows_and_gtc_keeps_working_for_the_rest()
    {
        var risk = await Account("OT-SIZE", "OTSIZ");
        var ioc = await risk.SubmitOrderAsync(new OrderRequest("ioc", "OT-SIZE", "OTSIZ", OrderSide.Buy, 2_500, TimeInForce: TimeInForce.Ioc));
        (ioc.Order.Status, ioc.Order.FilledQuantity).ShouldBe((OrderStatus.Cancelled, 1_000m), "the ask shows 1,000");
        ioc.Order.Reason.ShouldStartWith("IOC: 1500 unfilled");

        var gtc = await risk.SubmitOrderAsync(new OrderRequest("gtc", "OT-SIZE", "OTSIZ", OrderSide.Buy, 2_500));
        (gtc.Order.Status, gtc.Order.FilledQuantity).ShouldBe((OrderStatus.PartiallyFilled, 1_000m));
        await Market("OTSIZ", 100, count: 2);
        await Until(gtc.Order.OrderId, OrderStatus.Filled);
        (await Order(gtc.Order.OrderId))!.Fills.Count.ShouldBe(3);
        (await fixture.Client.GetGrain<IPortfolioGrain>("OT-SIZE").GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(3_500);
    }

    [Fact]
    public async Task Cancel_and_replace_change_working_orders_and_are_checked_again()
    {
        var risk = await Account("OT-CXL", "OTCXL");
        var a = await risk.SubmitOrderAsync(new OrderRequest("a", "OT-CXL", "OTCXL", OrderSide.Buy, 100, OrderType.Limit, 99m));
        var b = await risk.SubmitOrderAsync(new OrderRequest("b", "OT-CXL", "OTCXL", OrderSide.Buy, 100, OrderType.Limit, 99m));

        var replaced = await risk.ReplaceOrderAsync(a.Order.OrderId, 300, 100.05m, null);
        replaced.Risk.Approved.ShouldBeTrue();
        await Until(a.Order.OrderId, OrderStatus.Filled);
        (await Order(a.Order.OrderId))!.Request.Quantity.ShouldBe(300, "the replaced limit is marketable against the ask 100.01");

        var banded = await risk.ReplaceOrderAsync(b.Order.OrderId, 100, 150m, null);
        (banded.Risk.Approved, banded.Risk.Limit).ShouldBe((false, Core.Risk.RiskLimitNames.PriceBand));
        (await Order(b.Order.OrderId))!.Request.LimitPrice.ShouldBe(99m, "a refused replace leaves the order as it was");

        var cancelled = await fixture.Client.GetGrain<IOrderGrain>(b.Order.OrderId).CancelAsync("changed my mind");
        (cancelled.Status, cancelled.Reason).ShouldBe((OrderStatus.Cancelled, "changed my mind"));
        (await fixture.Client.GetGrain<IOrderGrain>(a.Order.OrderId).CancelAsync("too late")).Status.ShouldBe(OrderStatus.Filled);
        await Should.ThrowAsync<ConflictException>(() => risk.ReplaceOrderAsync(b.Order.OrderId, 200, 99m, null));
        (await Should.ThrowAsync<InvalidRequestException>(() => risk.ReplaceOrderAsync(a.Order.OrderId, 100, null, null))).Errors.Select(e => e.Field)
            .ShouldBe(["limitPrice", "quantity"]);
    }

    [Fact]
    public async Task The_kill_switch_cancels_working_orders_and_day_orders_expire_overnight()
    {
        var risk = await Account("OT-KILL", "OTKIL");
        var resting = await risk.SubmitOrderAsync(new OrderRequest("rest", "OT-KILL", "OTKIL", OrderSide.Buy, 100, OrderType.Limit, 99m));
        await risk.SetKillSwitchAsync(true, "desk halt", "test-risk");
        (await Order(resting.Order.OrderId))!.Reason.ShouldBe("kill switch: desk halt");
        await risk.SetKillSwitchAsync(false, "resumed", "test-risk");

        var day = await risk.SubmitOrderAsync(new OrderRequest("day", "OT-KILL", "OTKIL", OrderSide.Buy, 100, OrderType.Limit, 99m, TimeInForce: TimeInForce.Day));
        await fixture.PublishAsync("OTKIL", TickPaths.Generate("OTKIL", 2, TimeSpan.FromSeconds(1), _ => 100, start: TickPaths.Start.AddDays(1)));
        await Until(day.Order.OrderId, OrderStatus.Expired);
        (await AuditKinds("OT-KILL")).ShouldContain(Core.Audit.AuditKinds.OrderExpired);
    }

    [Fact]
    public async Task A_retried_submit_gets_the_first_answer_and_places_nothing_twice()
    {
        await Account("OT-RETRY", "OTRTY");
        var book = fixture.Client.GetGrain<IVenueGrain>("paper/OTRTY");
        var request = new OrderRequest("r", "OT-RETRY", "OTRTY", OrderSide.Buy, 10);
        var first = await book.SubmitAsync("OT-RETRY:r", request, null);
        var again = await book.SubmitAsync("OT-RETRY:r", request, null);
        first.Single().Kind.ShouldBe(ExecutionKind.Fill);
        again.ShouldBe(first);
        var resting = request with { ClientOrderId = "r2", Type = OrderType.Limit, LimitPrice = 90m };
        (await book.SubmitAsync("OT-RETRY:r2", resting, null)).ShouldBeEmpty();
        (await book.SubmitAsync("OT-RETRY:r2", resting, null)).ShouldBeEmpty();
        (await book.GetWorkingAsync()).Count(w => w.OrderId == "OT-RETRY:r2").ShouldBe(1);
    }
}
