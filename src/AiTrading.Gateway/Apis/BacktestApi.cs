using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>
/// HTTP mirror of the gRPC BacktestService: <c>POST /v1/backtests</c> starts a run (202, the same request again 200,
/// 400 with every problem, 409 another request under a used id), <c>GET /v1/backtests/{id}</c> (state, progress and,
/// once completed, the result) and <c>GET /v1/backtests/{id}/report</c> (the HTML report).
/// </summary>
public static class BacktestApi
{
    public static IEndpointRouteBuilder MapBacktestApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/backtests").WithTags("Backtests");
        api.MapPost("", StartBacktestAsync).RequireAuthorization(Security.Policies.Research).WithBody<RunBody>().WithProblems(400, 409, 429);
        api.MapGet("/{id}", GetBacktestAsync).RequireAuthorization(Security.Policies.Read).WithProblems(400, 404, 410);
        api.MapGet("/{id}/report", GetBacktestReportAsync).RequireAuthorization(Security.Policies.Read)
            .Produces<string>(StatusCodes.Status200OK, "text/html").WithProblems(400, 404, 409, 410);
        return app;
    }

    /// <summary>202 a new run, 200 the same request again under its id.</summary>
    public static async Task<Results<Accepted<BacktestResponse>, Ok<BacktestResponse>>> StartBacktestAsync(HttpRequest http, IClusterClient cluster)
    {
        var body = await RequestBody.ReadAsync<RunBody>(http);
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "id", body.Id);
        if (body.Spec is not { ValueKind: JsonValueKind.Object }) errors.Add(new("spec", "is required: the strategy spec as a JSON object"));
        if (errors.Count > 0) throw new ValidationException(errors);
        var grain = cluster.GetGrain<IBacktestGrain>(body.Id!);
        var existed = await grain.GetAsync() is { State: not BacktestRunState.Expired };
        var run = BacktestResponse.From(await grain.StartAsync(new BacktestRequest(body.Spec!.Value.GetRawText(), body.Data ?? [], body.Cash ?? 100_000m,
            body.Fill ?? "next-open", body.SpreadBps ?? 0, body.SlippageBps ?? 0, body.Commission, body.Financing, body.WarmupBars ?? 0, body.From, body.To,
            Principals.Name(http.HttpContext))));
        return existed ? TypedResults.Ok(run) : TypedResults.Accepted($"/v1/backtests/{run.Id}", run);
    }

    public static async Task<Ok<BacktestResponse>> GetBacktestAsync(string id, IClusterClient cluster) =>
        TypedResults.Ok(BacktestResponse.From(await RequireAsync(cluster, id)));

    /// <summary>The HTML report of a completed run (409 while it runs).</summary>
    public static async Task<ContentHttpResult> GetBacktestReportAsync(string id, IClusterClient cluster)
    {
        var run = await RequireAsync(cluster, id);
        if (run.State != BacktestRunState.Completed)
            throw new ConflictException($"backtest '{id}' is {run.State.ToString().ToLowerInvariant()}: the report comes once it completes");
        return TypedResults.Content(await cluster.GetGrain<IBacktestGrain>(id).GetReportAsync() ?? "", "text/html; charset=utf-8");
    }

    /// <summary>The body of <c>POST /v1/backtests</c>: the fields of <see cref="BacktestRequest"/>, the spec as an object.</summary>
    public sealed record RunBody(string? Id, JsonElement? Spec, IReadOnlyList<BacktestDataFile>? Data, decimal? Cash, string? Fill, decimal? SpreadBps,
        decimal? SlippageBps, string? Commission, string? Financing, int? WarmupBars, DateTimeOffset? From, DateTimeOffset? To);

    /// <summary>The run; one whose result expired is gone (410), one that never was is not found (404).</summary>
    public static async Task<BacktestView> RequireAsync(IClusterClient cluster, string id)
    {
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "id", id);
        if (errors.Count > 0) throw new ValidationException(errors);
        var run = await cluster.GetGrain<IBacktestGrain>(id).GetAsync() ?? throw new ResourceNotFoundException("backtest", id);
        return run.State == BacktestRunState.Expired ? throw new ResourceGoneException($"backtest '{id}' expired: {run.Error}") : run;
    }
}
