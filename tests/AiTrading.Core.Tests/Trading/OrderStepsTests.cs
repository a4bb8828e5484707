using AiTrading.Core.Audit;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Trading;

public sealed class OrderStepsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static Order Working(decimal quantity = 10)
    {
        var order = new Order("o1", new OrderRequest("c1", "ACC", "EURUSD", OrderSide.Buy, quantity, OrderType.Limit, 1.1m), T0);
        order.Accept(T0);
        return order;
    }

    private static ExecutionReport FillReport(string id, decimal quantity) =>
        new("o1", ExecutionKind.Fill, T0, new Fill(id, "o1", "ACC", "EURUSD", OrderSide.Buy, quantity, 1.1m, T0, "paper"));

    [Fact]
    public void Each_fill_steps_once_and_books_itself()
    {
        var order = Working();
        var step = OrderSteps.Apply(order, FillReport("o1#1", 4))!;
        (step.Kind, step.Fill!.FillId, step.VenueRefused).ShouldBe((AuditKinds.Fill, "o1#1", false));
        OrderSteps.Apply(order, FillReport("o1#1", 4)).ShouldBeNull("a fill seen before changes nothing");
        order.FilledQuantity.ShouldBe(4);
        OrderSteps.Apply(order, FillReport("o1#2", 6))!.Fill!.FillId.ShouldBe("o1#2");
        order.Status.ShouldBe(OrderStatus.Filled);
        OrderSteps.Apply(order, new ExecutionReport("o1", ExecutionKind.Cancelled, T0, Reason: "late")).ShouldBeNull("a done order is not cancelled");
    }

    [Fact]
    public void A_venue_refusal_rejects_an_accepted_order_and_cancels_a_partly_filled_one()
    {
        var accepted = Working();
        var rejected = OrderSteps.Apply(accepted, new ExecutionReport("o1", ExecutionKind.Rejected, T0, Reason: "closed"))!;
        (rejected.Kind, rejected.VenueRefused, accepted.Status, accepted.Reason).ShouldBe((AuditKinds.OrderRejected, true, OrderStatus.Rejected, "venue rejected: closed"));

        var partly = Working();
        OrderSteps.Apply(partly, FillReport("o1#1", 4));
        var cancelled = OrderSteps.Apply(partly, new ExecutionReport("o1", ExecutionKind.Rejected, T0, Reason: "closed"))!;
        (cancelled.Kind, cancelled.VenueRefused, partly.Status).ShouldBe((AuditKinds.OrderCancelled, true, OrderStatus.Cancelled));
    }

    [Fact]
    public void A_replacement_steps_only_when_it_changes_the_request_and_expiry_ends_a_working_order()
    {
        var order = Working();
        OrderSteps.Apply(order, new ExecutionReport("o1", ExecutionKind.Replaced, T0, Request: order.Request)).ShouldBeNull();
        var changed = order.Request with { Quantity = 12 };
        OrderSteps.Apply(order, new ExecutionReport("o1", ExecutionKind.Replaced, T0, Request: changed))!.Kind.ShouldBe(AuditKinds.OrderReplaced);
        order.Request.Quantity.ShouldBe(12);
        OrderSteps.Apply(order, new ExecutionReport("o1", ExecutionKind.Triggered, T0))!.Kind.ShouldBe(AuditKinds.OrderTriggered);
        OrderSteps.Apply(order, new ExecutionReport("o1", ExecutionKind.Expired, T0, Reason: "day ended"))!.Kind.ShouldBe(AuditKinds.OrderExpired);
        order.Status.ShouldBe(OrderStatus.Expired);
        OrderSteps.Apply(order, new ExecutionReport("o1", ExecutionKind.Expired, T0)).ShouldBeNull();
    }
}
