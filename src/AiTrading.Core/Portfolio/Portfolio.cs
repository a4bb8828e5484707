using AiTrading.Core.Trading;

namespace AiTrading.Core.Portfolio;

/// <summary>
/// A net position in one symbol. P&amp;L accrues in the quote currency and is converted into the account
/// currency when realised (at the fill's conversion rate), as margin FX/CFD accounts do.
/// </summary>
public sealed record Position(
    string Symbol,
    string QuoteCurrency,
    decimal Quantity,
    decimal AveragePrice,
    decimal RealizedPnl)
{
    /// <summary>Long positions are marked at the bid and shorts at the ask: what closing would fetch.</summary>
    public decimal UnrealizedPnl(decimal bid, decimal ask) =>
        Quantity == 0 ? 0 : ((Quantity > 0 ? bid : ask) - AveragePrice) * Quantity;

    /// <summary>
    /// This position after a fill of <paramref name="signedQuantity"/> at <paramref name="price"/>, and the P&amp;L the
    /// fill realised (quote currency): adding averages the price in; reducing realises P&amp;L and keeps the average; a
    /// flip opens the remainder at the fill's price.
    /// </summary>
    public (Position Position, decimal Realized) AfterFill(decimal signedQuantity, decimal price)
    {
        var after = Quantity + signedQuantity;
        if (Quantity == 0 || Math.Sign(Quantity) == Math.Sign(signedQuantity))
            return (this with { Quantity = after, AveragePrice = (AveragePrice * Math.Abs(Quantity) + price * Math.Abs(signedQuantity)) / Math.Abs(after) }, 0m);
        var closed = Math.Min(Math.Abs(signedQuantity), Math.Abs(Quantity));
        var realized = (price - AveragePrice) * closed * Math.Sign(Quantity);
        var average = after == 0 ? 0 : Math.Sign(after) == Math.Sign(Quantity) ? AveragePrice : price;
        return (this with { Quantity = after, AveragePrice = average, RealizedPnl = RealizedPnl + realized }, realized);
    }
}

/// <summary>
/// Mark prices of one symbol, the conversion rate of its quote currency into the account currency, and its base
/// currency with that currency's rate (0 when no quote converts it) for the currency exposure.
/// </summary>
public readonly record struct Mark(decimal Bid, decimal Ask, decimal QuoteToAccountRate, string BaseCurrency = "", decimal BaseToAccountRate = 0);

public sealed record PositionValuation(Position Position, decimal? Bid, decimal? Ask, decimal UnrealizedPnl, decimal UnrealizedPnlAccount);

public sealed record PortfolioValuation(
    string Account,
    string Currency,
    decimal Cash,
    decimal RealizedPnl,
    decimal UnrealizedPnl,
    decimal Equity,
    decimal DailyPnl,
    IReadOnlyList<PositionValuation> Positions,
    decimal GrossNotional,
    decimal PeakEquity,
    IReadOnlyDictionary<string, decimal> CurrencyExposure)
{
    /// <summary>How far equity is below its peak, as a fraction of the peak (0 at or above it).</summary>
    public decimal Drawdown => DrawdownOf(Equity, PeakEquity);

    public static decimal DrawdownOf(decimal equity, decimal peakEquity) => peakEquity > 0 && equity < peakEquity ? (peakEquity - equity) / peakEquity : 0m;

    /// <summary>Margin the open positions tie up at <paramref name="marginRate"/>: gross notional × rate, in the account currency's minor units.</summary>
    public decimal MarginUsed(decimal marginRate) => Money.Round(GrossNotional * marginRate, Currency);
}

/// <summary>
/// Positions, cash and P&amp;L of one account. Cash is the deposit plus realised P&amp;L in the account
/// currency, booked in its minor units. Daily P&amp;L is the P&amp;L realised on the current UTC trading day (by fill time) plus the
/// unrealised P&amp;L of open positions. A valuation also reports the gross notional of the open positions at their
/// mids, the net exposure to each currency other than the account's (a position is long its base currency and
/// short its quote currency), and the peak equity seen at any valuation so far (the high-water mark of drawdown).
/// A repeated fill id is recognised among the last <see cref="FillIdWindow"/> fills booked; older ids are forgotten,
/// so the memory and the snapshot stay bounded however long the account trades. Ids are remembered by a 64-bit
/// fingerprint (the first 8 bytes of their SHA-256, so a venue cannot choose ids that collide): a snapshot then holds
/// 8 bytes a fill, written as one block, instead of a string each.
/// </summary>
public sealed class Portfolio
{
    public const int DefaultFillIdWindow = 10_000;

