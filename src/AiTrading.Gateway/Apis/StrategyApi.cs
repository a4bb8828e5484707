using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Strategies;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>
/// HTTP mirror of the gRPC Strategies service: <c>POST /v1/strategies</c> takes the JSON spec (201 new, 200 the
/// same spec again, 400 with every problem, 409 a changed spec under its version), <c>GET /v1/strategies[/{id}]</c>,
/// <c>POST /v1/strategies/{id}/pause|resume|stop</c>.
/// </summary>
public static class StrategyApi
{
    public static IEndpointRouteBuilder MapStrategyApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/strategies").WithTags("Strategies");
        api.MapPost("", SubmitStrategyAsync).RequireAuthorization(Policies.Trade).WithBody<StrategySpec>().WithProblems(400, 409);
        api.MapGet("", ListStrategiesAsync).RequireAuthorization(Policies.Read);
        api.MapGet("/{id}", GetStrategyAsync).RequireAuthorization(Policies.Read).WithProblems(404);
        api.MapPost("/{id}/pause", PauseStrategyAsync).RequireAuthorization(Policies.Trade).WithBody<PauseBody>().WithProblems(400, 404);
        api.MapPost("/{id}/resume", ResumeStrategyAsync).RequireAuthorization(Policies.Trade).WithProblems(404, 409);
        api.MapPost("/{id}/stop", StopStrategyAsync).RequireAuthorization(Policies.Trade).WithProblems(404);
        return app;
    }

    /// <summary>201 a new strategy, 200 the same spec again.</summary>
    public static async Task<Results<Created<StrategyResponse>, Ok<StrategyResponse>>> SubmitStrategyAsync(HttpRequest http, IClusterClient cluster)
    {
        var submission = await SubmitAsync(http.HttpContext, cluster, await RequestBody.ReadAsync<StrategySpec>(http));
        var view = StrategyResponse.From(submission.Strategy, submission.Duplicate);
        return submission.Duplicate ? TypedResults.Ok(view) : TypedResults.Created($"/v1/strategies/{view.Id}", view);
    }

    public static async Task<Ok<StrategyListResponse>> ListStrategiesAsync(IClusterClient cluster) =>
        TypedResults.Ok(new StrategyListResponse((await ListAsync(cluster)).Select(v => StrategyResponse.From(v)).ToList()));

    public static async Task<Ok<StrategyResponse>> GetStrategyAsync(string id, IClusterClient cluster) =>
        TypedResults.Ok(StrategyResponse.From(await RequireAsync(cluster, id)));

    public static async Task<Ok<StrategyResponse>> PauseStrategyAsync(string id, HttpRequest http, IClusterClient cluster)
    {
        var body = await RequestBody.ReadAsync<PauseBody>(http);
        return TypedResults.Ok(StrategyResponse.From(await cluster.GetGrain<IStrategyGrain>(await RequireOwnAsync(http.HttpContext, cluster, id, AccountAct.Trade))
            .PauseAsync(body.Reason ?? "")));
    }

    public static async Task<Ok<StrategyResponse>> ResumeStrategyAsync(string id, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(StrategyResponse.From(await cluster.GetGrain<IStrategyGrain>(await RequireOwnAsync(http, cluster, id, AccountAct.Trade)).ResumeAsync()));

    public static async Task<Ok<StrategyResponse>> StopStrategyAsync(string id, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(StrategyResponse.From(await cluster.GetGrain<IStrategyGrain>(await RequireOwnAsync(http, cluster, id, AccountAct.Trade)).StopAsync()));

    /// <summary>The body of a pause: why (required, audited).</summary>
    public sealed record PauseBody(string? Reason);

    /// <summary>
    /// Submits a spec for an account the caller trades; one whose id cannot name a grain is answered with all its
    /// structural problems here (a malformed account among them, which then needs no access check).
    /// </summary>
    internal static async Task<StrategySubmission> SubmitAsync(HttpContext http, IClusterClient cluster, StrategySpec spec)
    {
        spec = spec.Normalized();
        var idErrors = new List<FieldError>();
        Identifiers.Require(idErrors, "id", spec.Id);
        if (idErrors.Count > 0) throw new ValidationException(StrategyProgram.Validate(spec, LiveStrategyCatalog.For(spec.Instruments, spec.Models.Select(m => m?.Model ?? ""))));
        var accountErrors = new List<FieldError>();
        Identifiers.Require(accountErrors, "account", spec.Account);
        if (accountErrors.Count == 0) http.RequireAccount(spec.Account, AccountAct.Trade);
        return await cluster.GetGrain<IStrategyGrain>(spec.Id).SubmitAsync(spec);
    }

    /// <summary>The id of a strategy once the caller may <paramref name="act"/> on its account (an unknown strategy is not found).</summary>
    internal static async Task<string> RequireOwnAsync(HttpContext http, IClusterClient cluster, string id, AccountAct act)
    {
        http.RequireAccount((await RequireAsync(cluster, id)).Spec.Account, act);
        return id;
    }

    internal static async Task<StrategyView> RequireAsync(IClusterClient cluster, string id) =>
        await cluster.GetGrain<IStrategyGrain>(id).GetAsync() ?? throw new ResourceNotFoundException("strategy", id);

    internal static async Task<IReadOnlyList<StrategyView>> ListAsync(IClusterClient cluster)
    {
        var ids = await cluster.GetGrain<INameIndexGrain>(NameIndexes.Strategies).ListAsync();
        var views = await Task.WhenAll(ids.Select(id => cluster.GetGrain<IStrategyGrain>(id).GetAsync()));
        return views.OfType<StrategyView>().ToList();
    }
}
