namespace AiTrading.Core.MarketData;

/// <summary>
/// One top-of-book update. Prices are doubles (market-data math); orders and fills convert to decimal.
/// <see cref="LastPrice"/> is NaN and <see cref="LastSize"/> zero when the update carries no trade.
/// </summary>
public readonly record struct Tick(
    string Symbol,
    DateTimeOffset Time,
    double Bid,
    double Ask,
    double BidSize,
    double AskSize,
    double LastPrice = double.NaN,
    double LastSize = 0)
{
    public double Mid => (Bid + Ask) * 0.5;
    public double Spread => Ask - Bid;
    public bool HasTrade => !double.IsNaN(LastPrice);
    /// <summary>A bid and an ask an order can trade against: finite, positive and not crossed.</summary>
    public bool HasTradablePrices => double.IsFinite(Bid) && double.IsFinite(Ask) && Bid > 0 && Ask >= Bid;
}

/// <summary>The latest top of book of one instrument.</summary>
public sealed record Quote(string Symbol, DateTimeOffset Time, double Bid, double Ask, double BidSize, double AskSize)
{
    public double Mid => (Bid + Ask) * 0.5;
    public static Quote From(in Tick tick) => new(tick.Symbol, tick.Time, tick.Bid, tick.Ask, tick.BidSize, tick.AskSize);
}