    private readonly Dictionary<string, Position> _positions = new(StringComparer.Ordinal);
    private readonly HashSet<ulong> _appliedFills = [];
    private readonly Queue<ulong> _fillOrder = new();

    public Portfolio(string account, string currency, decimal initialCash, int fillIdWindow = DefaultFillIdWindow)
    {
        if (initialCash < 0) throw new ValidationException("initialCash", $"must be 0 or more (got {initialCash})");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fillIdWindow);
        FillIdWindow = fillIdWindow;
        Account = account;
        Currency = currency;
        Cash = initialCash;
        PeakEquity = initialCash;
    }

    public string Account { get; }
    public string Currency { get; }
    public decimal Cash { get; private set; }
    public decimal RealizedPnl { get; private set; }
    public DateOnly TradingDay { get; private set; }
    public decimal RealizedToday { get; private set; }
    public decimal PeakEquity { get; private set; }
    public IReadOnlyDictionary<string, Position> Positions => _positions;
    public int FillIdWindow { get; }
    /// <summary>The fingerprints of the last <see cref="FillIdWindow"/> fill ids booked, oldest first.</summary>
    public IReadOnlyCollection<ulong> AppliedFills => _fillOrder;

    public bool HasApplied(string fillId) => _appliedFills.Contains(Fingerprint(fillId));

    /// <summary>A fill id's fingerprint: the first 8 bytes of the SHA-256 of its UTF-8 form.</summary>
    public static ulong Fingerprint(string fillId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(fillId), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    public decimal PositionIn(string symbol) => _positions.TryGetValue(symbol, out var p) ? p.Quantity : 0m;

    /// <summary>Applies a fill once (a repeated fill id is ignored). Returns the P&amp;L it realised in the account currency.</summary>
    public decimal ApplyFill(Fill fill, string quoteCurrency, decimal quoteToAccountRate)
    {
        if (fill.Account != Account) throw new ArgumentException($"fill '{fill.FillId}' is for account '{fill.Account}', not '{Account}'", nameof(fill));
        if (quoteToAccountRate <= 0) throw new ArgumentOutOfRangeException(nameof(quoteToAccountRate), quoteToAccountRate, "must be positive");
        if (!Remember(fill.FillId)) return 0m;

        var current = _positions.TryGetValue(fill.Symbol, out var p) ? p : new Position(fill.Symbol, quoteCurrency, 0, 0, 0);
        var (position, realized) = current.AfterFill(fill.Side.Sign() * fill.Quantity, fill.Price);
        _positions[fill.Symbol] = position;
        var realizedAccount = Money.Round(realized * quoteToAccountRate, Currency);
        RollDay(DateOnly.FromDateTime(fill.Time.UtcDateTime));
        Cash += realizedAccount;
        RealizedPnl += realizedAccount;
        RealizedToday += realizedAccount;
        return realizedAccount;
    }

    /// <summary>
    /// Books a charge in the account currency (a commission or financing; negative for a credit), rounded to its
    /// minor unit: cash, realised and today's P&amp;L fall by it. Returns the amount booked.
    /// </summary>
    public decimal Charge(decimal amount, DateTimeOffset time)
    {
        var booked = Money.Round(amount, Currency);
        RollDay(DateOnly.FromDateTime(time.UtcDateTime));
        Cash -= booked;
        RealizedPnl -= booked;
        RealizedToday -= booked;
        return booked;
    }

    /// <param name="markOf">bid/ask and conversion rate of a symbol, or null when it has no quote yet</param>
    /// <param name="asOf">when the valuation is for: on a later UTC day than the last booking, today's realised P&amp;L is zero</param>
    public PortfolioValuation Value(Func<string, Mark?> markOf, DateTimeOffset? asOf = null)
    {
        var valuations = new List<PositionValuation>(_positions.Count);
        var exposure = new Dictionary<string, decimal>(StringComparer.Ordinal);
        decimal unrealized = 0, gross = 0;
        foreach (var position in _positions.Values.OrderBy(p => p.Symbol, StringComparer.Ordinal))
        {
            var mark = position.Quantity == 0 ? null : markOf(position.Symbol);
            var pnl = mark is { } m ? position.UnrealizedPnl(m.Bid, m.Ask) : 0m;
            var pnlAccount = mark is { } m2 ? Money.Round(pnl * m2.QuoteToAccountRate, Currency) : 0m;
            unrealized += pnlAccount;
            valuations.Add(new(position, mark?.Bid, mark?.Ask, pnl, pnlAccount));
            if (mark is not { } held) continue;
            var value = position.Quantity * (held.Bid + held.Ask) / 2 * held.QuoteToAccountRate;
            gross += Math.Abs(value);
            if (held.BaseCurrency != Currency && held.BaseToAccountRate > 0)
                exposure[held.BaseCurrency] = exposure.GetValueOrDefault(held.BaseCurrency) + position.Quantity * held.BaseToAccountRate;
            if (position.QuoteCurrency != Currency)
                exposure[position.QuoteCurrency] = exposure.GetValueOrDefault(position.QuoteCurrency) - value;
        }
        var equity = Cash + unrealized;
        PeakEquity = Math.Max(PeakEquity, equity);
        var realizedToday = asOf is { } now && DateOnly.FromDateTime(now.UtcDateTime) > TradingDay ? 0m : RealizedToday;
        return new(Account, Currency, Cash, RealizedPnl, unrealized, equity, realizedToday + unrealized, valuations,
            Money.Round(gross, Currency), PeakEquity, exposure.ToDictionary(e => e.Key, e => Money.Round(e.Value, Currency), StringComparer.Ordinal));
    }

    private bool Remember(string fillId) => Remember(Fingerprint(fillId));

    private bool Remember(ulong fill)
    {
        if (!_appliedFills.Add(fill)) return false;
        _fillOrder.Enqueue(fill);
        if (_fillOrder.Count > FillIdWindow) _appliedFills.Remove(_fillOrder.Dequeue());
        return true;
    }

    private void RollDay(DateOnly day)
    {
        if (day <= TradingDay) return;
        TradingDay = day;
        RealizedToday = 0;
    }

    public PortfolioSnapshot ToSnapshot() => new(Account, Currency, Cash, RealizedPnl, TradingDay, RealizedToday,
        _positions.Values.ToList(), [], PeakEquity, _fillOrder.ToArray());

    /// <summary>Rebuilds a portfolio; of the snapshot's fill ids (oldest first) the last <paramref name="fillIdWindow"/> are kept.</summary>
    public static Portfolio FromSnapshot(PortfolioSnapshot s, int fillIdWindow = DefaultFillIdWindow)
    {
        var portfolio = new Portfolio(s.Account, s.Currency, 0, fillIdWindow)
        {
            Cash = s.Cash, RealizedPnl = s.RealizedPnl, TradingDay = s.TradingDay, RealizedToday = s.RealizedToday,
            PeakEquity = Math.Max(s.PeakEquity, s.Cash),
        };
        foreach (var p in s.Positions) portfolio._positions[p.Symbol] = p;
        foreach (var id in s.AppliedFillIds) portfolio.Remember(id); // a snapshot written before fingerprints
        foreach (var fill in s.AppliedFills ?? []) portfolio.Remember(fill);
        return portfolio;
    }
}

/// <summary>Everything needed to rebuild a <see cref="Portfolio"/>.</summary>
public sealed record PortfolioSnapshot(
    string Account,
    string Currency,
    decimal Cash,
    decimal RealizedPnl,
    DateOnly TradingDay,
    decimal RealizedToday,
    IReadOnlyList<Position> Positions,
    IReadOnlyList<string> AppliedFillIds,
    decimal PeakEquity = 0,
    ulong[]? AppliedFills = null);
