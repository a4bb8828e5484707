using System.Text.Json;
using System.Text.Json.Serialization;
using AiTrading.Core.Features;

namespace AiTrading.Connectors.Features;

/// <summary>
/// Reads a JSON array of feature definitions, e.g.
/// <c>[{"indicator": "RSI", "parameters": {"period": 7}}, {"indicator": "MACD", "output": "signal", "name": "trigger"}]</c>
/// (fields as in <see cref="FeatureDefinition"/>, any case; comments and trailing commas allowed; unknown fields
/// refused). Malformed JSON is a <see cref="FormatException"/> naming the file, line and JSON path; whether the
/// definitions make sense is for <see cref="FeaturePipeline"/> to say.
/// </summary>
public static class FeatureDefinitionFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static IReadOnlyList<FeatureDefinition> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{path}: cannot read the feature definitions ({e.Message})", e);
        }
        return Parse(text, path);
    }

    /// <param name="source">What to call the text in errors (a file name).</param>
    public static IReadOnlyList<FeatureDefinition> Parse(string json, string source)
    {
        Entry?[]? entries;
        try
        {
            entries = JsonSerializer.Deserialize<Entry?[]>(json, Options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, " : "";
            throw new FormatException($"{source}: {where}{(e.Path is { Length: > 0 } p ? $"at {p}: " : "")}{Reason(e)}", e);
        }
        if (entries is null) throw new FormatException($"{source}: expected a JSON array of feature definitions, got null");
        return entries.Select(e => e is null ? null! : new FeatureDefinition(e.Indicator!, e.Parameters, e.Output, e.Timeframe, e.Name, e.Input)).ToArray();
    }

    // JsonException messages end with their own "Path: … | LineNumber: …" suffix, which the message above already gives.
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }

    private sealed record Entry(string? Indicator, Dictionary<string, double>? Parameters, string? Output, string? Timeframe, string? Name, string? Input);
}
