using System.Globalization;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Gateway.Apis;
using AiTrading.Gateway.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Gateway.Grpc;

internal sealed class BacktestService(IClusterClient cluster) : Proto.BacktestService.BacktestServiceBase
{
    public static readonly TimeSpan ProgressPeriod = TimeSpan.FromMilliseconds(100);

    [Authorize(Policy = Policies.Research)]
    public override async Task<Proto.BacktestReply> Run(Proto.RunBacktestRequest request, ServerCallContext context)
    {
        var errors = new List<FieldError>();
        decimal Number(string text, string field, decimal fallback) => text.Length == 0 ? fallback : BacktestText.Decimal(text, field, errors);
        var run = new BacktestRequest(
            request.SpecJson,
            request.Data.Select(d => new BacktestDataFile(d.Symbol, d.Path)).ToList(),
            Number(request.Cash, "cash", 100_000m),
            request.Fill,
            Number(request.SpreadBps, "spreadBps", 0),
            Number(request.SlippageBps, "slippageBps", 0),
            request.Commission.Length == 0 ? null : request.Commission,
            request.Financing.Length == 0 ? null : request.Financing,
            request.WarmupBars,
            request.From?.ToDateTimeOffset(),
            request.To?.ToDateTimeOffset(),
            Principals.Name(context.GetHttpContext()));
        Identifiers.Require(errors, "id", request.Id);
        if (errors.Count > 0) throw new ValidationException(errors);
        return Reply(await cluster.GetGrain<IBacktestGrain>(request.Id).StartAsync(run));
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.BacktestReply> Get(Proto.BacktestId request, ServerCallContext context) =>
        Reply(await BacktestApi.RequireAsync(cluster, request.Id));

    [Authorize(Policy = Policies.Read)]
    public override async Task StreamProgress(Proto.BacktestId request, IServerStreamWriter<Proto.BacktestReply> responseStream, ServerCallContext context)
    {
        var run = await BacktestApi.RequireAsync(cluster, request.Id);
        var grain = cluster.GetGrain<IBacktestGrain>(request.Id);
        while (true)
        {
            await responseStream.WriteAsync(Reply(run with { ResultJson = null }), context.CancellationToken);
            if (run.State != BacktestRunState.Running) return;
            await Task.Delay(ProgressPeriod, context.CancellationToken);
            run = await grain.GetAsync() ?? throw new ResourceNotFoundException("backtest", request.Id);
        }
    }

    private static Proto.BacktestReply Reply(BacktestView view) => new()
    {
        Id = view.Id,
        State = view.State.ToString().ToUpperInvariant(),
        Bars = view.Bars,
        Total = view.Total,
        Error = view.Error ?? "",
        FinalEquity = view.FinalEquity?.ToString(CultureInfo.InvariantCulture) ?? "",
        Trades = view.Trades,
        ResultJson = view.ResultJson ?? "",
    };
}
