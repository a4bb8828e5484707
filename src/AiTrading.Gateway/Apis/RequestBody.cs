using System.Text.Json;
using AiTrading.Core;
using Microsoft.AspNetCore.Http;

namespace AiTrading.Gateway.Apis;

/// <summary>Reads request bodies the same way on every endpoint: at most <see cref="MaxBytes"/>, malformed JSON a 400 on "body" with its line.</summary>
internal static class RequestBody
{
    public const int MaxBytes = 256 * 1024;

    /// <summary>The body bound to <typeparamref name="T"/> as <see cref="JsonInput"/> reads (unknown fields refused).</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest http)
    {
        var text = await ReadTextAsync(http);
        try
        {
            return JsonInput.Parse<T>(text, "body");
        }
        catch (FormatException e)
        {
            throw new ValidationException("body", e.Message["body: ".Length..]);
        }
    }

    /// <summary>The body as a JSON element, for endpoints that read loosely typed fields themselves.</summary>
    public static async Task<JsonElement> ReadElementAsync(HttpRequest http)
    {
        var text = await ReadTextAsync(http);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ValidationException("body", $"is not valid JSON: {e.Message}");
        }
    }

    private static async Task<string> ReadTextAsync(HttpRequest http)
    {
        if (http.ContentLength > MaxBytes) throw new ValidationException("body", $"is larger than {MaxBytes} bytes");
        using var reader = new StreamReader(http.Body);
        var buffer = new char[MaxBytes + 1];
        var read = await reader.ReadBlockAsync(buffer, http.HttpContext.RequestAborted);
        if (read > MaxBytes) throw new ValidationException("body", $"is larger than {MaxBytes} bytes");
        return new string(buffer, 0, read);
    }
}
