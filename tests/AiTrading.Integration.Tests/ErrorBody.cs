using System.Net;
using System.Text.Json;

namespace AiTrading.Integration.Tests;

/// <summary>
/// An error answer (an RFC 9457 problem) as the catalog reads it: a 400's field errors (<c>errors: [{field, message}]</c>)
/// and the one-line reason of other answers (the problem's <c>detail</c>, else its <c>title</c>).
/// </summary>
public sealed record ErrorBody(HttpStatusCode Status, IReadOnlyList<(string Field, string Message)> Errors, string? Reason, string Text)
{
    public static async Task<ErrorBody> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var errors = new List<(string, string)>();
        string? reason = null;
        if (text.Length > 0 && (text[0] == '{'))
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
                errors.AddRange(list.EnumerateArray().Select(e => (e.GetProperty("field").GetString() ?? "", e.GetProperty("message").GetString() ?? "")));
            reason = root.TryGetProperty("detail", out var detail) ? detail.GetString()
                : root.TryGetProperty("title", out var title) ? title.GetString() : null;
        }
        return new ErrorBody(response.StatusCode, errors, reason, text);
    }

    /// <summary>Whether a field error on <paramref name="field"/> (or, with none, the reason) says <paramref name="fragment"/>.</summary>
    public bool Says(string? field, string fragment) => field is null
        ? (Reason ?? "").Contains(fragment, StringComparison.Ordinal) || Errors.Any(e => e.Message.Contains(fragment, StringComparison.Ordinal))
        : Errors.Any(e => e.Field == field && e.Message.Contains(fragment, StringComparison.Ordinal));
}
