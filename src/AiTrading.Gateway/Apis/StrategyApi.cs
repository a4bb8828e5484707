using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Strategies;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        var api = app.MapGroup("/v1/strategies");

        api.MapPost("", (HttpRequest http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var spec = await RequestBody.ReadAsync<StrategySpec>(http);
            var submission = await SubmitAsync(http.HttpContext, cluster, spec);
            return Results.Json(View(submission.Strategy, submission.Duplicate), Views.Json,
                statusCode: submission.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        })).RequireAuthorization(Policies.Trade);

        api.MapGet("", (IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(new { strategies = (await ListAsync(cluster)).Select(v => View(v, duplicate: false)) }, Views.Json))).RequireAuthorization(Policies.Read);

        api.MapGet("/{id}", (string id, IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(View(await RequireAsync(cluster, id), duplicate: false), Views.Json))).RequireAuthorization(Policies.Read);

        api.MapPost("/{id}/pause", (string id, HttpRequest http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var body = await RequestBody.ReadAsync<PauseBody>(http);
            return Results.Json(View(await cluster.GetGrain<IStrategyGrain>(await RequireOwnAsync(http.HttpContext, cluster, id, AccountAct.Trade)).PauseAsync(body.Reason ?? ""), duplicate: false), Views.Json);
        })).RequireAuthorization(Policies.Trade);

        api.MapPost("/{id}/resume", (string id, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(View(await cluster.GetGrain<IStrategyGrain>(await RequireOwnAsync(http, cluster, id, AccountAct.Trade)).ResumeAsync(), duplicate: false), Views.Json))).RequireAuthorization(Policies.Trade);

        api.MapPost("/{id}/stop", (string id, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(View(await cluster.GetGrain<IStrategyGrain>(await RequireOwnAsync(http, cluster, id, AccountAct.Trade)).StopAsync(), duplicate: false), Views.Json))).RequireAuthorization(Policies.Trade);

        return app;
    }

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

    private static object View(StrategyView v, bool duplicate) => new
    {
        id = v.Spec.Id,
        version = v.Spec.Version,
        state = v.State.ToString().ToLowerInvariant(),
        reason = v.Reason,
        duplicate,
        specHash = v.SpecHash,
        spec = v.Spec,
        holdings = v.Holdings,
        barsSeen = v.BarsSeen,
        signals = v.Signals,
        ordersFilled = v.OrdersFilled,
        ordersRejected = v.OrdersRejected,
        lastEvent = v.LastEvent,
        submittedAt = v.SubmittedAt,
        updatedAt = v.UpdatedAt,
    };
}
