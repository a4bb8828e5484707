using AiTrading.Core.MarketData;

namespace AiTrading.Core.Trading;

/// <summary>
/// How the paper venue fills. Slippage is adverse and in basis points of the touched price: a fixed part plus a
/// seeded uniform random part in [0, <see cref="RandomSlippageBps"/>]. <see cref="Latency"/> is the time between an
/// order's arrival and the first quote it can trade against.
/// </summary>
public sealed record PaperFillOptions
{
    public decimal SlippageBps { get; init; } = 0.2m;
    public decimal RandomSlippageBps { get; init; } = 0.3m;
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;
    public int Seed { get; init; } = 7;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (SlippageBps is < 0 or > 10_000) errors.Add(new("slippageBps", $"must be between 0 and 10000 (got {SlippageBps})"));
        if (RandomSlippageBps is < 0 or > 10_000) errors.Add(new("randomSlippageBps", $"must be between 0 and 10000 (got {RandomSlippageBps})"));
        if (Latency < TimeSpan.Zero || Latency > TimeSpan.FromSeconds(10)) errors.Add(new("latency", $"must be between 0 and 10 s (got {Latency})"));
        return errors;
    }
}

public enum ExecutionKind
{
    /// <summary>Part or all of the order traded (<see cref="ExecutionReport.Fill"/>).</summary>
    Fill,
    /// <summary>A stop or stop-limit order's stop was touched: it now works as a market or limit order.</summary>
    Triggered,
    Cancelled,
    Expired,
    Rejected,
    /// <summary>The order's quantity or prices changed (<see cref="ExecutionReport.Request"/> is the new request).</summary>
    Replaced,
    /// <summary>A bracket leg was placed for a filled entry (<see cref="ExecutionReport.Request"/>, <see cref="ExecutionReport.ParentOrderId"/>).</summary>
    Opened,
}

/// <summary>What happened to one order at the venue.</summary>
public sealed record ExecutionReport(
    string OrderId,
    ExecutionKind Kind,
    DateTimeOffset Time,
    Fill? Fill = null,
    string? Reason = null,
    OrderRequest? Request = null,
    string? ParentOrderId = null);

/// <summary>A working order as the book holds it (for snapshots): what is left, whether its stop has fired, when it may first trade.</summary>
public sealed record WorkingOrder(
    string OrderId,
    OrderRequest Request,
    decimal Filled,
    bool Triggered,
    bool Attempted,
    DateTimeOffset ActiveFrom,
    DateOnly? Day,
    long Sequence,
    int Fills,
    string? ParentOrderId,
    string? SiblingOrderId,
    string Venue);

/// <summary>
/// The paper venue's order book for one symbol: it matches working orders against every quote, in arrival order.
/// <list type="bullet">
/// <item>Prices: buys trade at the ask, sells at the bid, worsened by slippage and rounded to the tick away from the
/// trader; a limit caps the price. Quantity: at most the size shown at the touch, shared by the orders that trade on
/// the same quote (a size of 0 means the feed shows none and bounds nothing).</item>
/// <item>Types: a limit trades when the touch reaches it; a stop triggers when the touch reaches the stop (a buy
/// stop when the ask rises to it, a sell stop when the bid falls to it) and then trades as a market or, for
/// stop-limit, as a limit order.</item>
/// <item>Time in force: GTC works until filled or cancelled; DAY expires with the first quote of a later UTC day;
/// IOC trades once, on the first quote it may trade against, and cancels the rest; FOK trades all on that quote or
/// nothing.</item>
/// <item>Latency: an order may first trade on a quote at or after its arrival plus <see cref="PaperFillOptions.Latency"/>.</item>
/// <item>Brackets: each fill of an entry places or grows a stop-loss (stop) and a take-profit (limit) leg on the
/// other side for the filled quantity; a fill of one leg shrinks the other by as much, and the leg that completes
/// cancels the other.</item>
/// </list>
/// Deterministic: the same orders and quotes give the same reports (slippage draws come from a seeded generator per
/// symbol, in that order).
/// </summary>
public sealed class PaperOrderBook
{
    private readonly List<WorkingOrder> _working = [];
    private readonly PaperFillOptions _options;
    private readonly decimal _tick;
    private readonly Random _random;
    private long _sequence;

