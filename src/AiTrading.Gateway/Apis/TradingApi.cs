using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>HTTP API v1: instruments, orders, portfolios and audit streams.</summary>
public static class TradingApi
{
    public const int DefaultBars = 50;
    public const int DefaultAuditLimit = 100;

    public static IEndpointRouteBuilder MapTradingApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("Trading");

        api.MapGet("/instruments/{symbol}", GetInstrumentAsync).RequireAuthorization(Policies.Read).WithProblems(400);
        api.MapGet("/portfolio/{account}", GetPortfolioAsync).RequireAuthorization(Policies.Read).WithProblems(400);
        // Order ids are account:clientOrderId, and bracket legs add /sl or /tp: the id is the rest of the path.
        api.MapGet("/orders/{**id}", GetOrderAsync).RequireAuthorization(Policies.Read).WithProblems(404);
        api.MapPost("/orders", PlaceOrderAsync).RequireAuthorization(Policies.Trade).WithBody<OrderBody>().WithProblems(400, 409);
        api.MapDelete("/orders/{**id}", CancelOrderAsync).RequireAuthorization(Policies.Trade).WithProblems(404, 409);
        api.MapPatch("/orders/{**id}", ReplaceOrderAsync).RequireAuthorization(Policies.Trade).WithBody<ReplaceBody>().WithProblems(400, 404, 409);

        var audit = app.MapGroup("/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Compliance);
        audit.MapGet("", ListAuditStreamsAsync);
        audit.MapGet("/{stream}", ReadAuditStreamAsync).WithProblems(400, 404);
        audit.MapGet("/{stream}/verify", VerifyAuditStreamAsync).WithProblems(404);
        return app;
    }

    /// <summary>The body of POST /v1/orders (quantities and prices as JSON numbers or strings).</summary>
    public sealed record OrderBody(string ClientOrderId, string Account, string Symbol, string Side, decimal Quantity, string? Type, decimal? LimitPrice,
        decimal? StopPrice, string? TimeInForce, BracketBody? Bracket, string? Venue);

    public sealed record BracketBody(decimal? StopLossPrice, decimal? TakeProfitPrice);

    /// <summary>The body of PATCH /v1/orders/{id}: the new quantity and, for limit and stop orders, prices.</summary>
    public sealed record ReplaceBody(decimal Quantity, decimal? LimitPrice, decimal? StopPrice);

    public static async Task<Ok<InstrumentResponse>> GetInstrumentAsync(string symbol, int? bars, IClusterClient cluster) =>
        TypedResults.Ok(InstrumentResponse.From(await cluster.Ref<IInstrumentGrain>(InstrumentCatalog.NormalizeSymbol(symbol)).GetSnapshotAsync(bars ?? DefaultBars)));

    public static async Task<Ok<PortfolioResponse>> GetPortfolioAsync(string account, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(PortfolioResponse.From(await cluster.Ref<IPortfolioGrain>(http.RequireAccount(account, AccountAct.Read)).GetStatementAsync()));

    public static async Task<Ok<OrderResponse>> GetOrderAsync(string id, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(OrderResponse.From(await RequireOrderAsync(cluster, http.RequireOrderAccount(id, AccountAct.Read))));

    /// <summary>201 a new order, 200 the same client order id again, 409 a risk rejection (the rejected order is kept and audited).</summary>
    public static async Task<Results<Created<OrderResponse>, Ok<OrderResponse>, ProblemHttpResult>> PlaceOrderAsync(HttpRequest http, IClusterClient cluster)
    {
        var request = OrderInput.ParseJson(await RequestBody.ReadElementAsync(http));
        http.HttpContext.RequireAccount(request.Account, AccountAct.Trade);
        var submission = await cluster.Ref<IRiskGrain>(request.Account).SubmitOrderAsync(request);
        if (!submission.Risk.Approved) return RiskRejected(submission);
        var view = OrderResponse.From(submission.Order);
        return submission.Duplicate ? TypedResults.Ok(view) : TypedResults.Created($"/v1/orders/{view.OrderId}", view);
    }

    public static async Task<Ok<OrderResponse>> CancelOrderAsync(string id, string? reason, HttpContext http, IClusterClient cluster)
    {
        await RequireOrderAsync(cluster, http.RequireOrderAccount(id, AccountAct.Trade));
        return TypedResults.Ok(OrderResponse.From(await cluster.Ref<IOrderGrain>(id).CancelAsync(string.IsNullOrWhiteSpace(reason) ? "cancelled by client" : reason)));
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ReplaceOrderAsync(string id, HttpRequest http, IClusterClient cluster)
    {
        http.HttpContext.RequireOrderAccount(id, AccountAct.Trade);
        var (quantity, limit, stop) = OrderInput.ParseReplaceJson(await RequestBody.ReadElementAsync(http));
        var order = await RequireOrderAsync(cluster, id);
        var submission = await cluster.Ref<IRiskGrain>(order.Request.Account).ReplaceOrderAsync(id, quantity, limit, stop);
        return submission.Risk.Approved ? TypedResults.Ok(OrderResponse.From(submission.Order)) : RiskRejected(submission);
    }

    public static async Task<Ok<AuditStreamsResponse>> ListAuditStreamsAsync(IClusterClient cluster)
    {
        var streams = await cluster.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync();
        return TypedResults.Ok(new AuditStreamsResponse(await Task.WhenAll(streams.Select(s => cluster.GetGrain<IAuditStreamGrain>(s).GetInfoAsync()))));
    }

    public static async Task<Ok<AuditRecordsResponse>> ReadAuditStreamAsync(string stream, long? from, int? limit, IClusterClient cluster)
    {
        var grain = await ExistingStream(cluster, stream);
        return TypedResults.Ok(new AuditRecordsResponse(stream, await grain.ReadAsync(from ?? 1, limit ?? DefaultAuditLimit)));
    }

    public static async Task<Ok<Core.Audit.AuditVerification>> VerifyAuditStreamAsync(string stream, IClusterClient cluster) =>
        TypedResults.Ok(await (await ExistingStream(cluster, stream)).VerifyAsync());

    private static async Task<OrderView> RequireOrderAsync(IClusterClient cluster, string id) =>
        await cluster.Ref<IOrderGrain>(id).GetAsync() ?? throw new ResourceNotFoundException("order", id);

    /// <summary>A 409 problem that names the limit the order broke, its value and threshold, and the rejected order.</summary>
    private static ProblemHttpResult RiskRejected(OrderSubmission submission) => TypedResults.Problem(
        title: "Rejected by risk",
        detail: $"rejected by risk: {submission.Risk.Message}",
        statusCode: StatusCodes.Status409Conflict,
        extensions: new Dictionary<string, object?>
        {
            ["limit"] = submission.Risk.Limit,
            ["value"] = submission.Risk.Value,
            ["threshold"] = submission.Risk.Threshold,
            ["order"] = OrderResponse.From(submission.Order),
        });

    private static async Task<IAuditStreamGrain> ExistingStream(IClusterClient cluster, string stream)
    {
        var streams = await cluster.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync();
        if (!streams.Contains(stream)) throw new ResourceNotFoundException("audit stream", stream);
        return cluster.GetGrain<IAuditStreamGrain>(stream);
    }
}
