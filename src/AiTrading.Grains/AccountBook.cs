using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("portfolio-state")]
public sealed class PortfolioState
{
    [Id(0)] public PortfolioSnapshot? Snapshot { get; set; }
}

/// <summary>
/// An account's positions, cash and P&amp;L as its risk gate holds them (<see cref="RiskGrain"/> is the account's single
/// writer): fills booked once each by id, marks from the instruments' current quotes.
/// </summary>
internal sealed class AccountBook(IPersistentState<PortfolioState> state, IGrainFactory grains, int fillIdWindow)
{
    private Portfolio? _portfolio;
    private readonly MarketPrices _prices = new(grains);
    private readonly Dictionary<string, InstrumentSpec> _specs = new(StringComparer.Ordinal);
    private readonly SerializedWrites<PortfolioState> _writes = new(state); // bookings interleave

    /// <summary>The book; a new one opens with the account's currency and starting cash.</summary>
    public Portfolio Open(AccountRecord account) =>
        _portfolio ??= state.State.Snapshot is { } snapshot
            ? Portfolio.FromSnapshot(snapshot, fillIdWindow)
            : new Portfolio(account.Account, account.Currency, account.Cash, fillIdWindow);

    /// <summary>Books the fills not booked yet with one write; false when there were none (the write failed: throws).</summary>
    public async Task<bool> ApplyFillsAsync(Portfolio book, IReadOnlyList<Fill> fills, decimal? quoteToAccountRate)
    {
        var booked = false;
        foreach (var fill in fills)
        {
            if (book.HasApplied(fill.FillId)) continue;
            var quoteCurrency = (await SpecOf(fill.Symbol)).QuoteCurrency;
            var rate = quoteToAccountRate
                       ?? FxConverter.Rate(quoteCurrency, book.Currency, await _prices.LoadMidsAsync((quoteCurrency, book.Currency)));
            book.ApplyFill(fill, quoteCurrency, rate);
            booked = true;
        }
        if (!booked) return false;
        state.State.Snapshot = book.ToSnapshot();
        await _writes.WriteAsync();
        return true;
    }

    /// <summary>The book marked at current quotes; <paramref name="known"/> is one the caller has just read.</summary>
    public async Task<PortfolioValuation> ValueAsync(Portfolio book, DateTimeOffset now, Quote? known = null)
    {
        var account = book.Currency;
        var open = book.Positions.Values.Where(p => p.Quantity != 0).ToList();
        var specs = new Dictionary<string, InstrumentSpec>(StringComparer.Ordinal);
        foreach (var position in open) specs[position.Symbol] = await SpecOf(position.Symbol);
        var quotes = await _prices.LoadAsync(open.Select(p => p.Symbol), specs.Values.SelectMany(spec => new[] { (spec.QuoteCurrency, account), (spec.BaseCurrency, account) }),
            known is null ? null : new Dictionary<string, Quote>(StringComparer.Ordinal) { [known.Symbol] = known });
        var mids = MarketPrices.MidsOf(quotes);
        var marks = new Dictionary<string, Mark>(StringComparer.Ordinal);
        foreach (var position in open)
        {
            var spec = specs[position.Symbol];
            var rate = FxConverter.TryRate(spec.QuoteCurrency, account, mids);
            if (quotes.TryGetValue(position.Symbol, out var q) && rate is { } r)
                marks[position.Symbol] = new Mark((decimal)q.Bid, (decimal)q.Ask, r, spec.BaseCurrency, FxConverter.TryRate(spec.BaseCurrency, account, mids) ?? 0m);
        }
        return book.Value(symbol => marks.TryGetValue(symbol, out var m) ? m : null, now);
    }

    public async Task<AccountExposure> ExposureAsync(Portfolio book, string symbol, DateTimeOffset now, Quote? quote)
    {
        var v = await ValueAsync(book, now, quote);
        return new AccountExposure(book.PositionIn(symbol), v.DailyPnl, v.Equity, v.PeakEquity, v.GrossNotional, v.CurrencyExposure, v.Currency);
    }

    private async Task<InstrumentSpec> SpecOf(string symbol)
    {
        if (!_specs.TryGetValue(symbol, out var spec))
            _specs[symbol] = spec = await grains.Ref<IInstrumentGrain>(symbol).GetSpecAsync();
        return spec;
    }
}