    public PaperOrderBook(string symbol, double tickSize, PaperFillOptions options, IEnumerable<WorkingOrder>? working = null, long sequence = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
        Symbol = symbol;
        _options = options;
        _tick = (decimal)tickSize;
        _random = new Random(options.Seed ^ StableHash(symbol));
        if (working is not null) _working.AddRange(working.OrderBy(w => w.Sequence));
        _sequence = Math.Max(sequence, _working.Count == 0 ? 0 : _working[^1].Sequence);
    }

    public string Symbol { get; }

    /// <summary>Working orders in priority (arrival) order.</summary>
    public IReadOnlyList<WorkingOrder> Working => _working;

    /// <summary>The last sequence number given out (part of a snapshot with <see cref="Working"/>).</summary>
    public long Sequence => _sequence;

    /// <summary>
    /// Places an order arriving with <paramref name="quote"/> (the current quote, or null before the first one); with
    /// no latency it trades against that quote at once if it can. <paramref name="now"/> is used only without a quote.
    /// </summary>
    public IReadOnlyList<ExecutionReport> Submit(string orderId, OrderRequest request, string venue, Quote? quote, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Symbol != Symbol) throw new ArgumentException($"order '{orderId}' is for {request.Symbol}, not {Symbol}", nameof(request));
        if (_working.Any(w => w.OrderId == orderId)) return [];
        if (request.Type == OrderType.Market && quote is null && _options.Latency == TimeSpan.Zero)
            return [new(orderId, ExecutionKind.Rejected, now, Reason: $"no quote for {Symbol} yet: a market order cannot be priced")];
        // The book keeps market time: an order arrives at the time of the quote it meets (the clock only without one).
        var arrival = quote?.Time ?? now;
        _working.Add(new WorkingOrder(orderId, request, 0, false, false, arrival + _options.Latency,
            request.TimeInForce == TimeInForce.Day ? DateOnly.FromDateTime(arrival.UtcDateTime) : null, ++_sequence, 0, null, null, venue));
        return quote is not null && _options.Latency == TimeSpan.Zero ? Match(quote, only: orderId) : [];
    }

    /// <summary>Matches every working order that may trade against <paramref name="quote"/>.</summary>
    public IReadOnlyList<ExecutionReport> OnQuote(Quote quote) => Match(quote, only: null);

    /// <summary>Cancels a working order; null when the book does not hold it (already done, or unknown).</summary>
    public ExecutionReport? Cancel(string orderId, string reason, DateTimeOffset now)
    {
        var index = _working.FindIndex(w => w.OrderId == orderId);
        if (index < 0) return null;
        _working.RemoveAt(index);
        return new(orderId, ExecutionKind.Cancelled, now, Reason: reason);
    }

    /// <summary>
    /// Changes a working order's quantity and prices; it goes to the back of the queue, and trades at once against
    /// <paramref name="quote"/> if the change made it marketable. Empty when the book does not hold the order.
    /// </summary>
    public IReadOnlyList<ExecutionReport> Replace(string orderId, decimal quantity, decimal? limitPrice, decimal? stopPrice, Quote? quote, DateTimeOffset now)
    {
        var index = _working.FindIndex(w => w.OrderId == orderId);
        if (index < 0) return [];
        var order = _working[index];
        if (quantity <= order.Filled) throw new ValidationException("quantity", $"must be more than the {order.Filled} already filled (got {quantity})");
        var request = order.Request with { Quantity = quantity, LimitPrice = limitPrice, StopPrice = stopPrice };
        _working.RemoveAt(index);
        _working.Add(order with { Request = request, Sequence = ++_sequence });
        var reports = new List<ExecutionReport> { new(orderId, ExecutionKind.Replaced, quote?.Time ?? now, Request: request) };
        if (quote is not null) reports.AddRange(Match(quote, only: orderId));
        return reports;
    }

    private List<ExecutionReport> Match(Quote quote, string? only)
    {
        var reports = new List<ExecutionReport>();
        if (!(quote.Bid > 0) || !(quote.Ask >= quote.Bid) || quote.Symbol != Symbol) return reports;
        var (bid, ask) = ((decimal)quote.Bid, (decimal)quote.Ask);
        var bidLeft = quote.BidSize > 0 ? (decimal)quote.BidSize : decimal.MaxValue;
        var askLeft = quote.AskSize > 0 ? (decimal)quote.AskSize : decimal.MaxValue;
        var today = DateOnly.FromDateTime(quote.Time.UtcDateTime);

        // Bracket legs placed while matching trade from the next quote on; a snapshot of the ids keeps the loop simple.
        foreach (var orderId in _working.Select(w => w.OrderId).ToList())
        {
            if (only is not null && orderId != only) continue;
            var index = _working.FindIndex(w => w.OrderId == orderId);
            if (index < 0) continue;
            var order = _working[index];
            var request = order.Request;

            if (order.Day is { } day && today > day)
            {
                _working.RemoveAt(index);
                reports.Add(new(orderId, ExecutionKind.Expired, quote.Time, Reason: $"DAY order expired at the end of {day:yyyy-MM-dd} (UTC)"));
                continue;
            }
            if (quote.Time < order.ActiveFrom) continue;

            var buy = request.Side == OrderSide.Buy;
            if (request.UsesStop && !order.Triggered)
            {
                if (!(buy ? ask >= request.StopPrice : bid <= request.StopPrice)) continue;
                order = order with { Triggered = true };
                _working[index] = order;
                reports.Add(new(orderId, ExecutionKind.Triggered, quote.Time, Reason: $"stop {request.StopPrice} touched ({(buy ? "ask" : "bid")} {(buy ? ask : bid)})"));
            }

            var touch = buy ? ask : bid;
            var marketable = !request.UsesLimit || (buy ? touch <= request.LimitPrice : touch >= request.LimitPrice);
            var remaining = request.Quantity - order.Filled;
            var available = buy ? askLeft : bidLeft;
            var quantity = marketable ? Math.Min(remaining, available) : 0;
            var immediate = request.TimeInForce is TimeInForce.Ioc or TimeInForce.Fok;

            if (request.TimeInForce == TimeInForce.Fok && quantity < remaining)
            {
                _working.RemoveAt(index);
                reports.Add(new(orderId, ExecutionKind.Cancelled, quote.Time,
                    Reason: marketable ? $"FOK: only {available} of {remaining} available at {touch}" : $"FOK: limit {request.LimitPrice} not marketable against {touch}"));
                continue;
            }
            if (quantity > 0)
            {
                var price = Price(request, touch);
                var fill = new Fill($"{orderId}#{order.Fills + 1}", orderId, request.Account, Symbol, request.Side, quantity, price, quote.Time, order.Venue);
                if (buy) askLeft -= quantity; else bidLeft -= quantity;
                order = order with { Filled = order.Filled + quantity, Fills = order.Fills + 1 };
                reports.Add(new(orderId, ExecutionKind.Fill, quote.Time, fill));
                remaining -= quantity;
            }
            order = order with { Attempted = true };

            if (remaining == 0) _working.RemoveAt(index);
            else if (immediate)
            {
                _working.RemoveAt(index);
                reports.Add(new(orderId, ExecutionKind.Cancelled, quote.Time,
                    Reason: marketable ? $"IOC: {remaining} unfilled ({available} available at {touch})" : $"IOC: limit {request.LimitPrice} not marketable against {touch}"));
            }
            else _working[index] = order;

            if (quantity > 0) AfterFill(order, quantity, remaining == 0, quote.Time, reports);
        }
        return reports;
    }

    /// <summary>Bracket bookkeeping after a fill of <paramref name="order"/>.</summary>
    private void AfterFill(WorkingOrder order, decimal quantity, bool done, DateTimeOffset time, List<ExecutionReport> reports)
    {
        if (order.Request.Bracket is { } bracket && order.ParentOrderId is null)
        {
            var request = order.Request;
            var legs = new (string Suffix, decimal? Price, OrderType Type)[] { ("sl", bracket.StopLossPrice, OrderType.Stop), ("tp", bracket.TakeProfitPrice, OrderType.Limit) }
                .Where(l => l.Price is not null).ToArray();
            foreach (var (suffix, price, type) in legs)
            {
                var legId = BracketRequest.LegId(order.OrderId, suffix);
                var otherLeg = legs.Length == 2 ? BracketRequest.LegId(order.OrderId, suffix == "sl" ? "tp" : "sl") : null;
                var index = _working.FindIndex(w => w.OrderId == legId);
                if (index >= 0)
                {
                    var leg = _working[index];
                    var grown = leg.Request with { Quantity = leg.Request.Quantity + quantity };
                    _working[index] = leg with { Request = grown };
                    reports.Add(new(legId, ExecutionKind.Replaced, time, Request: grown, Reason: $"entry filled {quantity} more"));
                    continue;
                }
                var legRequest = new OrderRequest($"{request.ClientOrderId}.{suffix}", request.Account, Symbol, request.Side.Opposite(), quantity, type,
                    type == OrderType.Limit ? price : null, request.StrategyId, type == OrderType.Stop ? price : null, TimeInForce.Gtc);
                _working.Add(new WorkingOrder(legId, legRequest, 0, false, true, time, null, ++_sequence, 0, order.OrderId, otherLeg, order.Venue));
                reports.Add(new(legId, ExecutionKind.Opened, time, Request: legRequest, ParentOrderId: order.OrderId,
                    Reason: suffix == "sl" ? $"stop loss at {price}" : $"take profit at {price}"));
            }
            return;
        }
        if (order.SiblingOrderId is not { } siblingId) return;
        var siblingIndex = _working.FindIndex(w => w.OrderId == siblingId);
        if (siblingIndex < 0) return;
        var sibling = _working[siblingIndex];
        var left = sibling.Request.Quantity - quantity;
        if (done || left <= sibling.Filled)
        {
            _working.RemoveAt(siblingIndex);
            reports.Add(new(siblingId, ExecutionKind.Cancelled, time, Reason: $"one-cancels-other: {order.OrderId} filled"));
            return;
        }
        var shrunk = sibling.Request with { Quantity = left };
        _working[siblingIndex] = sibling with { Request = shrunk };
        reports.Add(new(siblingId, ExecutionKind.Replaced, time, Request: shrunk, Reason: $"one-cancels-other: {order.OrderId} filled {quantity}"));
    }

    private decimal Price(OrderRequest request, decimal touch)
    {
        var bps = _options.SlippageBps + (decimal)_random.NextDouble() * _options.RandomSlippageBps;
        var price = Slipped(touch, request.Side, bps, _tick);
        if (request.UsesLimit && request.LimitPrice is { } limit)
            price = request.Side == OrderSide.Buy ? Math.Min(price, limit) : Math.Max(price, limit);
        return price;
    }

    /// <summary>The touch worsened by <paramref name="bps"/> basis points and rounded to the tick away from the trader.</summary>
    internal static decimal Slipped(decimal touch, OrderSide side, decimal bps, decimal tick)
    {
        var price = touch * (1 + side.Sign() * bps / 10_000m);
        if (tick <= 0) return price;
        var steps = price / tick;
        steps = side == OrderSide.Buy ? Math.Ceiling(steps) : Math.Floor(steps);
        return steps * tick;
    }

    // FNV-1a: the same seed per symbol on every run (string.GetHashCode is randomised per process).
    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)hash;
    }
}
