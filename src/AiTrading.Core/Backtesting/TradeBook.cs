using AiTrading.Core.Portfolio;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// Turns one instrument's fills into round trips (<see cref="BacktestTrade"/>): a trade opens when the position leaves
/// flat, grows with fills on its side, and closes when the position returns to flat or reverses (a reversal's fill
/// closes one trade and opens the next with the rest, its commission shared by quantity).
/// </summary>
internal sealed class TradeBook(string symbol)
{
    private readonly List<BacktestTrade> _closed = [];
    private Builder? _open;

    public IReadOnlyList<BacktestTrade> Closed => _closed;

    /// <param name="before">the signed position before the fill</param>
    /// <param name="after">after it</param>
    /// <param name="realized">the P&amp;L the fill realised (account currency)</param>
    /// <param name="bars">bars the position has been held</param>
    public void OnFill(decimal before, decimal after, Fill fill, decimal realized, decimal commission, int bars)
    {
        if (before == 0)
        {
            _open = new Builder(after, fill, commission);
            return;
        }
        var open = _open!;
        if (Math.Sign(after) == Math.Sign(before) && Math.Abs(after) > Math.Abs(before))
        {
            open.Add(fill, commission);
            return;
        }
        var closed = Math.Min(fill.Quantity, Math.Abs(before));
        var closing = commission * closed / fill.Quantity;
        open.Reduce(closed, fill.Price, realized, closing);
        if (after != 0 && Math.Sign(after) == Math.Sign(before)) return;
        _closed.Add(open.Close(symbol, fill.Time, bars));
        _open = after == 0 ? null : new Builder(after, fill, commission - closing);
    }

    public void Finance(decimal amount) => _open?.Finance(amount);

    /// <summary>The open trade marked with <paramref name="unrealized"/> P&amp;L, or null when flat.</summary>
    public BacktestTrade? Mark(decimal unrealized, int bars) => _open?.Mark(symbol, unrealized, bars);

    private sealed class Builder(decimal signedQuantity, Fill first, decimal commission)
    {
        private readonly string _side = signedQuantity > 0 ? BacktestTrade.Long : BacktestTrade.Short;
        private decimal _entered = Math.Abs(signedQuantity), _entryValue = Math.Abs(signedQuantity) * first.Price;
        private decimal _exited, _exitValue, _realized, _commission = commission, _financing;

        public void Add(Fill fill, decimal commission)
        {
            _entered += fill.Quantity;
            _entryValue += fill.Quantity * fill.Price;
            _commission += commission;
        }

        public void Reduce(decimal quantity, decimal price, decimal realized, decimal commission)
        {
            _exited += quantity;
            _exitValue += quantity * price;
            _realized += realized;
            _commission += commission;
        }

        public void Finance(decimal amount) => _financing += amount;

        public BacktestTrade Close(string symbol, DateTimeOffset time, int bars) => new(symbol, _side, _entered, first.Time, _entryValue / _entered,
            time, _exitValue / _exited, _realized - _commission - _financing, _commission, _financing, bars, false);

        public BacktestTrade Mark(string symbol, decimal unrealized, int bars) => new(symbol, _side, _entered, first.Time, _entryValue / _entered,
            null, null, _realized + unrealized - _commission - _financing, _commission, _financing, bars, true);
    }
}
