using System.Globalization;
using AiTrading.Contracts;
using AiTrading.Core.Trading;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Gateway.Grpc;

internal sealed class OrdersService(IClusterClient cluster) : Proto.Orders.OrdersBase
{
    public override async Task<Proto.OrderReply> Submit(Proto.SubmitOrderRequest request, ServerCallContext context)
    {
        var side = request.Side switch
        {
            Proto.OrderSide.Buy => "BUY",
            Proto.OrderSide.Sell => "SELL",
            Proto.OrderSide.Unspecified => null,
            _ => $"{(int)request.Side}",
        };
        var type = request.Type switch
        {
            Proto.OrderType.Market => "MARKET",
            Proto.OrderType.Limit => "LIMIT",
            _ => $"{(int)request.Type}",
        };
        var order = OrderInput.Parse(request.ClientOrderId, request.Account, request.Symbol, side, request.Quantity, type, request.LimitPrice);
        var submission = await cluster.GetGrain<IRiskGrain>(order.Account).SubmitOrderAsync(order);
        if (!submission.Risk.Approved)
        {
            var trailers = new Metadata { { "risk-limit", submission.Risk.Limit ?? "" }, { "order-id", submission.Order.OrderId } };
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"rejected by risk limit {submission.Risk.Limit}: {submission.Risk.Message}"), trailers);
        }
        return Reply(submission.Order, submission.Duplicate);
    }

    public override async Task<Proto.OrderReply> Get(Proto.GetOrderRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.OrderId))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "order_id: is required"));
        var order = await cluster.GetGrain<IOrderGrain>(request.OrderId).GetAsync()
            ?? throw new ResourceNotFoundException("order", request.OrderId);
        return Reply(order, duplicate: false);
    }

    private static Proto.OrderReply Reply(OrderView o, bool duplicate)
    {
        var reply = new Proto.OrderReply
        {
            OrderId = o.OrderId,
            ClientOrderId = o.Request.ClientOrderId,
            Account = o.Request.Account,
            Symbol = o.Request.Symbol,
            Side = o.Request.Side == OrderSide.Buy ? Proto.OrderSide.Buy : Proto.OrderSide.Sell,
            Type = o.Request.Type == OrderType.Limit ? Proto.OrderType.Limit : Proto.OrderType.Market,
            Quantity = Text(o.Request.Quantity),
            LimitPrice = Text(o.Request.LimitPrice),
            Status = StatusName(o.Status),
            FilledQuantity = Text(o.FilledQuantity),
            AverageFillPrice = Text(o.AverageFillPrice),
            Reason = o.Reason ?? "",
            Duplicate = duplicate,
        };
        reply.Fills.AddRange(o.Fills.Select(f => new Proto.Fill
        {
            FillId = f.FillId, Quantity = Text(f.Quantity), Price = Text(f.Price), Time = Timestamp.FromDateTimeOffset(f.Time), Venue = f.Venue,
        }));
        return reply;
    }

    private static string Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string StatusName(OrderStatus status) => status switch
    {
        OrderStatus.New => "NEW",
        OrderStatus.Accepted => "ACCEPTED",
        OrderStatus.PartiallyFilled => "PARTIALLY_FILLED",
        OrderStatus.Filled => "FILLED",
        OrderStatus.Cancelled => "CANCELLED",
        OrderStatus.Rejected => "REJECTED",
        _ => status.ToString().ToUpperInvariant(),
    };
}
