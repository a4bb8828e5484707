using System.Diagnostics.CodeAnalysis;
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
        !Works(view) ? null
            : new(view.Request.Symbol, view.Request.Side, view.Request.Quantity - view.FilledQuantity, view.Request.LimitPrice ?? view.Request.StopPrice ?? price, rate);

    private static bool Works([NotNullWhen(true)] OrderView? view) => view?.Status is OrderStatus.Accepted or OrderStatus.PartiallyFilled or OrderStatus.New;

    /// <summary>
    /// The open legs of <paramref name="entry"/>'s bracket as one order on the other side (<see cref="BracketExposure"/>),
    /// from the legs' orders (<paramref name="legs"/>, in <see cref="BracketRequest.LegsOf"/> order; null for a leg not
    /// opened yet, or when they were not read); null once the bracket is closed or the entry has none.
    /// </summary>
    public static RestingOrder? BracketOf(OrderView entry, IReadOnlyList<OrderView?>? legs, decimal rate)
    {
        if (entry.Request.Bracket is not { } bracket) return null;
        var states = bracket.LegsOf(entry.OrderId).Select((leg, i) => legs?[i] is { } view
            ? new BracketLeg(view.Request.LimitPrice ?? view.Request.StopPrice ?? leg.Price, view.Request.Quantity, view.FilledQuantity, !Works(view))
            : new BracketLeg(leg.Price, 0m, 0m, false)).ToList();
        var open = BracketExposure.Of(entry.FilledQuantity, states);
        return open.IsOpen ? new(entry.Request.Symbol, entry.Request.Side.Opposite(), open.Quantity, open.Price, rate) : null;
    }
}

