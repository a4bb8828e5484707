using System.Text.Json;
using System.Text.Json.Nodes;
using AiTrading.Core;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Client;

/// <summary>
/// Reads JSON that people write (a strategy spec file, as POST /v1/strategies takes it) into a gRPC message:
/// comments and trailing commas allowed, field names in camelCase, snake_case or any case, decimal amounts as
/// numbers or strings (the protos carry them as strings), unknown fields refused by their path. Problems are a
/// <see cref="FormatException"/> naming the source and every field at fault.
/// </summary>
public static class ProtoJsonInput
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    /// <summary>A strategy spec file: the JSON of examples/strategies/*.json.</summary>
    public static Proto.StrategySpec ReadStrategySpec(string path) => Read<Proto.StrategySpec>(path, "strategy spec");

    public static T Read<T>(string path, string what) where T : IMessage<T>, new() => Parse<T>(JsonInput.ReadText(path, what), path);

    /// <param name="source">What to call the text in errors (a file name).</param>
    public static T Parse<T>(string json, string source) where T : IMessage<T>, new()
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: {(e.LineNumber is { } line ? $"line {line + 1}: " : "")}not JSON ({e.Message.Split(" Path: ")[0]})", e);
        }
        var descriptor = new T().Descriptor;
        var errors = new List<string>();
        var canonical = Canonical(node, descriptor, "", errors);
        if (errors.Count > 0) throw new FormatException($"{source}: {string.Join("; ", errors)}");
        try
        {
            return Parser.Parse<T>(canonical!.ToJsonString());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>The object with each field under its proto JSON name and numbers given for string fields as their text.</summary>
    private static JsonObject? Canonical(JsonNode? node, MessageDescriptor message, string path, List<string> errors)
    {
        if (node is not JsonObject input)
        {
            errors.Add($"{Where(path)}: expected a JSON object ({message.Name})");
            return null;
        }
        var output = new JsonObject();
        foreach (var (name, value) in input)
        {
            var field = message.FindFieldByName(name)
                ?? message.Fields.InFieldNumberOrder().FirstOrDefault(f => string.Equals(f.JsonName, name, StringComparison.OrdinalIgnoreCase)
                                                                           || string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            var at = path.Length == 0 ? name : $"{path}.{name}";
            if (field is null)
            {
                errors.Add($"{at}: unknown field (known: {string.Join(", ", message.Fields.InFieldNumberOrder().Select(f => f.JsonName))})");
                continue;
            }
            if (output.ContainsKey(field.JsonName))
            {
                errors.Add($"{at}: given twice");
                continue;
            }
            output[field.JsonName] = Value(value, field, at, errors);
        }
        return output;
    }

    private static JsonNode? Value(JsonNode? value, FieldDescriptor field, string path, List<string> errors)
    {
        if (value is null) return null;
        if (field.IsMap)
        {
            if (value is not JsonObject map) return value.DeepClone(); // the parser names the problem
            var valueField = field.MessageType.FindFieldByNumber(2);
            var result = new JsonObject();
            foreach (var (key, item) in map) result[key] = Single(item, valueField, $"{path}.{key}", errors);
            return result;
        }
        if (field.IsRepeated && value is JsonArray list)
            return new JsonArray(list.Select((item, i) => Single(item, field, $"{path}[{i}]", errors)).ToArray());
        return Single(value, field, path, errors);
    }

    private static JsonNode? Single(JsonNode? value, FieldDescriptor field, string path, List<string> errors) => field.FieldType switch
    {
        _ when value is null => null,
        // Well-known types (timestamps) have JSON forms of their own, left to the parser.
        FieldType.Message when !field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal) => Canonical(value, field.MessageType, path, errors),
        // Decimal amounts travel as strings; a spec may write them as JSON numbers, exactly as written.
        FieldType.String when value.GetValueKind() == JsonValueKind.Number => JsonValue.Create(value.ToJsonString()),
        _ => value.DeepClone(),
    };

    private static string Where(string path) => path.Length == 0 ? "the document" : path;
}
