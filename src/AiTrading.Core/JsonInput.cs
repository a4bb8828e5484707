using System.Text.Json;
using System.Text.RegularExpressions;
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
        catch (OverflowException e)
        {
            throw new FormatException($"{source}: a number is out of range ({e.Message})", e);
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

    // JsonException messages end with their own "Path: … | LineNumber: …" suffix, which the message above already gives,
    // and name .NET types, which mean nothing to the person who wrote the JSON.
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        message = cut >= 0 ? message[..cut] : message;
        if (UnmappedProperty.Match(message) is { Success: true } unmapped) return $"unknown field {Bounds.Echo(unmapped.Groups[1].Value)}";
        if (Unconvertible.Match(message) is { Success: true } converted) return $"the value is not {Expected(converted.Groups[1].Value)}";
        return message;
    }

    private static readonly Regex UnmappedProperty = new("^The JSON property '(.*)' could not be mapped to any \\.NET member", RegexOptions.Singleline);
    private static readonly Regex Unconvertible = new("^The JSON value could not be converted to (.+?)\\.?$", RegexOptions.Singleline);

    // The type is written as .NET writes it, e.g. System.Nullable`1[[System.Decimal, System.Private.CoreLib, …]].
    private static string Expected(string type) => type switch
    {
        _ when type.Contains("List`1") || type.Contains("[]") => "an array",
        _ when type.Contains("Dictionary`2") => "an object",
        _ when type.Contains("System.Decimal") || type.Contains("System.Double") || type.Contains("System.Single") => "a number (or it is out of range)",
        _ when type.Contains("System.Int32") || type.Contains("System.Int64") => "a whole number (or it is out of range)",
        _ when type.Contains("System.String") => "a string",
        _ when type.Contains("System.Boolean") => "true or false",
        _ when type.Contains("System.DateTime") => "an ISO 8601 date and time",
        _ => "of the expected kind",
    };
}
