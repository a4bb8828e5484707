using System.Text.Json;
using System.Text.Json.Nodes;
using AiTrading.Contracts;
using AiTrading.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        var api = app.MapGroup("/v1/backtests");

        api.MapPost("", (HttpRequest http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var body = await RequestBody.ReadAsync<RunBody>(http);
            var errors = new List<FieldError>();
            Identifiers.Require(errors, "id", body.Id);
            if (body.Spec is not { ValueKind: JsonValueKind.Object } spec) errors.Add(new("spec", "is required: the strategy spec as a JSON object"));
            if (errors.Count > 0) throw new ValidationException(errors);
            var grain = cluster.GetGrain<IBacktestGrain>(body.Id!);
            var existed = await grain.GetAsync() is { State: not BacktestRunState.Expired };
            var run = await grain.StartAsync(new BacktestRequest(body.Spec!.Value.GetRawText(), body.Data ?? [], body.Cash ?? 100_000m, body.Fill ?? "next-open",
                body.SpreadBps ?? 0, body.SlippageBps ?? 0, body.Commission, body.Financing, body.WarmupBars ?? 0, body.From, body.To, Principals.Name(http.HttpContext)));
            return Results.Json(View(run), Views.Json, statusCode: existed ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
        }));

        api.MapGet("/{id}", (string id, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            return Results.Json(View(await RequireAsync(cluster, id)), Views.Json);
        }));

        api.MapGet("/{id}/report", (string id, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var run = await RequireAsync(cluster, id);
            if (run.State != BacktestRunState.Completed)
                throw new ConflictException($"backtest '{id}' is {run.State.ToString().ToLowerInvariant()}: the report comes once it completes");
            return Results.Content(await cluster.GetGrain<IBacktestGrain>(id).GetReportAsync() ?? "", "text/html; charset=utf-8");
        }));
        return app;
    }

    /// <summary>The body of <c>POST /v1/backtests</c>: the fields of <see cref="BacktestRequest"/>, the spec as an object.</summary>
    private sealed record RunBody(string? Id, JsonElement? Spec, IReadOnlyList<BacktestDataFile>? Data, decimal? Cash, string? Fill, decimal? SpreadBps,
        decimal? SlippageBps, string? Commission, string? Financing, int? WarmupBars, DateTimeOffset? From, DateTimeOffset? To);

    private static object View(BacktestView run) => new
    {
        run.Id, State = run.State.ToString().ToUpperInvariant(), run.Bars, run.Total, run.Error, run.FinalEquity, run.Trades, run.StartedAt, run.FinishedAt,
        Result = run.ResultJson is { } json ? JsonNode.Parse(json) : null,
    };

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
