using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// Backtest settings as people write them on a command line or in a request, and results as JSON: one reading for the
/// CLI, the gateway and the backtest grain. Problems are added to the caller's list, each naming <c>field</c>.
/// </summary>
public static class BacktestText
{
    /// <summary>camelCase, enums as camelCase strings, indented.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary><c>next-open</c> or <c>close</c>.</summary>
    public static FillModel Fill(string text, string field, List<FieldError> errors)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "" or "next-open": return FillModel.NextBarOpen;
            case "close": return FillModel.ThisBarClose;
            default:
                errors.Add(new(field, $"'{text}' is not a fill model (use next-open or close)"));
                return FillModel.NextBarOpen;
        }
    }

    /// <summary>Comma-separated terms: <c>0.005/unit</c>, <c>2bps</c> or <c>0.1%</c> of notional, <c>min=1</c>.</summary>
    public static CommissionModel Commission(string text, string field, List<FieldError> errors)
    {
        var model = CommissionModel.None;
        foreach (var part in Terms(text))
        {
            if (part.EndsWith("/unit", StringComparison.OrdinalIgnoreCase)) model = model with { PerUnit = Decimal(part[..^5], field, errors) };
            else if (part.EndsWith("bps", StringComparison.OrdinalIgnoreCase)) model = model with { PerNotional = Decimal(part[..^3], field, errors) / 10_000 };
            else if (part.EndsWith('%')) model = model with { PerNotional = Decimal(part[..^1], field, errors) / 100 };
            else if (part.StartsWith("min=", StringComparison.OrdinalIgnoreCase)) model = model with { Minimum = Decimal(part[4..], field, errors) };
            else errors.Add(new(field, $"'{part}' is not a commission term (use e.g. 0.005/unit, 2bps, 0.1%, min=1)"));
        }
        return model;
    }

    /// <summary><c>long=RATE,short=RATE</c>, each an annual fraction (0.03) or percentage (3%).</summary>
    public static FinancingModel Financing(string text, string field, List<FieldError> errors)
    {
        var model = FinancingModel.None;
        foreach (var part in Terms(text))
        {
            if (part.StartsWith("long=", StringComparison.OrdinalIgnoreCase)) model = model with { LongRate = Rate(part[5..], field, errors) };
            else if (part.StartsWith("short=", StringComparison.OrdinalIgnoreCase)) model = model with { ShortRate = Rate(part[6..], field, errors) };
            else errors.Add(new(field, $"'{part}' is not a financing term (use long=RATE,short=RATE)"));
        }
        return model;
    }

    public static decimal Decimal(string text, string field, List<FieldError> errors)
    {
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add(new(field, $"'{text}' is not a number"));
        return 0;
    }

    private static decimal Rate(string text, string field, List<FieldError> errors) =>
        text.EndsWith('%') ? Decimal(text[..^1], field, errors) / 100 : Decimal(text, field, errors);

    private static string[] Terms(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