/// <summary>
/// The working orders a risk gate placed (kept in its <see cref="RiskState"/>): what they add to a pre-trade check, read
/// afresh from their order grains only where it matters, and cancelled together by the kill switch. The open bracket
/// legs of the entries it placed count too, once per bracket (<see cref="BracketExposure"/>); the kill switch leaves
/// them, as they only protect what the entries filled.
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
        if (state.Brackets.Count > 256) await RefreshBracketsAsync(_ => true, null, null, 0m);
    }

    /// <summary>Remembers the bracket of an entry that filled (in part) already; true when it is new.</summary>
    public bool TrackBracket(OrderView entry, decimal rate)
    {
        if (entry.FilledQuantity == 0 || state.Brackets.ContainsKey(entry.OrderId) || RestingOrder.BracketOf(entry, null, rate) is not { } bracket) return false;
        state.Brackets[entry.OrderId] = bracket;
        return true;
    }

    /// <summary>Cancels every working order (the caller stores the emptied state).</summary>
    public async Task CancelAllAsync(string reason)
    {
        foreach (var orderId in state.Working.Keys.Concat(state.WorkingOrders).ToList())
        {
            var cancelled = await grains.Ref<IOrderGrain>(orderId).CancelAsync(reason);
            TrackBracket(cancelled, state.Working.GetValueOrDefault(orderId)?.Rate ?? 0m);
        }
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
    /// the others take their current remaining quantity; those in <paramref name="quote"/>'s symbol are priced at it and
    /// <paramref name="rate"/>. An entry found (partly) filled has its bracket remembered. Returns the orders as read.
    /// </summary>
    private async Task<Dictionary<string, OrderView?>?> RefreshAsync(Dictionary<string, RestingOrder> working, Func<RestingOrder, bool> which, Quote? quote, decimal rate)
    {
        var picked = working.Where(w => which(w.Value)).ToList();
        if (picked.Count == 0) return null;
        var views = await Task.WhenAll(picked.Select(w => grains.Ref<IOrderGrain>(w.Key).GetAsync()));
        var read = new Dictionary<string, OrderView?>(StringComparer.Ordinal);
        for (var i = 0; i < picked.Count; i++)
        {
            var (orderId, last) = picked[i];
            var priced = quote is not null && last.Symbol == quote.Symbol;
            var current = priced ? RestingOrder.Of(views[i], Touch(quote!, last.Side), rate) : RestingOrder.Of(views[i], last.Price, last.Rate);
            if (current is null) working.Remove(orderId);
            else working[orderId] = current;
            if (views[i] is { } view) TrackBracket(view, priced ? rate : last.Rate);
            read[orderId] = views[i];
        }
        return read;
    }

    /// <summary>
    /// Reads the brackets that <paramref name="which"/> picks from their entries' and legs' order grains (an entry in
    /// <paramref name="entries"/> was just read): closed ones are dropped, the others take what their legs may still
    /// take off the position; those in <paramref name="quote"/>'s symbol take <paramref name="rate"/>.
    /// </summary>
    private async Task RefreshBracketsAsync(Func<RestingOrder, bool> which, Dictionary<string, OrderView?>? entries, Quote? quote, decimal rate)
    {
        var picked = state.Brackets.Where(b => which(b.Value)).ToList();
        if (picked.Count == 0) return;
        var current = await Task.WhenAll(picked.Select(async b =>
        {
            var (entryId, last) = b;
            var entry = entries?.GetValueOrDefault(entryId) ?? await grains.Ref<IOrderGrain>(entryId).GetAsync();
            if (entry?.Request.Bracket is not { } bracket) return null;
            var legs = await Task.WhenAll(bracket.LegsOf(entryId).Select(leg => grains.Ref<IOrderGrain>(leg.OrderId).GetAsync()));
            return RestingOrder.BracketOf(entry, legs, quote is not null && last.Symbol == quote.Symbol ? rate : last.Rate);
        }));
        for (var i = 0; i < picked.Count; i++)
        {
            if (current[i] is { } open) state.Brackets[picked[i].Key] = open;
            else state.Brackets.Remove(picked[i].Key);
        }
    }

    private static decimal Touch(Quote quote, OrderSide side) => (decimal)(side == OrderSide.Buy ? quote.Ask : quote.Bid);

    /// <summary>
    /// What the account's working orders and open brackets add to the check: those in the order's symbol read afresh
    /// (only when there are any, so an account with nothing resting there pays no call), those elsewhere as last seen,
    /// unless <paramref name="everywhere"/>. The order itself (when it is being replaced) is left out: it is checked as
    /// changed; a replaced bracket leg stands for its bracket, which adds only what the other leg could take beyond it.
    /// </summary>
    public async ValueTask<WorkingExposure> ExposureAsync(OrderRequest request, string orderId, Quote quote, decimal rate, bool everywhere)
    {
        var working = await CurrentAsync();
        if (working.Count == 0 && state.Brackets.Count == 0) return default;
        bool Picked(RestingOrder w) => everywhere || w.Symbol == request.Symbol;
        var entries = await RefreshAsync(working, Picked, quote, rate);
        await RefreshBracketsAsync(Picked, entries, quote, rate);

        decimal buys = 0, buyNotional = 0, sells = 0, sellNotional = 0;
        Dictionary<string, (decimal Buys, decimal Sells)>? elsewhere = null;
        void Add(RestingOrder order)
        {
            if (order.Symbol == request.Symbol)
            {
                if (order.Side == OrderSide.Buy) { buys += order.Remaining; buyNotional += order.Notional; }
                else { sells += order.Remaining; sellNotional += order.Notional; }
                return;
            }
            elsewhere ??= new(StringComparer.Ordinal);
            var (b, s) = elsewhere.GetValueOrDefault(order.Symbol);
            elsewhere[order.Symbol] = order.Side == OrderSide.Buy ? (b + order.Notional, s) : (b, s + order.Notional);
        }
        foreach (var (id, order) in working)
            if (id != orderId) Add(order);
        var replacedLegOf = BracketRequest.EntryOf(orderId);
        foreach (var (entryId, bracket) in state.Brackets)
            Add(entryId == replacedLegOf ? bracket with { Remaining = Math.Max(0, bracket.Remaining - request.Quantity) } : bracket);
        // Either side of another instrument can fill, not both against a flat book: its larger side is what it may add.
        var other = elsewhere?.Values.Sum(n => Math.Max(n.Buys, n.Sells)) ?? 0m;
        return new WorkingExposure(buys, buyNotional, sells, sellNotional, other);
    }
}
