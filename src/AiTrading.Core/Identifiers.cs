namespace AiTrading.Core;

/// <summary>The rule for ids that cross boundaries (accounts, client order ids, strategy ids): 1–64 of letters, digits, '-', '_' and '.'.</summary>
public static class Identifiers
{
    public const int MaxLength = 64;

    /// <summary>Adds the problem with <paramref name="value"/> to <paramref name="errors"/>, if it has one.</summary>
    public static void Require(List<FieldError> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add(new(field, "is required"));
        else if (value.Length > MaxLength) errors.Add(new(field, $"must be at most {MaxLength} characters"));
        else if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            errors.Add(new(field, "may contain only letters, digits, '-', '_' and '.'"));
    }
}
