using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>
/// Accounts and kill switches. <c>POST /v1/accounts</c> opens an account (admin; 201, the same request again 200, other
/// terms under its id 409); <c>GET /v1/accounts[/{account}]</c> reads the accounts the caller may read;
/// <c>PUT /v1/accounts/{account}/limits</c> changes the limits it names (risk); <c>POST /v1/accounts/{account}/kill-switch</c>
/// and <c>POST /v1/kill-switch</c> engage or release an account's or the global kill switch (risk, with a reason).
/// </summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1");

        api.MapPost("/accounts", (HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var body = await RequestBody.ReadAsync<OpenBody>(http.Request);
            var errors = new List<FieldError>();
            AccountRules.RequireId(errors, "id", body.Id);
            if (errors.Count > 0) throw new ValidationException(errors);
            var creation = await cluster.GetGrain<IAccountGrain>(body.Id!).CreateAsync(new AccountRequest(body.Id!, body.Currency, body.Cash, body.Limits), http.Who());
            return Results.Json(creation.Account, Views.Json, statusCode: creation.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        })).RequireAuthorization(Policies.Admin);

        api.MapGet("/accounts", (HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var names = http.Readable(await cluster.GetGrain<INameIndexGrain>(NameIndexes.Accounts).ListAsync());
            var views = await Task.WhenAll(names.Select(a => cluster.GetGrain<IAccountGrain>(a).GetAsync()));
            return Results.Json(new { accounts = views.OfType<AccountView>() }, Views.Json);
        })).RequireAuthorization(Policies.Read);

        api.MapGet("/accounts/{account}", (string account, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            http.RequireAccount(RequireId(account), AccountAct.Read);
            return Results.Json(await cluster.GetGrain<IAccountGrain>(account).GetAsync() ?? throw new ResourceNotFoundException("account", account), Views.Json);
        })).RequireAuthorization(Policies.Read);

        api.MapPut("/accounts/{account}/limits", (string account, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var change = await RequestBody.ReadAsync<RiskLimitsChange>(http.Request);
            return Results.Json(await cluster.GetGrain<IAccountGrain>(RequireId(account)).SetLimitsAsync(change, http.Who()), Views.Json);
        })).RequireAuthorization(Policies.Risk);

        api.MapPost("/accounts/{account}/kill-switch", (string account, HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var (engaged, reason) = await ReadSwitchAsync(http);
            return Results.Json(await cluster.GetGrain<IAccountGrain>(RequireId(account)).SetKillSwitchAsync(engaged, reason, http.Who()), Views.Json);
        })).RequireAuthorization(Policies.Risk);

        api.MapGet("/kill-switch", (IClusterClient cluster) => ErrorMapping.Handle(async () =>
            Results.Json(await cluster.GetGrain<IKillSwitchGrain>(KillSwitches.Global).GetAsync(), Views.Json))).RequireAuthorization(Policies.Read);

        api.MapPost("/kill-switch", (HttpContext http, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var (engaged, reason) = await ReadSwitchAsync(http);
            return Results.Json(await cluster.GetGrain<IKillSwitchGrain>(KillSwitches.Global).SetAsync(engaged, reason, http.Who()), Views.Json);
        })).RequireAuthorization(Policies.Risk);

        return app;
    }

    /// <summary>The body of <c>POST /v1/accounts</c>: the id, and what differs from the "Trading" defaults.</summary>
    public sealed record OpenBody(string? Id, string? Currency, decimal? Cash, RiskLimitsChange? Limits);

    /// <summary>The body of a kill switch change: engage (true) or release (false), and why (required, audited).</summary>
    public sealed record KillSwitchBody(bool? Engaged, string? Reason);

    private static async Task<(bool Engaged, string Reason)> ReadSwitchAsync(HttpContext http)
    {
        var body = await RequestBody.ReadAsync<KillSwitchBody>(http.Request);
        var errors = new List<FieldError>();
        if (body.Engaged is null) errors.Add(new("engaged", "is required: true engages the kill switch, false releases it"));
        string? reason = null;
        try
        {
            reason = AccountRules.RequireReason(body.Reason);
        }
        catch (ValidationException e)
        {
            errors.AddRange(e.Errors);
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return (body.Engaged!.Value, reason!);
    }

    private static string RequireId(string account)
    {
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "account", account);
        return errors.Count > 0 ? throw new ValidationException(errors) : account;
    }
}
