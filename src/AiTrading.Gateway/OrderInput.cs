using System.Globalization;
using System.Text.Json;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;

namespace AiTrading.Gateway;

/// <summary>
/// Parses a manual order from the loosely typed shapes clients send (JSON, gRPC strings) into an
/// <see cref="OrderRequest"/>, collecting every problem with the field it concerns.
/// </summary>
internal static class OrderInput
{
    public static OrderRequest Parse(string? clientOrderId, string? account, string? symbol, string? side, string? quantity,
        string? type, string? limitPrice)
    {
        var errors = new List<FieldError>();
        var parsedSide = side?.Trim().ToUpperInvariant() switch
        {
            "BUY" => OrderSide.Buy,
            "SELL" => OrderSide.Sell,
            null or "" => Fail<OrderSide>(errors, "side", "is required (BUY or SELL)"),
            _ => Fail<OrderSide>(errors, "side", $"'{side}' is not a side (use BUY or SELL)"),
        };
        var parsedType = type?.Trim().ToUpperInvariant() switch
        {
            null or "" or "MARKET" => OrderType.Market,
            "LIMIT" => OrderType.Limit,
            _ => Fail<OrderType>(errors, "type", $"'{type}' is not an order type (use MARKET or LIMIT)"),
        };
        var parsedQuantity = Decimal(errors, "quantity", quantity, required: true) ?? 0m;
        var parsedLimit = Decimal(errors, "limitPrice", limitPrice, required: false);

        var request = new OrderRequest(clientOrderId?.Trim() ?? "", account?.Trim() ?? "",
            symbol is null ? "" : InstrumentCatalog.NormalizeSymbol(symbol), parsedSide, parsedQuantity, parsedType, parsedLimit);
        // Fields that failed to parse already have their error; add the rule checks of the others.
        errors.AddRange(request.Validate().Where(v => errors.All(e => e.Field != v.Field)));
        if (errors.Count > 0) throw new ValidationException(errors);
        return request;
    }

    public static OrderRequest ParseJson(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new ValidationException("body", "must be a JSON object");
        return Parse(Text(body, "clientOrderId"), Text(body, "account"), Text(body, "symbol"), Text(body, "side"),
            Text(body, "quantity"), Text(body, "type"), Text(body, "limitPrice"));
    }

    private static string? Text(JsonElement body, string name)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!property.NameEquals(name) && !string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) continue;
            return property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.Null => null,
                _ => property.Value.GetRawText(),
            };
        }
        return null;
    }

    private static decimal? Decimal(List<FieldError> errors, string field, string? text, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) errors.Add(new(field, "is required"));
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add(new(field, $"'{text}' is not a finite decimal number"));
        return null;
    }

    private static T Fail<T>(List<FieldError> errors, string field, string message) where T : struct, Enum
    {
        errors.Add(new(field, message));
        return default;
    }
}
