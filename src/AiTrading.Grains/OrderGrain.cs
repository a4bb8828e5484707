using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Audit;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Logging;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("order-state")]
public sealed class OrderState
{
    [Id(0)] public OrderView? Order { get; set; }
}

/// <summary>
/// One order's lifecycle. Each step is persisted before it is audited, and a fill is audited before the
/// portfolio books it, so every position change has its audit record.
/// </summary>
public sealed class OrderGrain(
    [PersistentState("order")] IPersistentState<OrderState> state,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain
{
    private string OrderId => this.GetPrimaryKeyString();

    public Task<OrderView?> GetAsync() => Task.FromResult(state.State.Order);

    public async Task<OrderView> RejectAsync(OrderRequest request, RiskDecision decision)
    {
        if (state.State.Order is { } existing) return existing;
        var order = new Order(OrderId, request, clock.GetUtcNow());
        order.Reject($"{decision.Limit}: {decision.Message}", order.CreatedAt);
        state.State.Order = OrderView.From(order, decision);
        await state.WriteStateAsync();
        return state.State.Order;
    }

    public async Task<OrderView> ExecuteAsync(OrderRequest request, string venue)
    {
        if (state.State.Order is { } existing) return existing;
        var order = new Order(OrderId, request, clock.GetUtcNow());
        order.Accept(order.CreatedAt);
        await SaveAsync(order);
        await AuditAsync(AuditKinds.OrderAccepted, new { orderId = OrderId, venue, request });

        VenueExecution execution;
        try
        {
            execution = await GrainFactory.GetGrain<IVenueGrain>(venue).ExecuteAsync(OrderId, request);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Venue {Venue} failed on order {OrderId}", venue, OrderId);
            execution = new VenueExecution([], $"venue '{venue}' failed: {e.Message}");
        }

        foreach (var fill in execution.Fills)
        {
            order.ApplyFill(fill);
            await SaveAsync(order);
            await AuditAsync(AuditKinds.Fill, fill);
            await GrainFactory.GetGrain<IPortfolioGrain>(request.Account).ApplyFillAsync(fill);
        }

        if (!order.IsTerminal)
        {
            var reason = execution.NoFillReason ?? "venue left the order unfilled";
            order.Cancel(reason, clock.GetUtcNow());
            await SaveAsync(order);
            await AuditAsync(AuditKinds.OrderCancelled, new { orderId = OrderId, reason });
        }
        return state.State.Order!;
    }

    private Task SaveAsync(Order order)
    {
        state.State.Order = OrderView.From(order);
        return state.WriteStateAsync();
    }

    private Task AuditAsync<T>(string kind, T payload) =>
        AuditJson.AppendAsync(GrainFactory, state.State.Order!.Request.Account, kind, payload);
}
