using AiTrading.Core;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Trading;

public sealed class OrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static OrderRequest Buy(decimal qty = 10) => new("c1", "ACC", "EURUSD", OrderSide.Buy, qty);
    private static Fill FillOf(string id, decimal qty, decimal price) => new(id, "o1", "ACC", "EURUSD", OrderSide.Buy, qty, price, T0, "paper");

    [Fact]
    public void Walks_new_accepted_partially_filled_filled_with_a_volume_weighted_average()
    {
        var order = new Order("o1", Buy(), T0);
        order.Status.ShouldBe(OrderStatus.New);
        order.Accept(T0);
        order.ApplyFill(FillOf("f1", 4, 1.1000m));
        order.Status.ShouldBe(OrderStatus.PartiallyFilled);
        order.RemainingQuantity.ShouldBe(6);
        order.ApplyFill(FillOf("f2", 6, 1.1010m));
        order.Status.ShouldBe(OrderStatus.Filled);
        order.AverageFillPrice.ShouldBe((4 * 1.1000m + 6 * 1.1010m) / 10);
        order.IsTerminal.ShouldBeTrue();
    }

    [Fact]
    public void Refuses_transitions_the_state_machine_does_not_allow()
    {
        var order = new Order("o1", Buy(), T0);
        Should.Throw<InvalidOrderTransitionException>(() => order.ApplyFill(FillOf("f1", 1, 1m))).From.ShouldBe(OrderStatus.New);
        Should.Throw<InvalidOrderTransitionException>(() => order.Cancel("x", T0));
        order.Reject("limit", T0);
        Should.Throw<InvalidOrderTransitionException>(() => order.Accept(T0));

        var filled = new Order("o1", Buy(1), T0);
        filled.Accept(T0);
        filled.ApplyFill(FillOf("f1", 1, 1m));
        Should.Throw<InvalidOrderTransitionException>(() => filled.Cancel("late", T0)).From.ShouldBe(OrderStatus.Filled);
    }

    [Fact]
    public void A_venue_may_reject_an_accepted_order_until_something_fills()
    {
        var accepted = new Order("o1", Buy(), T0);
        accepted.Accept(T0);
        accepted.Reject("venue rejected: no money", T0);
        (accepted.Status, accepted.Reason).ShouldBe((OrderStatus.Rejected, "venue rejected: no money"));

        var partly = new Order("o2", Buy(), T0);
        partly.Accept(T0);
        partly.ApplyFill(FillOf("f1", 1, 1m) with { OrderId = "o2" });
        Should.Throw<InvalidOrderTransitionException>(() => partly.Reject("late", T0)).From.ShouldBe(OrderStatus.PartiallyFilled);
    }

    [Fact]
    public void Ignores_a_redelivered_fill_and_refuses_overfills_and_foreign_fills()
    {
        var order = new Order("o1", Buy(), T0);
        order.Accept(T0);
        order.ApplyFill(FillOf("f1", 4, 1m));
        order.ApplyFill(FillOf("f1", 4, 1m));
        order.FilledQuantity.ShouldBe(4);
        Should.Throw<ArgumentException>(() => order.ApplyFill(FillOf("f2", 7, 1m)));
        Should.Throw<ArgumentException>(() => order.ApplyFill(FillOf("f3", 1, 1m) with { OrderId = "other" }));
        Should.Throw<ArgumentException>(() => order.ApplyFill(FillOf("f4", 1, 1m) with { Side = OrderSide.Sell }));
    }

    [Fact]
    public void Restore_rebuilds_the_same_order()
    {
        var order = new Order("o1", Buy(), T0);
        order.Accept(T0);
        order.ApplyFill(FillOf("f1", 4, 1.2m));
        order.Cancel("ioc", T0.AddSeconds(1));
        var copy = Order.Restore("o1", order.Request, order.CreatedAt, order.Status, order.Reason, order.UpdatedAt, order.Fills);
        copy.Status.ShouldBe(OrderStatus.Cancelled);
        copy.FilledQuantity.ShouldBe(4);
        copy.AverageFillPrice.ShouldBe(1.2m);
        copy.Reason.ShouldBe("ioc");
        copy.UpdatedAt.ShouldBe(order.UpdatedAt);
    }

    [Fact]
    public void Validation_names_every_bad_field()
    {
        var errors = new OrderRequest(" ", "", "EUR USD", (OrderSide)0, 0, OrderType.Market, 1.5m).Validate();
        errors.Select(e => e.Field).ShouldBe(["clientOrderId", "account", "symbol", "side", "quantity", "limitPrice"], ignoreOrder: true);
        new OrderRequest("a", "b", "EURUSD", OrderSide.Sell, 1, OrderType.Limit).Validate().Single().Field.ShouldBe("limitPrice");
        new OrderRequest("a", "b", "EURUSD", OrderSide.Sell, 1, OrderType.Limit, -2).Validate().Single().Message.ShouldContain("greater than 0");
        Buy().Validate().ShouldBeEmpty();
        Should.Throw<ValidationException>(() => (Buy() with { Quantity = -1 }).EnsureValid()).Errors.Single().Field.ShouldBe("quantity");
    }

    [Fact]
    public void Stop_types_time_in_force_and_brackets_are_validated_field_by_field()
    {
        OrderRequest Request(OrderType type, decimal? limit = null, decimal? stop = null, TimeInForce tif = TimeInForce.Gtc, BracketRequest? bracket = null, OrderSide side = OrderSide.Buy) =>
            new("a", "b", "EURUSD", side, 1, type, limit, null, stop, tif, bracket);
        Request(OrderType.Stop).Validate().Single().ShouldBe(new FieldError("stopPrice", "is required for a stop order"));
        Request(OrderType.StopLimit, stop: 1.1m).Validate().Single().ShouldBe(new FieldError("limitPrice", "is required for a stop-limit order"));
        Request(OrderType.Limit, limit: 1m, stop: 1m).Validate().Single().ShouldBe(new FieldError("stopPrice", "must be empty for a limit order"));
        Request(OrderType.Market, stop: -1m).Validate().Select(e => e.Message).ShouldBe(["must be empty for a market order", "must be greater than 0 (got -1)"]);
        Request(OrderType.Stop, stop: 1.1m, tif: TimeInForce.Ioc).Validate().Single().Field.ShouldBe("timeInForce");
        Request(OrderType.Market, tif: (TimeInForce)9).Validate().Single().Field.ShouldBe("timeInForce");
        Request(OrderType.StopLimit, 1.09m, 1.1m, TimeInForce.Day).Validate().ShouldBeEmpty();

        Request(OrderType.Market, bracket: new(null, null)).Validate().Single().Field.ShouldBe("bracket");
        Request(OrderType.Market, bracket: new(1.2m, 1.1m)).Validate().Single().Message.ShouldBe("a buy's stop loss must be below its take profit (got 1.2 and 1.1)");
        Request(OrderType.Market, bracket: new(1.1m, 1.2m), side: OrderSide.Sell).Validate().Single().Message.ShouldContain("must be above");
        Request(OrderType.Market, bracket: new(0, null)).Validate().Single().Field.ShouldBe("bracket.stopLossPrice");
        Request(OrderType.Limit, 1.1m, bracket: new(1.0m, 1.2m)).Validate().ShouldBeEmpty();
    }

    [Fact]
    public void A_working_order_can_be_replaced_or_expire_and_restore_keeps_it()
    {
        var order = new Order("o1", Buy(10) with { Type = OrderType.Limit, LimitPrice = 1.1m }, T0);
        order.Accept(T0);
        order.ApplyFill(FillOf("f1", 4, 1.1m));
        Should.Throw<ValidationException>(() => order.Replace(4, 1.1m, null, T0)).Errors.Single().Message.ShouldBe("must be more than the 4 already filled (got 4)");
        Should.Throw<ValidationException>(() => order.Replace(8, null, null, T0)).Errors.Single().Field.ShouldBe("limitPrice");
        order.Replace(8, 1.11m, null, T0.AddSeconds(1));
        (order.Request.Quantity, order.Request.LimitPrice, order.RemainingQuantity, order.UpdatedAt).ShouldBe((8m, 1.11m, 4m, T0.AddSeconds(1)));
        order.Expire("DAY order expired", T0.AddHours(15));
        (order.Status, order.IsTerminal).ShouldBe((OrderStatus.Expired, true));
        Should.Throw<InvalidOrderTransitionException>(() => order.Replace(9, 1.1m, null, T0));
        var copy = Order.Restore("o1", order.Request, order.CreatedAt, order.Status, order.Reason, order.UpdatedAt, order.Fills);
        (copy.Status, copy.Request.Quantity, copy.FilledQuantity).ShouldBe((OrderStatus.Expired, 8m, 4m));
    }
}
