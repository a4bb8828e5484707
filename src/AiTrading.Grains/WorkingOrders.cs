using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Grains;

/// <summary>
/// A working order as the risk gate last saw it: the quantity left to fill, its limit or stop price (for a market order,
/// the touch then) and the rate of its quote currency into the account currency then.
/// </summary>
[GenerateSerializer, Immutable, Alias("risk-resting-order")]
public sealed record RestingOrder(
    [property: Id(0)] string Symbol,
    [property: Id(1)] OrderSide Side,
    [property: Id(2)] decimal Remaining,
    [property: Id(3)] decimal Price,
    [property: Id(4)] decimal Rate)
{
    public decimal Notional => Remaining * Price * Rate;

    /// <summary>The order as it stands now, at its own limit or stop price or else at <paramref name="price"/>; null once it finished or is unknown.</summary>
    public static RestingOrder? Of(OrderView? view, decimal price, decimal rate) =>
        view is null || view.Status is not (OrderStatus.Accepted or OrderStatus.PartiallyFilled or OrderStatus.New) ? null
            : new(view.Request.Symbol, view.Request.Side, view.Request.Quantity - view.FilledQuantity, view.Request.LimitPrice ?? view.Request.StopPrice ?? price, rate);
}

/// <summary>
/// The working orders a risk gate placed (kept in its <see cref="RiskState"/>): what they add to a pre-trade check, read
/// afresh from their order grains only where it matters, and cancelled together by the kill switch.
/// </summary>
internal sealed class WorkingOrders(RiskState state, IGrainFactory grains)
{
    /// <summary>Remembers a working order (as the check approved it, or as its order grain says); past a few hundred, finished ones are forgotten.</summary>
    public async Task TrackAsync(string orderId, RestingOrder? approved)
    {
        var working = await CurrentAsync();
        if (approved is not null) working[orderId] = approved;
        else if (RestingOrder.Of(await grains.Ref<IOrderGrain>(orderId).GetAsync(), 0m, 0m) is { } seen) working[orderId] = seen;
        if (working.Count > 256) await RefreshAsync(working, _ => true, null, 0m);
    }

    /// <summary>Cancels every working order (the caller stores the emptied state).</summary>
    public async Task CancelAllAsync(string reason)
    {
        foreach (var orderId in state.Working.Keys.Concat(state.WorkingOrders).ToList())
            await grains.Ref<IOrderGrain>(orderId).CancelAsync(reason);
        state.Working.Clear();
        state.WorkingOrders.Clear();
    }

    /// <summary>The working orders, with those kept by id alone (<see cref="RiskState.WorkingOrders"/>) read and moved in.</summary>
    private async ValueTask<Dictionary<string, RestingOrder>> CurrentAsync()
    {
        var working = state.Working;
        if (state.WorkingOrders.Count == 0) return working;
        foreach (var orderId in state.WorkingOrders)
            if (RestingOrder.Of(await grains.Ref<IOrderGrain>(orderId).GetAsync(), 0m, 0m) is { } seen) working[orderId] = seen;
        state.WorkingOrders.Clear();
        return working;
    }

    /// <summary>
    /// Reads the working orders that <paramref name="which"/> picks from their order grains: finished ones are dropped,
    /// the others take their current remaining quantity; those in <paramref name="quote"/>'s symbol are priced at it and <paramref name="rate"/>.
    /// </summary>
    private async Task RefreshAsync(Dictionary<string, RestingOrder> working, Func<RestingOrder, bool> which, Quote? quote, decimal rate)
    {
        var picked = working.Where(w => which(w.Value)).ToList();
        if (picked.Count == 0) return;
        var views = await Task.WhenAll(picked.Select(w => grains.Ref<IOrderGrain>(w.Key).GetAsync()));
        for (var i = 0; i < picked.Count; i++)
        {
            var (orderId, last) = picked[i];
            var current = quote is not null && last.Symbol == quote.Symbol
                ? RestingOrder.Of(views[i], Touch(quote, last.Side), rate)
                : RestingOrder.Of(views[i], last.Price, last.Rate);
            if (current is null) working.Remove(orderId);
            else working[orderId] = current;
        }
    }

    private static decimal Touch(Quote quote, OrderSide side) => (decimal)(side == OrderSide.Buy ? quote.Ask : quote.Bid);

    /// <summary>
    /// What the account's working orders add to the check: those in the order's symbol read afresh (only when there are
    /// any, so an account with nothing resting there pays no call), those elsewhere as last seen, unless
    /// <paramref name="everywhere"/>. The order itself (when it is being replaced) is left out: it is checked as changed.
    /// </summary>
    public async ValueTask<WorkingExposure> ExposureAsync(OrderRequest request, string orderId, Quote quote, decimal rate, bool everywhere)
    {
        var working = await CurrentAsync();
        if (working.Count == 0) return default;
        await RefreshAsync(working, w => everywhere || w.Symbol == request.Symbol, quote, rate);

        decimal buys = 0, buyNotional = 0, sells = 0, sellNotional = 0;
        Dictionary<string, (decimal Buys, decimal Sells)>? elsewhere = null;
        foreach (var (id, order) in working)
        {
            if (id == orderId) continue;
            if (order.Symbol == request.Symbol)
            {
                if (order.Side == OrderSide.Buy) { buys += order.Remaining; buyNotional += order.Notional; }
                else { sells += order.Remaining; sellNotional += order.Notional; }
                continue;
            }
            elsewhere ??= new(StringComparer.Ordinal);
            var (b, s) = elsewhere.GetValueOrDefault(order.Symbol);
            elsewhere[order.Symbol] = order.Side == OrderSide.Buy ? (b + order.Notional, s) : (b, s + order.Notional);
        }
        // Either side of another instrument can fill, not both against a flat book: its larger side is what it may add.
        var other = elsewhere?.Values.Sum(n => Math.Max(n.Buys, n.Sells)) ?? 0m;
        return new WorkingExposure(buys, buyNotional, sells, sellNotional, other);
    }
}
