using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>HTTP API v1: instruments, orders, portfolios and audit streams.</summary>
public static class TradingApi
{
    public const int DefaultBars = 50;
    public const int DefaultAuditLimit = 100;

    public static IEndpointRouteBuilder MapTradingApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1");

        api.MapGet("/instruments/{symbol}", (string symbol, int? bars, IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(Views.Instrument(await cluster.GetGrain<IInstrumentGrain>(InstrumentCatalog.NormalizeSymbol(symbol))
                .GetSnapshotAsync(bars ?? DefaultBars)), Views.Json))).RequireAuthorization(Policies.Read);

        api.MapGet("/portfolio/{account}", (string account, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(Views.Portfolio(await cluster.GetGrain<IPortfolioGrain>(http.RequireAccount(account, AccountAct.Read)).GetValuationAsync(),
                await cluster.GetGrain<IRiskGrain>(account).GetLimitsAsync()), Views.Json))).RequireAuthorization(Policies.Read);

        // Order ids are account:clientOrderId, and bracket legs add /sl or /tp: the id is the rest of the path.
        api.MapGet("/orders/{**id}", (string id, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(Views.Order(await RequireOrderAsync(cluster, http.RequireOrderAccount(id, AccountAct.Read))), Views.Json))).RequireAuthorization(Policies.Read);

        api.MapPost("/orders", (HttpRequest http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var request = OrderInput.ParseJson(await RequestBody.ReadElementAsync(http));
            http.HttpContext.RequireAccount(request.Account, AccountAct.Trade);
            var submission = await cluster.GetGrain<IRiskGrain>(request.Account).SubmitOrderAsync(request);
            if (!submission.Risk.Approved) return RiskRejected(submission);
            var view = Views.Order(submission.Order);
            return submission.Duplicate ? Results.Json(view, Views.Json) : Results.Json(view, Views.Json, statusCode: StatusCodes.Status201Created);
        })).RequireAuthorization(Policies.Trade);

        api.MapDelete("/orders/{**id}", (string id, string? reason, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            await RequireOrderAsync(cluster, http.RequireOrderAccount(id, AccountAct.Trade));
            return Results.Json(Views.Order(await cluster.GetGrain<IOrderGrain>(id).CancelAsync(string.IsNullOrWhiteSpace(reason) ? "cancelled by client" : reason)), Views.Json);
        })).RequireAuthorization(Policies.Trade);

        api.MapPatch("/orders/{**id}", (string id, HttpRequest http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            http.HttpContext.RequireOrderAccount(id, AccountAct.Trade);
            var (quantity, limit, stop) = OrderInput.ParseReplaceJson(await RequestBody.ReadElementAsync(http));
            var order = await RequireOrderAsync(cluster, id);
            var submission = await cluster.GetGrain<IRiskGrain>(order.Request.Account).ReplaceOrderAsync(id, quantity, limit, stop);
            return submission.Risk.Approved ? Results.Json(Views.Order(submission.Order), Views.Json) : RiskRejected(submission);
        })).RequireAuthorization(Policies.Trade);

        api.MapGet("/audit", (IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var streams = await cluster.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync();
            var infos = await Task.WhenAll(streams.Select(s => cluster.GetGrain<IAuditStreamGrain>(s).GetInfoAsync()));
            return Results.Json(new { streams = infos }, Views.Json);
        })).RequireAuthorization(Policies.Compliance);

        api.MapGet("/audit/{stream}", (string stream, long? from, int? limit, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var grain = await ExistingStream(cluster, stream);
            var records = await grain.ReadAsync(from ?? 1, limit ?? DefaultAuditLimit);
            return Results.Json(new { stream, records }, Views.Json);
        })).RequireAuthorization(Policies.Compliance);

        api.MapGet("/audit/{stream}/verify", (string stream, IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(await (await ExistingStream(cluster, stream)).VerifyAsync(), Views.Json))).RequireAuthorization(Policies.Compliance);

        return app;
    }

    private static async Task<OrderView> RequireOrderAsync(IClusterClient cluster, string id) =>
        await cluster.GetGrain<IOrderGrain>(id).GetAsync() ?? throw new ResourceNotFoundException("order", id);

    private static IResult RiskRejected(OrderSubmission submission) => Results.Json(new
    {
        error = $"rejected by risk: {submission.Risk.Message}",
        limit = submission.Risk.Limit,
        value = submission.Risk.Value,
        threshold = submission.Risk.Threshold,
        order = Views.Order(submission.Order),
    }, Views.Json, statusCode: StatusCodes.Status409Conflict);

    private static async Task<IAuditStreamGrain> ExistingStream(IClusterClient cluster, string stream)
    {
        var streams = await cluster.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync();
        if (!streams.Contains(stream)) throw new ResourceNotFoundException("audit stream", stream);
        return cluster.GetGrain<IAuditStreamGrain>(stream);
    }
}

