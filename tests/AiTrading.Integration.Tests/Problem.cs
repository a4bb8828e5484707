using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AiTrading.Integration.Tests;

/// <summary>An RFC 9457 problem answer as tests read it.</summary>
public sealed record Problem(HttpStatusCode Status, string? ContentType, JsonElement Body)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>());

    public string? Detail => Body.TryGetProperty("detail", out var d) ? d.GetString() : null;

    /// <summary>The fields the problem's <c>errors</c> list names.</summary>
    public string[] Fields => Body.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToArray() : [];

    public static string[] FieldsOf(JsonElement body) => new Problem(default, null, body).Fields;

    public static string DetailOf(JsonElement body) => body.ValueKind == JsonValueKind.Object ? new Problem(default, null, body).Detail ?? "" : "";

    /// <summary>Checks the answer is a problem document with its status in the body too.</summary>
    public Problem ShouldBeProblem(HttpStatusCode status)
    {
        Status.ShouldBe(status);
        ContentType.ShouldBe("application/problem+json");
        Body.GetProperty("status").GetInt32().ShouldBe((int)status);
        Body.GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
        return this;
    }
}
