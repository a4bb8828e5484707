namespace AiTrading.Core.MarketData;

/// <summary>
/// Static description of a tradable instrument. Quantities are in base units (e.g. EUR for EURUSD, ounces for
/// XAUUSD); P&amp;L accrues in <see cref="QuoteCurrency"/>.
/// The synthetic-feed fields describe how the simulator moves the price (annualised volatility, typical spread
/// in price units, mean ticks per second, quote size).
/// </summary>
public sealed record InstrumentSpec(
    string Symbol,
    string BaseCurrency,
    string QuoteCurrency,
    double TickSize,
    double InitialPrice,
    double AnnualVolatility,
    double TypicalSpread,
    double TicksPerSecond,
    double QuoteSize)
{
    public int PriceDecimals => Math.Max(0, (int)Math.Ceiling(-Math.Log10(TickSize) - 1e-9));
}

/// <summary>The instruments the platform knows out of the box.</summary>
public static class InstrumentCatalog
{
    public static IReadOnlyDictionary<string, InstrumentSpec> Default { get; } = new Dictionary<string, InstrumentSpec>
    {
        ["EURUSD"] = new("EURUSD", "EUR", "USD", 0.00001, 1.0850, 0.07, 0.00008, 8, 1_000_000),
        ["GBPUSD"] = new("GBPUSD", "GBP", "USD", 0.00001, 1.2700, 0.08, 0.00012, 6, 1_000_000),
        ["USDJPY"] = new("USDJPY", "USD", "JPY", 0.001, 151.50, 0.09, 0.010, 7, 1_000_000),
        ["XAUUSD"] = new("XAUUSD", "XAU", "USD", 0.01, 2350.00, 0.15, 0.25, 5, 500),
        ["USDCHF"] = new("USDCHF", "USD", "CHF", 0.00001, 0.8950, 0.07, 0.00012, 5, 1_000_000),
        ["AUDUSD"] = new("AUDUSD", "AUD", "USD", 0.00001, 0.6600, 0.09, 0.00010, 5, 1_000_000),
    };

    /// <summary>
    /// A spec for a symbol outside the catalog (e.g. a CSV replay of an index or a stock): quoted in USD,
    /// tick size inferred by the caller.
    /// </summary>
    public static InstrumentSpec Custom(string symbol, double initialPrice, double tickSize = 0.01) =>
        new(symbol, symbol, "USD", tickSize, initialPrice, 0.20, tickSize, 1, 1_000_000);

    public static string NormalizeSymbol(string symbol) => symbol.Trim().ToUpperInvariant();
}
