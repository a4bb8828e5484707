using AiTrading.Core.Portfolio;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// A strategy's position in one instrument during a replay, kept as the live strategy keeps its holding: the
/// portfolio's position (quantity, average entry), bars held and the protective prices, which a position keeps while
/// it keeps its side; plus its round trips.
/// </summary>
internal class Holding(string symbol, string quoteCurrency)
{
    public Position? Held { get; private set; }
    public int BarsHeld { get; private set; }
    public ProtectiveLevels? Protection { get; set; }
    public TradeBook Trades { get; } = new(symbol);

    public decimal Quantity => Held?.Quantity ?? 0m;

    /// <summary>The quantity and average entry as doubles, for marking the equity curve on every bar without decimal arithmetic.</summary>
    public double QuantityValue { get; private set; }
    public double EntryValue { get; private set; }
    public decimal EntryPrice => Held?.AveragePrice ?? 0m;
    public StrategyPosition Position => Held is { Quantity: not 0 } held ? new(held.Quantity, held.AveragePrice, BarsHeld, Protection) : StrategyPosition.Flat;

    /// <summary>A new bar while holding counts one more bar held.</summary>
    public void OnBar()
    {
        if (Quantity != 0) BarsHeld++;
    }

    /// <summary>The open position's P&amp;L marked as the portfolio marks it (a long at the bid, a short at the ask), in the account currency, rounded as it rounds it.</summary>
    public decimal Unrealized(decimal bid, decimal ask, decimal rate, string currency) =>
        Held is { Quantity: not 0 } held ? Money.Round(held.UnrealizedPnl(bid, ask) * rate, currency) : 0m;

    /// <summary>The same in doubles, unrounded (the equity curve's mark on every bar).</summary>
    public double UnrealizedValue(double bid, double ask, double rate) => QuantityValue == 0 ? 0 : ((QuantityValue > 0 ? bid : ask) - EntryValue) * QuantityValue * rate;

    /// <summary>Books a fill in the portfolio (with its commission) and the trades; returns the commission charged.</summary>
    public decimal Book(Portfolio.Portfolio portfolio, Fill fill, StrategySignal signal, decimal rate, CommissionModel commissions)
    {
        var before = Quantity;
        var realized = portfolio.ApplyFill(fill, quoteCurrency, rate);
        var commission = commissions.For(fill.Quantity, fill.Quantity * fill.Price * rate);
        if (commission != 0) commission = portfolio.Charge(commission, fill.Time);
        Held = portfolio.Positions[fill.Symbol];
        (QuantityValue, EntryValue) = ((double)Held.Quantity, (double)Held.AveragePrice);
        var after = Quantity;
        Trades.OnFill(before, after, fill, realized, commission, BarsHeld);
        if (after == 0 || before == 0 || Math.Sign(after) != Math.Sign(before))
        {
            BarsHeld = 0;
            Protection = after == 0 ? null : signal.Protection;
        }
        return commission;
    }
}
