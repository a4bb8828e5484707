using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("portfolio-state")]
public sealed class PortfolioState
{
    [Id(0)] public PortfolioSnapshot? Snapshot { get; set; }
}

public sealed class PortfolioGrain(
    [PersistentState("portfolio")] IPersistentState<PortfolioState> state,
    IOptions<TradingOptions> options,
    TimeProvider clock) : Grain, IPortfolioGrain
{
    private Portfolio? _portfolio;
    private MarketPrices? _prices;
    private MarketPrices Prices => _prices ??= new MarketPrices(GrainFactory);
    private readonly Dictionary<string, InstrumentSpec> _specs = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Snapshot is { } snapshot) _portfolio = Portfolio.FromSnapshot(snapshot, options.Value.FillIdWindow);
        return Task.CompletedTask;
    }

    /// <summary>The book; a new one opens with the account's currency and starting cash, and an account that does not exist has none.</summary>
    private async ValueTask<Portfolio> BookAsync()
    {
        if (_portfolio is not null) return _portfolio;
        var account = await GrainFactory.GetGrain<IAccountGrain>(this.GetPrimaryKeyString()).GetRecordAsync()
                      ?? throw new NotFoundException("account", this.GetPrimaryKeyString());
        return _portfolio = new Portfolio(account.Account, account.Currency, account.Cash, options.Value.FillIdWindow);
    }

    public async Task ApplyFillsAsync(IReadOnlyList<Fill> fills, decimal? quoteToAccountRate)
    {
        var book = await BookAsync();
        var booked = false;
        foreach (var fill in fills)
        {
            if (book.HasApplied(fill.FillId)) continue;
            var quoteCurrency = await QuoteCurrencyOf(fill.Symbol);
            var rate = quoteToAccountRate
                       ?? FxConverter.Rate(quoteCurrency, book.Currency, await Prices.LoadMidsAsync((quoteCurrency, book.Currency)));
            book.ApplyFill(fill, quoteCurrency, rate);
            booked = true;
        }
        if (!booked) return;
        state.State.Snapshot = book.ToSnapshot();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The book in memory has the fill, storage may not: a retry must meet the stored book, not take this one's word.
            DeactivateOnIdle();
            throw;
        }
    }

    public async Task<AccountExposure> GetExposureAsync(string symbol, Quote? quote)
    {
        var v = await ValueAsync(quote);
        return new AccountExposure(_portfolio!.PositionIn(symbol), v.DailyPnl, v.Equity, v.PeakEquity, v.GrossNotional, v.CurrencyExposure, v.Currency);
    }

    public Task<PortfolioValuation> GetValuationAsync() => ValueAsync();

    public async Task<PortfolioStatement> GetStatementAsync() =>
        PortfolioStatement.Of(await ValueAsync(), await GrainFactory.GetGrain<IRiskGrain>(this.GetPrimaryKeyString()).GetLimitsAsync());

    /// <summary>The book marked at current quotes; <paramref name="known"/> is one the caller has just read.</summary>
    private async Task<PortfolioValuation> ValueAsync(Quote? known = null)
    {
        var book = await BookAsync();
        var account = book.Currency;
        var open = book.Positions.Values.Where(p => p.Quantity != 0).ToList();
        var specs = new Dictionary<string, InstrumentSpec>(StringComparer.Ordinal);
        foreach (var position in open) specs[position.Symbol] = await SpecOf(position.Symbol);
        var quotes = await Prices.LoadAsync(open.Select(p => p.Symbol), specs.Values.SelectMany(spec => new[] { (spec.QuoteCurrency, account), (spec.BaseCurrency, account) }),
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
        return book.Value(symbol => marks.TryGetValue(symbol, out var m) ? m : null, clock.GetUtcNow());
    }

    private async Task<string> QuoteCurrencyOf(string symbol) => (await SpecOf(symbol)).QuoteCurrency;

    private async Task<InstrumentSpec> SpecOf(string symbol)
    {
        if (!_specs.TryGetValue(symbol, out var spec))
            _specs[symbol] = spec = await GrainFactory.GetGrain<IInstrumentGrain>(symbol).GetSpecAsync();
        return spec;
    }
}
