using AiTrading.Core.Portfolio;

namespace AiTrading.Core.Strategies;

/// <summary>
/// A strategy's position in one instrument as its own fills made it: the portfolio's <see cref="Portfolio.Position"/>
/// (quantity, average entry, P&amp;L realised in the quote currency) plus what only the strategy tracks: closed bars
/// held, the protective prices, and the realised P&amp;L in the account currency (in all, and on <see cref="PnlDay"/>).
/// </summary>
public sealed record HeldPosition(Position Position, int BarsHeld, ProtectiveLevels? Protection, decimal RealizedPnl, DateOnly PnlDay, decimal RealizedToday)
{
    public static HeldPosition Flat(string symbol, string quoteCurrency) => new(new Position(symbol, quoteCurrency, 0, 0, 0), 0, null, 0, default, 0);

    public decimal Quantity => Position.Quantity;
    public decimal EntryPrice => Position.AveragePrice;

    /// <summary>The position as the engine reads it.</summary>
    public StrategyPosition ForEngine => new(Quantity, EntryPrice, BarsHeld, Protection);

    /// <summary>One more closed bar: held positions count it.</summary>
    public HeldPosition NextBar() => Quantity == 0 ? this : this with { BarsHeld = BarsHeld + 1 };

    /// <summary>The P&amp;L realised on <paramref name="day"/> (UTC).</summary>
    public decimal RealizedOn(DateOnly day) => PnlDay == day ? RealizedToday : 0;

    /// <summary>
    /// Books a fill of <paramref name="signedQuantity"/> at <paramref name="price"/> (realised P&amp;L converted at
    /// <paramref name="quoteToAccount"/>). A position that keeps its side keeps its bars held and protective prices;
    /// one that opens or flips starts counting again with <paramref name="opening"/>'s prices.
    /// </summary>
    public HeldPosition Book(decimal signedQuantity, decimal price, decimal quoteToAccount, DateOnly day, ProtectiveLevels? opening)
    {
        var (after, realized) = Position.AfterFill(signedQuantity, price);
        var pnl = realized * quoteToAccount;
        var keepsSide = after.Quantity != 0 && Quantity != 0 && Math.Sign(after.Quantity) == Math.Sign(Quantity);
        return new(after, keepsSide ? BarsHeld : 0, keepsSide ? Protection : after.Quantity == 0 ? null : opening, RealizedPnl + pnl, day, RealizedOn(day) + pnl);
    }
}
