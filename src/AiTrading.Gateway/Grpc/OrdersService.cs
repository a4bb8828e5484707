using System.Globalization;
using AiTrading.Contracts;
using AiTrading.Core.Trading;
using Google.Protobuf.WellKnownTypes;
using AiTrading.Gateway.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Gateway.Grpc;

internal sealed class OrdersService(IClusterClient cluster) : Proto.Orders.OrdersBase
{
    [Authorize(Policy = Policies.Trade)]
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
            Proto.OrderType.Stop => "STOP",
            Proto.OrderType.StopLimit => "STOP_LIMIT",
            _ => $"{(int)request.Type}",
        };
        var timeInForce = request.TimeInForce switch
        {
            Proto.TimeInForce.Gtc => "GTC",
            Proto.TimeInForce.Ioc => "IOC",
            Proto.TimeInForce.Fok => "FOK",
            Proto.TimeInForce.Day => "DAY",
            _ => $"{(int)request.TimeInForce}",
        };
        var order = OrderInput.Parse(new OrderFields(request.ClientOrderId, request.Account, request.Symbol, side, request.Quantity, type,
            request.LimitPrice, request.StopPrice, timeInForce, request.Bracket?.StopLossPrice, request.Bracket?.TakeProfitPrice, request.Bracket is not null, request.Venue));
        context.GetHttpContext().RequireAccount(order.Account, AccountAct.Trade);
        var submission = await cluster.Ref<IRiskGrain>(order.Account).SubmitOrderAsync(order);
        RequireApproved(submission);
        return Reply(submission.Order, submission.Duplicate);
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.OrderReply> Get(Proto.GetOrderRequest request, ServerCallContext context) =>
        Reply(await RequireAsync(context, request.OrderId, AccountAct.Read), duplicate: false);

    [Authorize(Policy = Policies.Trade)]
    public override async Task<Proto.OrderReply> Cancel(Proto.CancelOrderRequest request, ServerCallContext context)
    {
        await RequireAsync(context, request.OrderId, AccountAct.Trade);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "cancelled by client" : request.Reason;
        return Reply(await cluster.Ref<IOrderGrain>(request.OrderId).CancelAsync(reason), duplicate: false);
    }

    [Authorize(Policy = Policies.Trade)]
    public override async Task<Proto.OrderReply> Replace(Proto.ReplaceOrderRequest request, ServerCallContext context)
    {
        var (quantity, limit, stop) = OrderInput.ParseReplace(request.Quantity, request.LimitPrice, request.StopPrice);
        var order = await RequireAsync(context, request.OrderId, AccountAct.Trade);
        var submission = await cluster.Ref<IRiskGrain>(order.Request.Account).ReplaceOrderAsync(request.OrderId, quantity, limit, stop);
        RequireApproved(submission);
        return Reply(submission.Order, duplicate: false);
    }

    private async Task<OrderView> RequireAsync(ServerCallContext context, string orderId, AccountAct act)
    {
        if (string.IsNullOrWhiteSpace(orderId)) throw new RpcException(new Status(StatusCode.InvalidArgument, "order_id: is required"));
        context.GetHttpContext().RequireOrderAccount(orderId, act);
        return await cluster.Ref<IOrderGrain>(orderId).GetAsync() ?? throw new ResourceNotFoundException("order", orderId);
    }

    private static void RequireApproved(OrderSubmission submission)
    {
        if (submission.Risk.Approved) return;
        var trailers = new Metadata { { "risk-limit", submission.Risk.Limit ?? "" }, { "order-id", submission.Order.OrderId } };
        throw new RpcException(new Status(StatusCode.FailedPrecondition, $"rejected by risk limit {submission.Risk.Limit}: {submission.Risk.Message}"), trailers);
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
            Type = o.Request.Type switch
            {
                OrderType.Limit => Proto.OrderType.Limit,
                OrderType.Stop => Proto.OrderType.Stop,
                OrderType.StopLimit => Proto.OrderType.StopLimit,
                _ => Proto.OrderType.Market,
            },
            StopPrice = Text(o.Request.StopPrice),
            TimeInForce = o.Request.TimeInForce switch
            {
                TimeInForce.Ioc => Proto.TimeInForce.Ioc,
                TimeInForce.Fok => Proto.TimeInForce.Fok,
                TimeInForce.Day => Proto.TimeInForce.Day,
                _ => Proto.TimeInForce.Gtc,
            },
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
        OrderStatus.Expired => "EXPIRED",
        _ => status.ToString().ToUpperInvariant(),
    };
}
