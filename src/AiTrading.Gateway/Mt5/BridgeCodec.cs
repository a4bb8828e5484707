using System.Text.Json;
using System.Text.Json.Nodes;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;

namespace AiTrading.Gateway.Mt5;

/// <summary>A symbol the terminal trades, as its hello describes it.</summary>
internal sealed record BridgeSymbol(string Symbol, string BaseCurrency, string QuoteCurrency, double TickSize);

/// <summary>What the terminal sends (protocol v1, src/AiTrading.Connectors/Mt5/PROTOCOL.md), parsed and checked.</summary>
internal abstract record TerminalMessage;
internal sealed record HelloMessage(TerminalHello Hello, IReadOnlyList<BridgeSymbol> Symbols) : TerminalMessage;
internal sealed record TickMessage(Tick Tick) : TerminalMessage;
internal sealed record AckMessage(TerminalAck Ack) : TerminalMessage;
internal sealed record ExecutionMessage(TerminalExecution Execution) : TerminalMessage;
internal sealed record PositionsMessage(IReadOnlyList<TerminalPosition> Positions) : TerminalMessage;
internal sealed record HeartbeatMessage : TerminalMessage;

/// <summary>
/// Reads and writes the bridge's JSON messages. A message that breaks a rule is refused whole, with every problem
/// named by its field; nothing of it is acted on.
/// </summary>
internal static class BridgeCodec
{
    public const int MaxMessageBytes = 64 * 1024;
    public const int MaxSymbols = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TerminalMessage Parse(ReadOnlySpan<byte> utf8)
    {
        JsonObject message;
        try
        {
            message = JsonNode.Parse(utf8) as JsonObject ?? throw new ValidationException("message", "must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ValidationException("message", $"is not valid JSON: {e.Message}");
        }
        var errors = new List<FieldError>();
        var reader = new FieldReader(message, errors);
        var type = reader.String("type");
        TerminalMessage? parsed = type switch
        {
            "hello" => ParseHello(reader, errors),
            "tick" => ParseTick(reader),
            "ack" => new AckMessage(new TerminalAck(reader.Long("seq", minimum: 1), reader.Bool("ok"), reader.OptionalString("ticket"), reader.OptionalString("reason"))),
            "execution" => ParseExecution(reader, errors),
            "positions" => ParsePositions(reader, errors),
            "heartbeat" => new HeartbeatMessage(),
            null => null,
            _ => Unknown(errors, type),
        };
        if (errors.Count > 0 || parsed is null) throw new ValidationException(errors);
        return parsed;
    }

    private static TerminalMessage? Unknown(List<FieldError> errors, string type)
    {
        errors.Add(new("type", $"'{type}' is not a message type (hello, tick, ack, execution, positions, heartbeat)"));
        return null;
    }

    private static HelloMessage ParseHello(FieldReader reader, List<FieldError> errors)
    {
        var hello = new TerminalHello((int)reader.Long("protocol", minimum: 1), reader.String("venue") ?? "", reader.String("token") ?? "", reader.String("terminal") ?? "");
        var symbols = new List<BridgeSymbol>();
        var items = reader.Array("symbols");
        if (items is { Count: > MaxSymbols }) errors.Add(new("symbols", $"must list at most {MaxSymbols} symbols (got {items.Count})"));
        else if (items is not null)
            for (var i = 0; i < items.Count; i++)
            {
                if (reader.Item(items, i, "symbols") is not { } item) continue;
                var symbol = item.String("symbol");
                var baseCurrency = item.String("baseCurrency");
                var quoteCurrency = item.String("quoteCurrency");
                var tickSize = item.Double("tickSize", positive: true);
                if (symbol is not null && baseCurrency is not null && quoteCurrency is not null)
                    symbols.Add(new BridgeSymbol(InstrumentCatalog.NormalizeSymbol(symbol), baseCurrency.ToUpperInvariant(), quoteCurrency.ToUpperInvariant(), tickSize));
            }
        return new HelloMessage(hello, symbols);
    }

    private static TickMessage ParseTick(FieldReader reader)
    {
        var symbol = reader.String("symbol");
        var time = reader.Time("time");
        var bid = reader.Double("bid", positive: true);
        var ask = reader.Double("ask", positive: true);
        if (bid > 0 && ask > 0 && ask < bid) reader.Fail("ask", $"must not be below the bid (got bid {bid}, ask {ask})");
        var bidVolume = reader.OptionalDouble("bidVolume") ?? 0;
        var askVolume = reader.OptionalDouble("askVolume") ?? 0;
        return new TickMessage(new Tick(InstrumentCatalog.NormalizeSymbol(symbol ?? ""), time, bid, ask, bidVolume, askVolume));
    }

    private static ExecutionMessage? ParseExecution(FieldReader reader, List<FieldError> errors)
    {
        var kindText = reader.String("kind");
        TerminalExecutionKind? kind = kindText switch
        {
            "fill" => TerminalExecutionKind.Fill,
            "cancelled" => TerminalExecutionKind.Cancelled,
            "expired" => TerminalExecutionKind.Expired,
            "rejected" => TerminalExecutionKind.Rejected,
            null => null,
            _ => null,
        };
        if (kindText is not null && kind is null) errors.Add(new("kind", $"'{kindText}' is not an execution kind (fill, cancelled, expired, rejected)"));
        var isFill = kind == TerminalExecutionKind.Fill;
        var execution = new TerminalExecution(reader.String("execId") ?? "", reader.String("orderId") ?? "", kind ?? TerminalExecutionKind.Fill,
            isFill ? reader.Decimal("quantity") : reader.OptionalDecimal("quantity") ?? 0, isFill ? reader.Decimal("price") : reader.OptionalDecimal("price") ?? 0,
            reader.Time("time"), reader.OptionalString("reason"));
        return new ExecutionMessage(execution);
    }

    private static PositionsMessage ParsePositions(FieldReader reader, List<FieldError> errors)
    {
        var positions = new List<TerminalPosition>();
        var items = reader.Array("positions");
        if (items is { Count: > MaxSymbols }) errors.Add(new("positions", $"must list at most {MaxSymbols} positions (got {items.Count})"));
        else if (items is not null)
            for (var i = 0; i < items.Count; i++)
            {
                if (reader.Item(items, i, "positions") is not { } item) continue;
                positions.Add(new TerminalPosition(InstrumentCatalog.NormalizeSymbol(item.String("symbol") ?? ""), item.SignedDecimal("quantity"),
                    item.Decimal("averagePrice"), item.SignedDecimal("profit")));
            }
        return new PositionsMessage(positions);
    }

    public static byte[] Welcome(TerminalSession session) => Write(new JsonObject
    {
        ["type"] = "welcome", ["protocol"] = 1, ["session"] = session.Session, ["heartbeatSeconds"] = session.HeartbeatSeconds, ["pending"] = session.Pending.Count,
    });

    public static byte[] Error(string code, string message, IReadOnlyList<FieldError>? errors = null)
    {
        var json = new JsonObject { ["type"] = "error", ["code"] = code, ["message"] = message };
        if (errors is { Count: > 0 })
            json["errors"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["field"] = e.Field, ["message"] = e.Message }).ToArray());
        return Write(json);
    }

    public static byte[] ExecutionAck(string executionId, ExecutionOutcome outcome) => Write(new JsonObject
    {
        ["type"] = "execAck", ["execId"] = executionId, ["outcome"] = outcome switch
        {
            ExecutionOutcome.Applied => "applied",
            ExecutionOutcome.Duplicate => "duplicate",
            ExecutionOutcome.UnknownOrder => "unknown_order",
            _ => "refused",
        },
    });

    public static byte[] Heartbeat(DateTimeOffset now) => Write(new JsonObject { ["type"] = "heartbeat", ["time"] = now.ToUnixTimeMilliseconds() });

    public static byte[] Command(TerminalCommand command) => Write(command.Kind switch
    {
        TerminalCommandKind.Place when command.Order is { } order => new JsonObject
        {
            ["type"] = "order", ["seq"] = command.Sequence, ["orderId"] = command.OrderId, ["symbol"] = order.Symbol,
            ["side"] = order.Side == OrderSide.Buy ? "BUY" : "SELL", ["quantity"] = order.Quantity,
            ["orderType"] = order.Type switch { OrderType.Limit => "LIMIT", OrderType.Stop => "STOP", OrderType.StopLimit => "STOP_LIMIT", _ => "MARKET" },
            ["limitPrice"] = order.LimitPrice, ["stopPrice"] = order.StopPrice, ["timeInForce"] = order.TimeInForce.ToString().ToUpperInvariant(),
        },
        TerminalCommandKind.Cancel => new JsonObject { ["type"] = "cancel", ["seq"] = command.Sequence, ["orderId"] = command.OrderId, ["reason"] = command.Reason },
        TerminalCommandKind.Modify => new JsonObject
        {
            ["type"] = "modify", ["seq"] = command.Sequence, ["orderId"] = command.OrderId, ["quantity"] = command.Quantity,
            ["limitPrice"] = command.LimitPrice, ["stopPrice"] = command.StopPrice,
        },
        _ => throw new ArgumentException($"command {command.Sequence} ({command.Kind}) has no order", nameof(command)),
    });

    private static byte[] Write(JsonObject json) => JsonSerializer.SerializeToUtf8Bytes(json, Json);

    /// <summary>Reads typed fields off one JSON object, adding a named error for each one missing or malformed.</summary>
    private sealed class FieldReader(JsonObject json, List<FieldError> errors, string prefix = "")
    {
        public void Fail(string field, string message) => errors.Add(new(prefix + field, message));

        public string? String(string field)
        {
            var value = OptionalString(field);
            if (value is null && !Has(field)) Fail(field, "is required");
            return value;
        }

        public string? OptionalString(string field)
        {
            if (!Has(field)) return null;
            if (json[field] is JsonValue v && v.TryGetValue<string>(out var s))
            {
                if (s.Length == 0) Fail(field, "must not be empty");
                else if (s.Length > 256) Fail(field, "must be at most 256 characters");
                else return s;
                return null;
            }
            Fail(field, "must be a string");
            return null;
        }

        public bool Bool(string field)
        {
            if (json[field] is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
            Fail(field, Has(field) ? "must be true or false" : "is required");
            return false;
        }

        public long Long(string field, long minimum)
        {
            if (json[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n))
            {
                if (n >= minimum) return n;
                Fail(field, $"must be at least {minimum} (got {n})");
                return minimum;
            }
            Fail(field, Has(field) ? "must be a whole number" : "is required");
            return minimum;
        }

        public double Double(string field, bool positive)
        {
            if (!Has(field)) { Fail(field, "is required"); return 0; }
            if (Finite(field) is not { } value) return 0;
            if (positive && !(value > 0)) { Fail(field, $"must be greater than 0 (got {value})"); return 0; }
            return value;
        }

        public double? OptionalDouble(string field)
        {
            var value = Finite(field);
            if (value >= 0 || value is null) return value;
            Fail(field, $"must not be negative (got {value})");
            return null;
        }

        private double? Finite(string field)
        {
            if (!Has(field)) return null;
            if (json[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && double.IsFinite(d)) return d;
            Fail(field, "must be a finite number");
            return null;
        }

        public decimal Decimal(string field)
        {
            var value = SignedDecimal(field);
            if (value <= 0 && Has(field) && json[field] is JsonValue { } v && v.GetValueKind() == JsonValueKind.Number) Fail(field, $"must be greater than 0 (got {value})");
            return value;
        }

        public decimal? OptionalDecimal(string field) => Has(field) ? SignedDecimal(field) : null;

        public decimal SignedDecimal(string field)
        {
            if (json[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<decimal>(out var d)) return d;
            Fail(field, Has(field) ? "must be a number" : "is required");
            return 0;
        }

        /// <summary>Milliseconds since the Unix epoch, UTC (MQL5's time_msc).</summary>
        public DateTimeOffset Time(string field)
        {
            var ms = Long(field, minimum: 1);
            return ms <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : Bad();

            DateTimeOffset Bad()
            {
                Fail(field, $"must be milliseconds since 1970-01-01 UTC (got {ms})");
                return DateTimeOffset.UnixEpoch;
            }
        }

        public JsonArray? Array(string field)
        {
            if (json[field] is JsonArray array) return array;
            Fail(field, Has(field) ? "must be an array" : "is required");
            return null;
        }

        public FieldReader? Item(JsonArray array, int index, string field)
        {
            if (array[index] is JsonObject item) return new FieldReader(item, errors, $"{prefix}{field}[{index}].");
            Fail($"{field}[{index}]", "must be an object");
            return null;
        }

        private bool Has(string field) => json.TryGetPropertyValue(field, out var node) && node is not null;
    }
}
