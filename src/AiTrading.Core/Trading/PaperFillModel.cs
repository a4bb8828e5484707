using AiTrading.Core.MarketData;

namespace AiTrading.Core.Trading;

/// <summary>
/// How the paper venue fills. Slippage is adverse and in basis points of the touched price:
/// a fixed part plus a seeded uniform random part in [0, <see cref="RandomSlippageBps"/>].
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
        if (SlippageBps < 0) errors.Add(new("slippageBps", $"must be 0 or more (got {SlippageBps})"));
        if (RandomSlippageBps < 0) errors.Add(new("randomSlippageBps", $"must be 0 or more (got {RandomSlippageBps})"));
        if (Latency < TimeSpan.Zero || Latency > TimeSpan.FromSeconds(10)) errors.Add(new("latency", $"must be between 0 and 10 s (got {Latency})"));
        return errors;
    }
}

/// <summary>The outcome of presenting an order to the paper venue: a fill price and quantity, or why not.</summary>
public readonly record struct PaperExecution(decimal Quantity, decimal Price, string? NoFillReason)
{
    public bool Filled => NoFillReason is null;
}

/// <summary>
/// Fills marketable orders against the quote: buys at the ask, sells at the bid, worsened by slippage and
/// rounded to the tick grid away from the trader. Limit orders that are not marketable are not filled
/// (the spine treats them as immediate-or-cancel). Deterministic for a given seed and sequence of calls.
/// </summary>
public sealed class PaperFillModel
{
    private readonly PaperFillOptions _options;
    private readonly Random _random;

    public PaperFillModel(PaperFillOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
        _options = options;
        _random = new Random(options.Seed);
    }

    public PaperExecution Execute(OrderRequest order, Quote quote, double tickSize)
    {
        if (!(quote.Bid > 0) || !(quote.Ask >= quote.Bid))
            return new(0, 0, $"no valid quote for {order.Symbol} (bid {quote.Bid}, ask {quote.Ask})");

        var touch = (decimal)(order.Side == OrderSide.Buy ? quote.Ask : quote.Bid);
        var bps = _options.SlippageBps + (decimal)_random.NextDouble() * _options.RandomSlippageBps;
        var slipped = touch * (1 + order.Side.Sign() * bps / 10_000m);
        var price = RoundAdverse(slipped, (decimal)tickSize, order.Side);

        if (order.Type == OrderType.Limit && order.LimitPrice is { } limit)
        {
            var marketable = order.Side == OrderSide.Buy ? touch <= limit : touch >= limit;
            if (!marketable) return new(0, 0, $"limit {limit} not marketable against {(order.Side == OrderSide.Buy ? "ask" : "bid")} {touch}");
            price = order.Side == OrderSide.Buy ? Math.Min(price, limit) : Math.Max(price, limit);
        }
        return new(order.Quantity, price, null);
    }

    private static decimal RoundAdverse(decimal price, decimal tick, OrderSide side)
    {
        if (tick <= 0) return price;
        var steps = price / tick;
        steps = side == OrderSide.Buy ? Math.Ceiling(steps) : Math.Floor(steps);
        return steps * tick;
    }
}
