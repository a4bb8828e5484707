using AiTrading.Contracts;
using AiTrading.Core.Accounts;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Storage;

namespace AiTrading.Grains.Tests;

/// <summary>The risk gate counts the orders resting at the venue, read from their order grains at check time.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkingOrderRiskTests(ClusterFixture fixture)
{
    private const string Symbol = "WRKRSK", Account = "WR-FLIP";

    private Task Market(double mid, int minute) =>
        fixture.PublishAsync(Symbol, TickPaths.Generate(Symbol, 2, TimeSpan.FromSeconds(1), _ => mid, start: TickPaths.Start.AddMinutes(minute)));

    private static OrderRequest Sell(string id, decimal quantity, decimal limit) => new(id, Account, Symbol, OrderSide.Sell, quantity, OrderType.Limit, limit);

    [Fact]
    public async Task Resting_sells_each_within_a_long_cannot_together_flip_it_into_a_short_beyond_the_limit()
    {
        await fixture.ConfigureInstrumentAsync(Symbol, 100);
        await Market(100, 1);
        var risk = await fixture.OpenAccountAsync(Account, new RiskLimitsChange { MaxPositionQuantity = 1_000 });
        (await risk.SubmitOrderAsync(new OrderRequest("long", Account, Symbol, OrderSide.Buy, 1_000))).Order.Status.ShouldBe(OrderStatus.Filled);

        var a = await risk.SubmitOrderAsync(Sell("a", 600, 100.50m));
        a.Order.Status.ShouldBe(OrderStatus.Accepted, "it reduces the long to 400");
        (await risk.SubmitOrderAsync(Sell("b", 400, 101m))).Order.Status.ShouldBe(OrderStatus.Accepted, "with the 600 resting it flattens: still only reducing");
        var c = await risk.SubmitOrderAsync(Sell("c", 600, 101m));
        c.Order.Status.ShouldBe(OrderStatus.Accepted, "short 600 at worst, within the limit");

        // Alone it would leave a long of 400; with the 1,600 already resting it would make a short of 1,200.
        var flip = await risk.SubmitOrderAsync(Sell("d", 600, 101m));
        (flip.Order.Status, flip.Risk.Limit, flip.Risk.Value, flip.Risk.Threshold).ShouldBe((OrderStatus.Rejected, RiskLimitNames.MaxPosition, 1_200m, 1_000m));
        flip.Risk.Message.ShouldBe($"position in {Symbol} would be -1200 with the working sells of 1600, beyond max position 1000");

        // The first sell fills: the long is 400 and 1,000 still rests, so the same sell still goes 1,200 short at worst.
        await Market(100.60, 2);
        await Eventually.True(async () => (await fixture.Client.GetGrain<IOrderGrain>(a.Order.OrderId).GetAsync())!.Status == OrderStatus.Filled, "the first sell to fill");
        await Eventually.True(async () => (await fixture.Client.GetGrain<IPortfolioGrain>(Account).GetValuationAsync()).Positions.Single().Position.Quantity == 400,
            "the fill to be booked");
        (await risk.SubmitOrderAsync(Sell("d2", 600, 101m))).Risk.Message
            .ShouldBe($"position in {Symbol} would be -1200 with the working sells of 1000, beyond max position 1000");

        // A replace is checked in place of the order it changes, not on top of it.
        (await risk.ReplaceOrderAsync(c.Order.OrderId, 1_000, 101m, null)).Risk.Approved.ShouldBeTrue("400 - 400 - 1,000: short 1,000 at worst");
        var tooMuch = await risk.ReplaceOrderAsync(c.Order.OrderId, 1_100, 101m, null);
        (tooMuch.Risk.Limit, tooMuch.Risk.Value, tooMuch.Order.Request.Quantity).ShouldBe((RiskLimitNames.MaxPosition, 1_100m, 1_000m));

        // Once it is cancelled, the sell that was refused passes.
        await fixture.Client.GetGrain<IOrderGrain>(c.Order.OrderId).CancelAsync("desk");
        (await risk.SubmitOrderAsync(Sell("d3", 600, 101m))).Order.Status.ShouldBe(OrderStatus.Accepted, "400 - 400 - 600: short 600 at worst");
    }

    [Fact]
    public async Task Working_orders_in_another_instrument_count_toward_margin_until_they_are_gone()
    {
        const string account = "WR-MARGIN", resting = "WRKMX", traded = "WRKMY";
        foreach (var symbol in new[] { resting, traded })
        {
            await fixture.ConfigureInstrumentAsync(symbol, 100);
            await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 2, TimeSpan.FromSeconds(1), _ => 100));
        }
        await fixture.Client.GetGrain<IAccountGrain>(account).CreateAsync(new AccountRequest(account, Cash: 100_000m, Limits: new RiskLimitsChange { MarginRate = 0.5m }), "test-admin");
        var risk = fixture.Client.GetGrain<IRiskGrain>(account);
        var bid = await risk.SubmitOrderAsync(new OrderRequest("bid", account, resting, OrderSide.Buy, 1_500, OrderType.Limit, 99.50m));
        bid.Order.Status.ShouldBe(OrderStatus.Accepted, "margin 74,625 once it filled");

        // 149,250 resting and 60,006 more (600 at the ask 100.01) need margin 104,628 at 2:1 against equity 100,000.
        var refused = await risk.SubmitOrderAsync(new OrderRequest("buy", account, traded, OrderSide.Buy, 600));
        (refused.Risk.Limit, refused.Risk.Value, refused.Risk.Threshold).ShouldBe((RiskLimitNames.Margin, 104_628m, 100_000m));
        refused.Risk.Message.ShouldBe("the positions would need margin 104628 once the working orders filled, more than equity 100000 at margin rate 0.5");

        // Cancelled behind the gate's back: before refusing on it, the gate sees that it no longer rests.
        await fixture.Client.GetGrain<IOrderGrain>(bid.Order.OrderId).CancelAsync("desk");
        (await risk.SubmitOrderAsync(new OrderRequest("buy-2", account, traded, OrderSide.Buy, 600))).Order.Status.ShouldBe(OrderStatus.Filled);
    }

    [Fact]
    public async Task Working_orders_stored_by_id_alone_still_count_and_are_cancelled_by_the_kill_switch()
    {
        const string account = "WR-LEGACY", symbol = "WRKLG";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 2, TimeSpan.FromSeconds(1), _ => 100));
        var risk = await fixture.OpenAccountAsync(account, new RiskLimitsChange { MaxPositionQuantity = 1_000 });
        var resting = await risk.SubmitOrderAsync(new OrderRequest("rest", account, symbol, OrderSide.Sell, 800, OrderType.Limit, 101m));
        resting.Order.Status.ShouldBe(OrderStatus.Accepted);

        // The gate's state as it was stored before it kept the orders' details: their ids alone.
        await risk.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("Default");
        var stored = new GrainState<RiskState>(new RiskState());
        await storage.ReadStateAsync("risk", risk.GetGrainId(), stored);
        var gate = stored.State.ShouldNotBeNull();
        gate.Working.ShouldContainKey(resting.Order.OrderId);
        gate.Working.Clear();
        gate.WorkingOrders = new(StringComparer.Ordinal) { resting.Order.OrderId };
        await storage.WriteStateAsync("risk", risk.GetGrainId(), stored);

        (await risk.SubmitOrderAsync(new OrderRequest("more", account, symbol, OrderSide.Sell, 300, OrderType.Limit, 101m))).Risk.Message
            .ShouldBe($"position in {symbol} would be -1100 with the working sells of 800, beyond max position 1000");
        await risk.SetKillSwitchAsync(true, "desk halt", "test-risk");
        (await fixture.Client.GetGrain<IOrderGrain>(resting.Order.OrderId).GetAsync())!.Status.ShouldBe(OrderStatus.Cancelled);
    }

    [Fact]
    public async Task An_open_bracket_counts_once_toward_the_limits_until_a_leg_closes_it()
    {
        const string account = "WR-BRACKET", symbol = "WRKBRK";
        Task At(double mid, int minute) =>
            fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 2, TimeSpan.FromSeconds(1), _ => mid, start: TickPaths.Start.AddMinutes(minute)));
        async Task<OrderStatus?> StatusOf(string orderId) => (await fixture.Client.GetGrain<IOrderGrain>(orderId).GetAsync())?.Status;
        OrderRequest Sell(string id, decimal quantity, decimal? limit = null) =>
            new(id, account, symbol, OrderSide.Sell, quantity, limit is null ? OrderType.Market : OrderType.Limit, limit);

        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await At(100, 1);
        var risk = await fixture.OpenAccountAsync(account, new RiskLimitsChange { MaxPositionQuantity = 1_000 });
        var entry = await risk.SubmitOrderAsync(new OrderRequest("entry", account, symbol, OrderSide.Buy, 1_000, Bracket: new BracketRequest(95m, 105m)));
        entry.Order.Status.ShouldBe(OrderStatus.Filled);
        var (stopLoss, takeProfit) = (BracketRequest.LegId(entry.Order.OrderId, "sl"), BracketRequest.LegId(entry.Order.OrderId, "tp"));

        // The legs may sell the 1,000 (once: they cancel each other), from the moment the entry filled.
        var first = await risk.SubmitOrderAsync(Sell("a", 600, 101m));
        first.Order.Status.ShouldBe(OrderStatus.Accepted, "short 600 at worst");
        var flip = await risk.SubmitOrderAsync(Sell("b", 500, 101.5m));
        (flip.Order.Status, flip.Risk.Limit).ShouldBe((OrderStatus.Rejected, RiskLimitNames.MaxPosition));
        flip.Risk.Message.ShouldBe($"position in {symbol} would be -1100 with the working sells of 1600, beyond max position 1000");

        // The kill switch cancels the gate's own working orders and leaves the legs protecting the long; they still count.
        await Eventually.True(async () => await StatusOf(stopLoss) == OrderStatus.Accepted && await StatusOf(takeProfit) == OrderStatus.Accepted, "the legs to open");
        await risk.SetKillSwitchAsync(true, "desk halt", "test-risk");
        (await StatusOf(first.Order.OrderId)).ShouldBe(OrderStatus.Cancelled);
        (await StatusOf(stopLoss), await StatusOf(takeProfit)).ShouldBe((OrderStatus.Accepted, OrderStatus.Accepted));
        await risk.SetKillSwitchAsync(false, "desk resumes", "test-risk");
        var second = await risk.SubmitOrderAsync(Sell("c", 500, 101.5m));
        second.Order.Status.ShouldBe(OrderStatus.Accepted, "short 500 at worst");
        (await risk.SubmitOrderAsync(Sell("d", 600, 101.5m))).Risk.Message
            .ShouldBe($"position in {symbol} would be -1100 with the working sells of 1500, beyond max position 1000");

        // Moving a leg's stop is checked in place of the bracket, not on top of it: 1,000 - 500 - 1,000.
        var moved = await risk.ReplaceOrderAsync(stopLoss, 1_000, null, 96m);
        (moved.Risk.Approved, moved.Order.Request.StopPrice).ShouldBe((true, 96m));

        // The take profit fills and cancels the stop loss; with the other sell the account is short 500, and the bracket is gone.
        await At(105.20, 2);
        await Eventually.True(async () => await StatusOf(takeProfit) == OrderStatus.Filled && await StatusOf(stopLoss) == OrderStatus.Cancelled
                                          && await StatusOf(second.Order.OrderId) == OrderStatus.Filled, "the take profit and the sell to fill");
        await Eventually.True(async () => (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.Single().Position.Quantity == -500,
            "the fills to be booked");
        (await risk.SubmitOrderAsync(Sell("e", 400))).Order.Status.ShouldBe(OrderStatus.Filled, "short 900: nothing rests any more");
        (await risk.SubmitOrderAsync(Sell("f", 200))).Risk.Message.ShouldBe($"position in {symbol} would be -1100, beyond max position 1000");
    }

    [Fact]
    public async Task The_bracket_of_a_partly_filled_working_entry_counts_and_grows_with_its_fills()
    {
        const string account = "WR-BRK-PART", symbol = "WRKBRP";
        Task At(double mid, int minute) =>
            fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 2, TimeSpan.FromSeconds(1), _ => mid, start: TickPaths.Start.AddMinutes(minute)));
        OrderRequest Sell(string id, decimal quantity) => new(id, account, symbol, OrderSide.Sell, quantity, OrderType.Limit, 101m);

        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await At(100, 1);
        var risk = await fixture.OpenAccountAsync(account, new RiskLimitsChange { MaxPositionQuantity = 2_000 });
        var entry = await risk.SubmitOrderAsync(new OrderRequest("entry", account, symbol, OrderSide.Buy, 1_500, Bracket: new BracketRequest(95m, 105m)));
        (entry.Order.Status, entry.Order.FilledQuantity).ShouldBe((OrderStatus.PartiallyFilled, 1_000m), "the ask shows 1,000");

        // The gate reads the working entry, finds 1,000 filled, and counts the legs protecting them.
        (await risk.SubmitOrderAsync(Sell("a", 1_200))).Order.Status.ShouldBe(OrderStatus.Accepted, "1,000 - 1,000 - 1,200: short 1,200 at worst");
        (await risk.SubmitOrderAsync(Sell("b", 900))).Risk.Message
            .ShouldBe($"position in {symbol} would be -2100 with the working sells of 2200, beyond max position 2000");

        // The rest of the entry fills: the legs grow to 1,500 with it.
        await At(100, 2);
        await Eventually.True(async () => (await fixture.Client.GetGrain<IOrderGrain>(entry.Order.OrderId).GetAsync())!.Status == OrderStatus.Filled, "the entry to fill");
        await Eventually.True(async () => (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.Single().Position.Quantity == 1_500,
            "the fill to be booked");
        (await risk.SubmitOrderAsync(Sell("c", 900))).Risk.Message
            .ShouldBe($"position in {symbol} would be -2100 with the working sells of 2700, beyond max position 2000");
    }
}
