using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiTrading.Core;

/// <summary>
/// How the platform reads JSON that people write (strategy specs, feature lists): camelCase or any case, comments
/// and trailing commas allowed, unknown fields refused, enums and numbers strict. Malformed input is a
/// <see cref="FormatException"/> naming the source, the line and the JSON path.
/// </summary>
public static class JsonInput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <param name="source">What to call the text in errors (a file name).</param>
    public static T Parse<T>(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new FormatException($"{source}: expected a JSON {Describe<T>()}, got null");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, " : "";
            throw new FormatException($"{source}: {where}{(e.Path is { Length: > 0 } p ? $"at {p}: " : "")}{Reason(e)}", e);
        }
    }

    /// <summary>Reads and parses a file; an unreadable file is a <see cref="FormatException"/> too.</summary>
    public static T Read<T>(string path, string what) => Parse<T>(ReadText(path, what), path);

    /// <summary>A file's text; an unreadable file is a <see cref="FormatException"/> naming it and <paramref name="what"/> it should hold.</summary>
    public static string ReadText(string path, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{path}: cannot read the {what} ({e.Message})", e);
        }
    }

    private static string Describe<T>() => typeof(T).IsArray || typeof(T).IsAssignableTo(typeof(System.Collections.IEnumerable)) ? "array" : "object";

    // JsonException messages end with their own "Path: … | LineNumber: …" suffix, which the message above already gives.
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut >= 0 ? message[..cut] : message;
    }
}
