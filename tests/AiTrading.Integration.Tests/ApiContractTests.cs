using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiTrading.Gateway.Apis;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Integration.Tests;

/// <summary>One contract: the OpenAPI document describes every HTTP route, errors are problems, gRPC offers reflection and health.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ApiContractTests(GatewayFixture fixture)
{
    /// <summary>Routes the document does not describe: health, the description itself, the MT5 bridge's WebSocket, and the Orleans dashboard (a page of its own, under /dashboard).</summary>
    private static readonly string[] Undescribed = ["/healthz", "/readyz", ApiDescription.DocumentPath, ApiDescription.PagePath, "/v1/mt5/bridge"];

    [Fact]
    public async Task The_openapi_document_lists_every_http_route_with_its_security_and_problems()
    {
        var document = await fixture.Http.GetFromJsonAsync<JsonElement>(ApiDescription.DocumentPath);
        var paths = document.GetProperty("paths");
        var routes = HttpRoutes().ToList();
        routes.Count.ShouldBeGreaterThan(20);
        var described = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).ToHashSet();
        routes.Select(r => $"{r.Method} {r.Pattern.Replace("{**", "{")}").Where(r => !described.Contains(r)).ShouldBeEmpty($"described: {string.Join(", ", described)}");
        foreach (var (method, pattern) in routes)
        {
            var operation = paths.GetProperty(pattern.Replace("{**", "{")).GetProperty(method.ToLowerInvariant());
            operation.GetProperty("security").GetArrayLength().ShouldBe(1, $"{method} {pattern} declares no bearer requirement");
            var responses = operation.GetProperty("responses");
            responses.TryGetProperty("401", out _).ShouldBeTrue($"{method} {pattern} declares no 401");
            responses.EnumerateObject().ShouldContain(r => r.Name.StartsWith('2'), $"{method} {pattern} declares no success answer");
        }
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        var placeOrder = paths.GetProperty("/v1/orders").GetProperty("post");
        placeOrder.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _).ShouldBeTrue();
        placeOrder.GetProperty("responses").GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task The_document_and_its_page_need_a_token_like_every_route()
    {
        using var anonymous = TestTokens.Http(fixture.HttpAddress, token: null);
        (await Problem.ReadAsync(await anonymous.GetAsync(ApiDescription.DocumentPath))).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync(ApiDescription.PagePath)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // HttpClient drops the Authorization header when it follows a redirect, as the page's bare path answers.
        var page = await fixture.Http.GetAsync(ApiDescription.PagePath + "/");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("v1.json");
    }

    [Fact]
    public async Task Every_error_is_a_problem_document()
    {
        (await Problem.ReadAsync(await fixture.Http.GetAsync("/v1/orders/NOPE:missing"))).ShouldBeProblem(HttpStatusCode.NotFound)
            .Detail.ShouldBe("order 'NOPE:missing' was not found");
        (await Problem.ReadAsync(await fixture.Http.GetAsync("/v1/no-such-route"))).ShouldBeProblem(HttpStatusCode.NotFound);
        var invalid = (await Problem.ReadAsync(await fixture.Http.PostAsync("/v1/orders",
            new StringContent("""{"clientOrderId":"p-1","account":"DEMO","symbol":"EURUSD","side":"UP","quantity":1}""", Encoding.UTF8, "application/json"))))
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        invalid.Fields.ShouldBe(["side"]);
        invalid.Body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("not a side");
        using var anonymous = TestTokens.Http(fixture.HttpAddress, token: null);
        var unauthorized = await anonymous.GetAsync("/v1/venues");
        (await Problem.ReadAsync(unauthorized)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        unauthorized.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
    }

    [Fact]
    public async Task Grpc_offers_server_reflection_and_the_standard_health_service()
    {
        using var call = new ServerReflection.ServerReflectionClient(fixture.Grpc).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext()).ShouldBeTrue();
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        services.ShouldContain("aitrading.v1.Orders");
        services.ShouldContain("aitrading.v1.Strategies");
        services.ShouldContain("grpc.health.v1.Health");

        using var anonymous = TestTokens.Grpc(fixture.GrpcAddress, token: null);
        (await new Health.HealthClient(anonymous).CheckAsync(new HealthCheckRequest())).Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
        var refused = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var anonymousReflection = new ServerReflection.ServerReflectionClient(anonymous).ServerReflectionInfo();
            await RoleMatrixTests.SendAsync(anonymousReflection, new ServerReflectionRequest { ListServices = "" });
            await anonymousReflection.ResponseStream.MoveNext();
        });
        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
    }

    private IEnumerable<(string Method, string Pattern)> HttpRoutes() =>
        fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>() is null)
            .Select(e => (Endpoint: e, Pattern: "/" + e.RoutePattern.RawText!.Trim('/')))
            .Where(e => !Undescribed.Contains(e.Pattern) && !e.Pattern.StartsWith(ApiDescription.PagePath, StringComparison.Ordinal)
                        && !e.Pattern.StartsWith(Gateway.Security.DashboardSession.Path, StringComparison.Ordinal))
            .SelectMany(e => (e.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.Pattern)));
}
