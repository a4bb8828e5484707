using System.Globalization;

namespace AiTrading.Core;

/// <summary>
/// Upper bounds on the amounts and texts clients send, so that no input can overflow <see cref="decimal"/> arithmetic
/// further down (quantity × price × FX rate, sums of positions) or make the platform hold an unbounded text.
/// Quantities up to 10^12 units and prices up to 10^10 keep any notional below 10^22, far inside decimal's 7.9 × 10^28.
/// </summary>
public static class Bounds
{
    public const decimal MaxQuantity = 1_000_000_000_000m;
    public const decimal MaxPrice = 10_000_000_000m;
    /// <summary>Cash, notionals, losses and commissions, in an account currency.</summary>
    public const decimal MaxMoney = 1_000_000_000_000_000m;
    /// <summary>Decimal places of a quantity or a price (a finer step than any venue's).</summary>
    public const int MaxDecimals = 10;
    /// <summary>Free-text reasons (cancel, pause), kept in orders, strategies and the audit log.</summary>
    public const int MaxReasonLength = 500;
    /// <summary>How much of a refused text an error message repeats.</summary>
    public const int MaxEcho = 40;

    public static void Quantity(List<FieldError> errors, string field, decimal value) => Amount(errors, field, value, MaxQuantity);

    public static void Price(List<FieldError> errors, string field, decimal? value)
    {
        if (value is { } price) Amount(errors, field, price, MaxPrice);
    }

    /// <summary>An amount of money: at most <see cref="MaxMoney"/> either way (its sign is the caller's rule).</summary>
    public static void Money(List<FieldError> errors, string field, decimal? value)
    {
        if (value is { } money && Math.Abs(money) > MaxMoney) errors.Add(new(field, $"must be at most {MaxMoney} in size (got {money})"));
    }

    /// <summary>A required free-text reason of at most <see cref="MaxReasonLength"/> printable characters.</summary>
    public static void Reason(List<FieldError> errors, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) errors.Add(new(field, "is required"));
        else if (text.Length > MaxReasonLength) errors.Add(new(field, $"must be at most {MaxReasonLength} characters (got {text.Length})"));
        else if (text.Any(char.IsControl)) errors.Add(new(field, "must not contain control characters"));
    }

    /// <exception cref="ValidationException">The reason is missing, too long or has control characters.</exception>
    public static void RequireReason(string field, string? text)
    {
        var errors = new List<FieldError>();
        Reason(errors, field, text);
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    /// <summary>A client's text quoted in an error message, cut to <see cref="MaxEcho"/> characters.</summary>
    public static string Echo(string? text) =>
        text is null ? "''" : text.Length <= MaxEcho ? $"'{text}'" : $"'{text[..MaxEcho]}…' ({text.Length} characters)";

    private static void Amount(List<FieldError> errors, string field, decimal value, decimal max)
    {
        if (value > max) errors.Add(new(field, $"must be at most {max.ToString(CultureInfo.InvariantCulture)} (got {value.ToString(CultureInfo.InvariantCulture)})"));
        else if (decimal.Round(value, MaxDecimals) != value) errors.Add(new(field, $"must have at most {MaxDecimals} decimal places (got {value.ToString(CultureInfo.InvariantCulture)})"));
    }
}
