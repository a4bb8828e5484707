using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;

namespace AiTrading.Grains;

/// <summary>
/// Reads current quotes from instrument grains, for marking positions and converting currencies. Each grain keeps
/// one: it learns which direction of a currency pair is quoted (EURUSD, not USDEUR) and asks only that one after.
/// </summary>
internal sealed class MarketPrices(IGrainFactory grains)
{
    private readonly Dictionary<string, string> _quotedDirection = new(StringComparer.Ordinal);

    /// <summary>
    /// The current quote of each of <paramref name="symbols"/> and of the pairs that convert each currency of
    /// <paramref name="conversions"/> into the other, fetched once per distinct symbol; <paramref name="known"/> quotes
    /// are used as they are. Symbols without a quote are absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Quote>> LoadAsync(IEnumerable<string> symbols,
        IEnumerable<(string From, string To)> conversions, IReadOnlyDictionary<string, Quote>? known = null)
    {
        var pairs = conversions.Where(c => c.From != c.To).Distinct().ToList();
        var wanted = symbols
            .Concat(pairs.SelectMany(p => _quotedDirection.TryGetValue(p.From + p.To, out var s) ? [s] : FxConverter.ConversionSymbols(p.From, p.To)))
            .Distinct(StringComparer.Ordinal).Where(s => known?.ContainsKey(s) != true).ToArray();
        var quotes = await Task.WhenAll(wanted.Select(s => grains.Ref<IInstrumentGrain>(s).GetQuoteAsync()));
        var bySymbol = known is null ? new Dictionary<string, Quote>(StringComparer.Ordinal) : new(known, StringComparer.Ordinal);
        for (var i = 0; i < wanted.Length; i++)
            if (quotes[i] is { } q) bySymbol[wanted[i]] = q;
        foreach (var (from, to) in pairs)
            if (bySymbol.ContainsKey(from + to)) _quotedDirection[from + to] = from + to;
            else if (bySymbol.ContainsKey(to + from)) _quotedDirection[from + to] = to + from;
        return bySymbol;
    }

    public async Task<Func<string, double?>> LoadMidsAsync(params (string From, string To)[] conversions) =>
        MidsOf(await LoadAsync([], conversions));

    public static Func<string, double?> MidsOf(IReadOnlyDictionary<string, Quote> quotes) =>
        symbol => quotes.TryGetValue(symbol, out var quote) ? quote.Mid : null;
}
