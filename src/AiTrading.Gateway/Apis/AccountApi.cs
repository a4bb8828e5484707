using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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
        var api = app.MapGroup("/v1").WithTags("Accounts");
        api.MapPost("/accounts", OpenAccountAsync).RequireAuthorization(Policies.Admin).WithBody<OpenBody>().WithProblems(400, 409);
        api.MapGet("/accounts", ListAccountsAsync).RequireAuthorization(Policies.Read);
        api.MapGet("/accounts/{account}", GetAccountAsync).RequireAuthorization(Policies.Read).WithProblems(400, 404);
        api.MapPut("/accounts/{account}/limits", SetLimitsAsync).RequireAuthorization(Policies.Risk).WithBody<RiskLimitsChange>().WithProblems(400, 404);
        api.MapPost("/accounts/{account}/kill-switch", SetAccountKillSwitchAsync).RequireAuthorization(Policies.Risk).WithBody<KillSwitchBody>()
            .WithProblems(400, 404);
        api.MapGet("/kill-switch", GetGlobalKillSwitchAsync).RequireAuthorization(Policies.Read);
        api.MapPost("/kill-switch", SetGlobalKillSwitchAsync).RequireAuthorization(Policies.Risk).WithBody<KillSwitchBody>().WithProblems(400);
        return app;
    }

    /// <summary>201 a new account, 200 the same request again; other terms under a used id are a 409.</summary>
    public static async Task<Results<Created<AccountView>, Ok<AccountView>>> OpenAccountAsync(HttpContext http, IClusterClient cluster)
    {
        var body = await RequestBody.ReadAsync<OpenBody>(http.Request);
        var errors = new List<FieldError>();
        AccountRules.RequireId(errors, "id", body.Id);
        if (errors.Count > 0) throw new ValidationException(errors);
        var creation = await cluster.GetGrain<IAccountGrain>(body.Id!).CreateAsync(new AccountRequest(body.Id!, body.Currency, body.Cash, body.Limits), http.Who());
        return creation.Created ? TypedResults.Created($"/v1/accounts/{body.Id}", creation.Account) : TypedResults.Ok(creation.Account);
    }

    /// <summary>The accounts the caller may read.</summary>
    public static async Task<Ok<AccountListResponse>> ListAccountsAsync(HttpContext http, IClusterClient cluster)
    {
        var names = http.Readable(await cluster.GetGrain<INameIndexGrain>(NameIndexes.Accounts).ListAsync());
        var views = await Task.WhenAll(names.Select(a => cluster.GetGrain<IAccountGrain>(a).GetAsync()));
        return TypedResults.Ok(new AccountListResponse(views.OfType<AccountView>().ToList()));
    }

    public static async Task<Ok<AccountView>> GetAccountAsync(string account, HttpContext http, IClusterClient cluster)
    {
        http.RequireAccount(RequireId(account), AccountAct.Read);
        return TypedResults.Ok(await cluster.GetGrain<IAccountGrain>(account).GetAsync() ?? throw new ResourceNotFoundException("account", account));
    }

    /// <summary>Changes the limits the body names; the others stay.</summary>
    public static async Task<Ok<AccountView>> SetLimitsAsync(string account, HttpContext http, IClusterClient cluster)
    {
        var change = await RequestBody.ReadAsync<RiskLimitsChange>(http.Request);
        return TypedResults.Ok(await cluster.GetGrain<IAccountGrain>(RequireId(account)).SetLimitsAsync(change, http.Who()));
    }

    public static async Task<Ok<AccountView>> SetAccountKillSwitchAsync(string account, HttpContext http, IClusterClient cluster)
    {
        var (engaged, reason) = await ReadSwitchAsync(http);
        return TypedResults.Ok(await cluster.GetGrain<IAccountGrain>(RequireId(account)).SetKillSwitchAsync(engaged, reason, http.Who()));
    }

    public static async Task<Ok<KillSwitchState>> GetGlobalKillSwitchAsync(IClusterClient cluster) =>
        TypedResults.Ok(await cluster.GetGrain<IKillSwitchGrain>(KillSwitches.Global).GetAsync());

    /// <summary>Engages or releases the switch every account's risk gate checks.</summary>
    public static async Task<Ok<KillSwitchState>> SetGlobalKillSwitchAsync(HttpContext http, IClusterClient cluster)
    {
        var (engaged, reason) = await ReadSwitchAsync(http);
        return TypedResults.Ok(await cluster.GetGrain<IKillSwitchGrain>(KillSwitches.Global).SetAsync(engaged, reason, http.Who()));
    }

    public sealed record AccountListResponse(IReadOnlyList<AccountView> Accounts);

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
