using System.Text.Json.Nodes;
using AiTrading.Contracts;
using AiTrading.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>
/// HTTP side of backtests: <c>GET /v1/backtests/{id}</c> (state, progress and, once completed, the result) and
/// <c>GET /v1/backtests/{id}/report</c> (the HTML report). Runs start over gRPC (<c>BacktestService.Run</c>).
/// </summary>
public static class BacktestApi
{
    public static IEndpointRouteBuilder MapBacktestApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/backtests");

        api.MapGet("/{id}", (string id, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var run = await RequireAsync(cluster, id);
            return Results.Json(new
            {
                run.Id, State = run.State.ToString().ToUpperInvariant(), run.Bars, run.Total, run.Error, run.FinalEquity, run.Trades, run.StartedAt, run.FinishedAt,
                Result = run.ResultJson is { } json ? JsonNode.Parse(json) : null,
            }, Views.Json);
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

    public static async Task<BacktestView> RequireAsync(IClusterClient cluster, string id)
    {
        if (string.IsNullOrWhiteSpace(id)) throw new ValidationException("id", "is required");
        return await cluster.GetGrain<IBacktestGrain>(id).GetAsync() ?? throw new ResourceNotFoundException("backtest", id);
    }
}
