using AiTrading.Core;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Grains;

/// <summary>Account and venue defaults (configuration section "Trading").</summary>
public sealed class TradingOptions
{
    public const string Section = "Trading";

    public string AccountCurrency { get; set; } = "USD";
    public decimal InitialCash { get; set; } = 100_000m;
    public string DefaultVenue { get; set; } = PaperVenue;
    public RiskLimits DefaultLimits { get; set; } = new();
    public PaperFillOptions Paper { get; set; } = new();

    public const string PaperVenue = "paper";

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (AccountCurrency is not { Length: 3 } || !AccountCurrency.All(char.IsAsciiLetterUpper))
            errors.Add(new("Trading:AccountCurrency", $"must be a three-letter upper-case ISO code (got '{AccountCurrency}')"));
        if (InitialCash < 0) errors.Add(new("Trading:InitialCash", $"must be 0 or more (got {InitialCash})"));
        if (DefaultVenue != PaperVenue) errors.Add(new("Trading:DefaultVenue", $"only '{PaperVenue}' is available (got '{DefaultVenue}')"));
        errors.AddRange(DefaultLimits.Validate().Select(e => e with { Field = "Trading:DefaultLimits:" + e.Field }));
        errors.AddRange(Paper.Validate().Select(e => e with { Field = "Trading:Paper:" + e.Field }));
        return errors;
    }
}

/// <summary>Reads current quotes from instrument grains, for marking positions and converting currencies.</summary>
internal static class MarketPrices
{
    /// <summary>The current quote of each symbol that has one, fetched once per distinct symbol.</summary>
    public static async Task<IReadOnlyDictionary<string, Core.MarketData.Quote>> LoadQuotesAsync(IGrainFactory grains, IEnumerable<string> symbols)
    {
        var distinct = symbols.Distinct(StringComparer.Ordinal).ToArray();
        var quotes = await Task.WhenAll(distinct.Select(s => grains.GetGrain<Contracts.IInstrumentGrain>(s).GetQuoteAsync()));
        var bySymbol = new Dictionary<string, Core.MarketData.Quote>(StringComparer.Ordinal);
        for (var i = 0; i < distinct.Length; i++)
            if (quotes[i] is { } q) bySymbol[distinct[i]] = q;
        return bySymbol;
    }

    public static async Task<Func<string, double?>> LoadMidsAsync(IGrainFactory grains, IEnumerable<string> symbols) =>
        MidsOf(await LoadQuotesAsync(grains, symbols));

    public static Func<string, double?> MidsOf(IReadOnlyDictionary<string, Core.MarketData.Quote> quotes) =>
        symbol => quotes.TryGetValue(symbol, out var quote) ? quote.Mid : null;
}
