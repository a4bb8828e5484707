using System.Buffers;
using System.Text;
using System.Text.Json;
using AiTrading.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AiTrading.Gateway.Apis;

/// <summary>
/// Reads request bodies the same way on every endpoint: UTF-8 <c>application/json</c> only (415 otherwise), at most
/// <see cref="MaxBytes"/> (413 beyond), malformed JSON a 400 on "body" with its line, unknown fields refused by name.
/// </summary>
internal static class RequestBody
{
    public const int MaxBytes = 256 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

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

    /// <summary>The body as a JSON object, for endpoints that read loosely typed fields themselves; a field twice is refused.</summary>
    public static async Task<JsonElement> ReadElementAsync(HttpRequest http)
    {
        var text = await ReadTextAsync(http);
        try
        {
            using var document = JsonDocument.Parse(text, DocumentOptions);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ValidationException("body", $"is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses the fields of <paramref name="body"/> (at <paramref name="path"/>) that are not in <paramref name="known"/>
    /// (compared ignoring case, as the readers do), naming each.
    /// </summary>
    public static void RefuseUnknownFields(JsonElement body, string path, string what, params string[] known)
    {
        var unknown = body.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
            .Select(p => new FieldError("body", $"at {path}.{p.Name}: unknown field {Bounds.Echo(p.Name)} ({what} has {string.Join(", ", known)})"))
            .Take(10).ToList();
        if (unknown.Count > 0) throw new ValidationException(unknown);
    }

    private static async Task<string> ReadTextAsync(HttpRequest http)
    {
        RequireJson(http);
        if (http.ContentLength > MaxBytes) throw TooLarge();
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(http.ContentLength ?? 4096, MaxBytes) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await http.Body.ReadAsync(buffer.AsMemory(length), http.HttpContext.RequestAborted);
                if (read == 0) break;
                length += read;
                if (length > MaxBytes) throw TooLarge();
            }
            var bytes = buffer.AsSpan(0, length);
            if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new ValidationException("body", "is not valid UTF-8");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary><c>application/json</c>, in UTF-8 when a charset is named; anything else is refused before the body is read.</summary>
    private static void RequireJson(HttpRequest http)
    {
        if (MediaTypeHeaderValue.TryParse(http.ContentType, out var type)
            && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && (!type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
            return;
        var received = string.IsNullOrWhiteSpace(http.ContentType) ? "no content type" : $"content type {Bounds.Echo(http.ContentType)}";
        throw new RequestRefusedException(StatusCodes.Status415UnsupportedMediaType, $"the body must be application/json (UTF-8); the request has {received}");
    }

    private static RequestRefusedException TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBytes} bytes");
}
