using AiTrading.Core.Audit;

namespace AiTrading.Core.Trading;

/// <summary>
/// A step a venue report makes an order take: its audit record's kind and payload, and the fill to book if it is one.
/// <see cref="VenueRefused"/> tells a venue's refusal from a cancel.
/// </summary>
public sealed record OrderStep(string Kind, object Payload, Fill? Fill = null, bool VenueRefused = false);

/// <summary>
/// How venue reports move an order's state machine, the same for every venue and for the live order grain and the
/// backtester: each report applies once (a fill by its id, a terminal report only to a working order, a replacement
/// only when it changes the request); what it changes comes back as the step to store and audit.
/// </summary>
public static class OrderSteps
{
    /// <summary>Applies <paramref name="report"/> to <paramref name="order"/>; null when it changes nothing (seen before, or too late).</summary>
    public static OrderStep? Apply(Order order, ExecutionReport report)
    {
        var id = order.OrderId;
        switch (report.Kind)
        {
            case ExecutionKind.Fill when report.Fill is { } fill:
                if (order.Fills.Any(f => f.FillId == fill.FillId)) return null;
                order.ApplyFill(fill);
                return new(AuditKinds.Fill, fill, fill);
            case ExecutionKind.Triggered when !order.IsTerminal:
                return new(AuditKinds.OrderTriggered, new { orderId = id, reason = report.Reason });
            case ExecutionKind.Replaced when !order.IsTerminal && report.Request is { } replaced && replaced != order.Request:
                order.Replace(replaced.Quantity, replaced.LimitPrice, replaced.StopPrice, report.Time);
                return new(AuditKinds.OrderReplaced, new { orderId = id, quantity = replaced.Quantity, replaced.LimitPrice, replaced.StopPrice, reason = report.Reason });
            case ExecutionKind.Rejected when order.Status == OrderStatus.Accepted:
                var refusal = $"venue rejected: {report.Reason}";
                order.Reject(refusal, report.Time);
                return new(AuditKinds.OrderRejected, new { orderId = id, reason = refusal }, VenueRefused: true);
            case ExecutionKind.Cancelled or ExecutionKind.Rejected when !order.IsTerminal:
                var refused = report.Kind == ExecutionKind.Rejected;
                var reason = refused ? $"venue rejected: {report.Reason}" : report.Reason ?? "cancelled";
                order.Cancel(reason, report.Time);
                return new(AuditKinds.OrderCancelled, new { orderId = id, reason }, VenueRefused: refused);
            case ExecutionKind.Expired when !order.IsTerminal:
                order.Expire(report.Reason ?? "expired", report.Time);
                return new(AuditKinds.OrderExpired, new { orderId = id, reason = report.Reason });
            default:
                return null;
        }
    }
}
