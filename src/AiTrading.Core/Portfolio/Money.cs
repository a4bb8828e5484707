namespace AiTrading.Core.Portfolio;

/// <summary>Amounts booked in an account currency are kept in that currency's minor units (ISO 4217 exponent).</summary>
public static class Money
{
    private static readonly HashSet<string> NoMinorUnit = new(StringComparer.Ordinal) { "JPY", "KRW", "CLP", "ISK", "VND", "HUF" };
    private static readonly HashSet<string> ThreeDecimals = new(StringComparer.Ordinal) { "BHD", "KWD", "OMR", "JOD", "TND" };

    public static int MinorUnits(string currency) => NoMinorUnit.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : 2;

    /// <summary>Rounds half to even, as accounting ledgers do, to the currency's minor unit.</summary>
    public static decimal Round(decimal amount, string currency) => Math.Round(amount, MinorUnits(currency), MidpointRounding.ToEven);
}
