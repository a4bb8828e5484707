using System.Globalization;
using System.Text.Json;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;

namespace AiTrading.Gateway;

/// <summary>An order as clients send it: every field a string (JSON numbers arrive as their text), null when absent.</summary>
internal sealed record OrderFields(
    string? ClientOrderId, string? Account, string? Symbol, string? Side, string? Quantity, string? Type = null, string? LimitPrice = null,
    string? StopPrice = null, string? TimeInForce = null, string? StopLossPrice = null, string? TakeProfitPrice = null, bool HasBracket = false,
    string? Venue = null);

/// <summary>
/// Parses a manual order from the loosely typed shapes clients send (JSON, gRPC strings) into an
/// <see cref="OrderRequest"/>, collecting every problem with the field it concerns.
/// </summary>
internal static class OrderInput
{
    public static OrderRequest Parse(OrderFields f)
    {
        var errors = new List<FieldError>();
        var side = f.Side?.Trim().ToUpperInvariant() switch
        {
            "BUY" => OrderSide.Buy,
            "SELL" => OrderSide.Sell,
            null or "" => Fail<OrderSide>(errors, "side", "is required (BUY or SELL)"),
            _ => Fail<OrderSide>(errors, "side", $"{Bounds.Echo(f.Side)} is not a side (use BUY or SELL)"),
        };
        var type = f.Type?.Trim().ToUpperInvariant().Replace('-', '_') switch
        {
            null or "" or "MARKET" => OrderType.Market,
            "LIMIT" => OrderType.Limit,
            "STOP" => OrderType.Stop,
            "STOP_LIMIT" => OrderType.StopLimit,
            _ => Fail<OrderType>(errors, "type", $"{Bounds.Echo(f.Type)} is not an order type (use MARKET, LIMIT, STOP or STOP_LIMIT)"),
        };
        var timeInForce = f.TimeInForce?.Trim().ToUpperInvariant() switch
        {
            null or "" or "GTC" => TimeInForce.Gtc,
            "IOC" => TimeInForce.Ioc,
            "FOK" => TimeInForce.Fok,
            "DAY" => TimeInForce.Day,
            _ => Fail<TimeInForce>(errors, "timeInForce", $"{Bounds.Echo(f.TimeInForce)} is not a time in force (use GTC, IOC, FOK or DAY)"),
        };
        var quantity = Decimal(errors, "quantity", f.Quantity, required: true) ?? 0m;
        var limit = Decimal(errors, "limitPrice", f.LimitPrice, required: false);
        var stop = Decimal(errors, "stopPrice", f.StopPrice, required: false);
        var bracket = f.HasBracket
            ? new BracketRequest(Decimal(errors, "bracket.stopLossPrice", f.StopLossPrice, required: false), Decimal(errors, "bracket.takeProfitPrice", f.TakeProfitPrice, required: false))
            : null;

        var request = new OrderRequest(f.ClientOrderId?.Trim() ?? "", f.Account?.Trim() ?? "",
            f.Symbol is null ? "" : InstrumentCatalog.NormalizeSymbol(f.Symbol), side, quantity, type, limit, null, stop, timeInForce, bracket,
            string.IsNullOrWhiteSpace(f.Venue) ? null : f.Venue.Trim());
        // Fields that failed to parse already have their error; add the rule checks of the others.
        errors.AddRange(request.Validate().Where(v => errors.All(e => e.Field != v.Field)));
        if (errors.Count > 0) throw new ValidationException(errors);
        return request;
    }

    public static OrderRequest ParseJson(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new ValidationException("body", "must be a JSON object");
        Apis.RequestBody.RefuseUnknownFields(body, "$", "an order", OrderFieldNames);
        var bracket = Property(body, "bracket");
        if (bracket is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
            throw new ValidationException("bracket", "must be an object with stopLossPrice and/or takeProfitPrice");
        var hasBracket = bracket is { ValueKind: JsonValueKind.Object };
        if (hasBracket) Apis.RequestBody.RefuseUnknownFields(bracket!.Value, "$.bracket", "a bracket", "stopLossPrice", "takeProfitPrice");
        return Parse(new OrderFields(Text(body, "clientOrderId"), Text(body, "account"), Text(body, "symbol"), Text(body, "side"),
            Text(body, "quantity"), Text(body, "type"), Text(body, "limitPrice"), Text(body, "stopPrice"), Text(body, "timeInForce"),
            hasBracket ? Text(bracket!.Value, "stopLossPrice") : null, hasBracket ? Text(bracket!.Value, "takeProfitPrice") : null, hasBracket, Text(body, "venue")));
    }

    /// <summary>The new quantity and prices of a cancel/replace (prices may be empty where the order type has none).</summary>
    public static (decimal Quantity, decimal? LimitPrice, decimal? StopPrice) ParseReplace(string? quantity, string? limitPrice, string? stopPrice)
    {
        var errors = new List<FieldError>();
        var parsed = (Decimal(errors, "quantity", quantity, required: true) ?? 0m, Decimal(errors, "limitPrice", limitPrice, required: false),
            Decimal(errors, "stopPrice", stopPrice, required: false));
        if (errors.Count > 0) throw new ValidationException(errors);
        return parsed;
    }

    public static (decimal Quantity, decimal? LimitPrice, decimal? StopPrice) ParseReplaceJson(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new ValidationException("body", "must be a JSON object");
        Apis.RequestBody.RefuseUnknownFields(body, "$", "a replace", "quantity", "limitPrice", "stopPrice");
        return ParseReplace(Text(body, "quantity"), Text(body, "limitPrice"), Text(body, "stopPrice"));
    }

    private static readonly string[] OrderFieldNames =
        ["clientOrderId", "account", "symbol", "side", "quantity", "type", "limitPrice", "stopPrice", "timeInForce", "bracket", "venue"];

    private static JsonElement? Property(JsonElement body, string name)
    {
        foreach (var property in body.EnumerateObject())
            if (property.NameEquals(name) || string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        return null;
    }

    private static string? Text(JsonElement body, string name) => Property(body, name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.Null } or null => null,
        { } value => value.GetRawText(),
    };

    /// <summary>A decimal amount sent as text: empty is null (or an error when required), anything else must parse.</summary>
    internal static decimal? Decimal(List<FieldError> errors, string field, string? text, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) errors.Add(new(field, "is required"));
            return null;
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add(new(field, $"{Bounds.Echo(text)} is not a finite decimal number"));
        return null;
    }

    private static T Fail<T>(List<FieldError> errors, string field, string message) where T : struct, Enum
    {
        errors.Add(new(field, message));
        return default;
    }
}