/// <summary>The JSON shapes the HTTP API answers with.</summary>
internal static class Views
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static object Order(OrderView o) => new
    {
        orderId = o.OrderId,
        clientOrderId = o.Request.ClientOrderId,
        account = o.Request.Account,
        symbol = o.Request.Symbol,
        side = o.Request.Side,
        type = o.Request.Type,
        quantity = o.Request.Quantity,
        limitPrice = o.Request.LimitPrice,
        stopPrice = o.Request.StopPrice,
        timeInForce = o.Request.TimeInForce,
        bracket = o.Request.Bracket,
        strategyId = o.Request.StrategyId,
        venue = o.Request.Venue,
        status = o.Status,
        filledQuantity = o.FilledQuantity,
        averageFillPrice = o.AverageFillPrice,
        reason = o.Reason,
        createdAt = o.CreatedAt,
        updatedAt = o.UpdatedAt,
        fills = o.Fills,
    };

    /// <summary>The valuation with the margin its account's risk limits set: margin used = gross notional × margin rate.</summary>
    public static object Portfolio(Core.Portfolio.PortfolioValuation v, Core.Risk.RiskLimits limits)
    {
        var marginUsed = Core.Portfolio.Money.Round(v.GrossNotional * limits.MarginRate, v.Currency);
        return new
        {
            account = v.Account, currency = v.Currency, cash = v.Cash, realizedPnl = v.RealizedPnl, unrealizedPnl = v.UnrealizedPnl,
            equity = v.Equity, dailyPnl = v.DailyPnl, grossNotional = v.GrossNotional, marginRate = limits.MarginRate, marginUsed,
            freeMargin = v.Equity - marginUsed, peakEquity = v.PeakEquity,
            drawdown = v.PeakEquity > 0 && v.Equity < v.PeakEquity ? (v.PeakEquity - v.Equity) / v.PeakEquity : 0m,
            currencyExposure = v.CurrencyExposure, killSwitch = limits.KillSwitch, positions = v.Positions,
        };
    }

    public static object Instrument(InstrumentSnapshot s) => new
    {
        symbol = s.Spec.Symbol,
        spec = s.Spec,
        quote = s.Quote,
        tickCount = s.TickCount,
        firstTickTime = s.FirstTickTime,
        lastTickTime = s.LastTickTime,
        rejectedTicks = s.RejectedTicks,
        features = s.Features.ToDictionary(v => v.Timeframe.Name.ToLowerInvariant(), v => new
        {
            time = v.Time,
            values = v.Values.ToDictionary(f => f.Key, f => double.IsFinite(f.Value) ? f.Value : (double?)null),
        }),
        bars = new { m1 = s.MinuteBars.Select(Bar), m5 = s.FiveMinuteBars.Select(Bar) },
    };

    private static object Bar(Core.MarketData.Bar b) =>
        new { openTime = b.OpenTime, open = b.Open, high = b.High, low = b.Low, close = b.Close, volume = b.Volume, ticks = b.TickCount };
}
