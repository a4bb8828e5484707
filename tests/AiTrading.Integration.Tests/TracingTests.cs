using System.Diagnostics;
using System.Net;
using System.Text;

namespace AiTrading.Integration.Tests;

/// <summary>One order's spans, from the HTTP request through the grains it calls to the fill, form one trace.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TracingTests(GatewayFixture fixture)
{
    /// <summary>The grain calls of an order placed over HTTP: risk gate, order, paper venue, audit, the fill into the portfolio.</summary>
    private static readonly string[] OrderPath =
        ["IRiskGrain/SubmitOrderAsync", "IOrderGrain/PlaceAsync", "IExecutionVenue/SubmitAsync", "IAuditStreamGrain/AppendManyAsync", "IPortfolioGrain/ApplyFillsAsync"];

    [Fact]
    public async Task An_order_placed_over_http_is_one_trace_from_the_request_to_the_fill()
    {
        var (traceId, traceParent) = fixture.Spans.NewTrace();
        // The request carries the trace; an HttpClient that traces (any listener in this process) continues it instead.
        using var client = new Activity("test client").SetParentId(traceParent).Start();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders")
        {
            Content = new StringContent($$"""{"clientOrderId":"trace-{{Guid.NewGuid():N}}","account":"DEMO","symbol":"USDJPY","side":"SELL","quantity":1000}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", traceParent);
        using var response = await fixture.Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"Filled\"");

        IReadOnlyList<Activity> spans = [];
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!(spans.Any(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore")
                 && OrderPath.All(call => spans.Any(s => s.DisplayName == call && s.Kind == ActivityKind.Server))))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for the request's and every grain's spans; got: {Describe(spans)}");
            await Task.Delay(50);
            spans = fixture.Spans.Of(traceId);
        }

        var http = spans.Single(s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore");
        http.ParentSpanId.ShouldNotBe(default, "the request's span continues the caller's trace");
        // The order's spans descend from the HTTP request: one tree, not spans that merely share an id.
        var byId = spans.ToDictionary(s => s.SpanId);
        foreach (var span in spans.Where(s => OrderPath.Contains(s.DisplayName)))
        {
            var ancestor = span;
            while (ancestor != http && byId.TryGetValue(ancestor.ParentSpanId, out var parent)) ancestor = parent;
            ancestor.ShouldBe(http, $"{span.DisplayName} does not descend from the request; spans: {Describe(spans)}");
        }
        // Each grain call shows as the caller's client span and the grain's server span.
        foreach (var call in OrderPath)
            spans.ShouldContain(s => s.DisplayName == call && s.Kind == ActivityKind.Client, $"the {call} call's client span");
    }

    private static string Describe(IEnumerable<Activity> spans) => string.Join(", ", spans.Select(s => $"{s.Source.Name}:{s.DisplayName} ({s.Kind})"));
}
