namespace AiTrading.Core.Portfolio;

/// <summary>
/// Converts amounts between currencies through the mids of six-letter currency pairs (BASEQUOTE):
/// X→Y uses XY's mid directly or YX's inverse. Only direct pairs are used; a missing pair is an error.
/// </summary>
public static class FxConverter
{
    /// <param name="midOf">the current mid of a symbol, or null if it has no quote</param>
    public static decimal? TryRate(string from, string to, Func<string, double?> midOf)
    {
        if (string.Equals(from, to, StringComparison.Ordinal)) return 1m;
        if (midOf(from + to) is > 0 and var direct) return (decimal)direct;
        if (midOf(to + from) is > 0 and var inverse) return 1m / (decimal)inverse;
        return null;
    }

    public static decimal Rate(string from, string to, Func<string, double?> midOf) =>
        TryRate(from, to, midOf) ?? throw new InvalidOperationException($"no quote to convert {from} into {to} (need {from}{to} or {to}{from})");

    /// <summary>
    /// The symbols whose quotes may be needed to convert <paramref name="from"/> into <paramref name="to"/>: none unless
    /// both are three-letter currency codes (a share's or an index's "base" is the instrument itself, never in a pair).
    /// </summary>
    public static IEnumerable<string> ConversionSymbols(string from, string to) =>
        from == to || !IsCurrencyCode(from) || !IsCurrencyCode(to) ? [] : [from + to, to + from];

    private static bool IsCurrencyCode(string code) => code.Length == 3;
}
