using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AiTrading.Gateway.Apis;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, generated from the endpoints' metadata (typed results, declared
/// bodies and problems, authorization), and its interactive page at <c>/scalar</c>. Both need an identity like every
/// route, unless "Gateway:ApiReference:Anonymous" opens them (a browser cannot send a bearer token for the page).
/// </summary>
public static class ApiDescription
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePath = "/scalar";
    public const string AnonymousSetting = "Gateway:ApiReference:Anonymous";
    private const string Bearer = "Bearer";

    /// <summary>
    /// Describes the JSON body an endpoint reads itself (bodies are read and checked by <see cref="RequestBody"/>, not
    /// bound). Only in the document: accepts-metadata would make routing refuse other media types before
    /// <see cref="RequestBody"/> can say what it received.
    /// </summary>
    public static RouteHandlerBuilder WithBody<T>(this RouteHandlerBuilder endpoint) where T : notnull =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) => operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken) },
            },
        });

    /// <summary>Declares the problems (RFC 9457) an endpoint answers besides 401/403, which every protected endpoint has.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses) endpoint.ProducesProblem(status);
        return endpoint;
    }

    public static IServiceCollection AddAiTradingOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "AiTrading gateway",
                Version = "v1",
                Description = "Orders, portfolios, instruments, strategies, backtests, models, venues and audit streams. Every operation needs a "
                              + "bearer token (`aitrading token --role ROLE --account ACCOUNT` on the embedded default); errors are RFC 9457 problems.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = $"A JWT whose \"{Claims.Role}\" claim names roles ({string.Join(", ", Roles.All)}) and \"{Claims.Accounts}\" the accounts it acts on.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = policies });
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or one that is expired or not signed by a trusted key" });
            var roles = policies.SelectMany(p => Policies.RolesOf.TryGetValue(p, out var r) ? r : []).Distinct();
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The token lacks the role ({string.Join(", ", roles)}) or the account" });
            operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many requests from this principal; see Retry-After" });
            return Task.CompletedTask;
        });
    });

    public static WebApplication MapAiTradingApiDescription(this WebApplication app, bool anonymous)
    {
        // One group, so the page's script and icon endpoints take the same rule as the page and the document.
        var description = app.MapGroup("");
        description.MapOpenApi(DocumentPath);
        description.MapScalarApiReference(PagePath, o => o.WithTitle("AiTrading gateway").WithOpenApiRoutePattern(DocumentPath));
        if (anonymous)
        {
            description.AllowAnonymous();
            return app;
        }
        description.RequireAuthorization(Policies.Read);
        // Scalar marks its script and icon endpoints anonymous; here they need a token like every route.
        ((IEndpointConventionBuilder)description).Finally(endpoint =>
        {
            foreach (var open in endpoint.Metadata.OfType<IAllowAnonymous>().ToList()) endpoint.Metadata.Remove(open);
        });
        return app;
    }
}
