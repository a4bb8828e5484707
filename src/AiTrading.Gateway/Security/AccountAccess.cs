using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Gateway.Security;

/// <summary>What a caller does with an account: reading it (portfolio, orders, events) or acting on it (orders, strategies).</summary>
public enum AccountAct
{
    Read,
    Trade,
}

/// <summary>
/// The one place that decides which accounts a caller may touch, after its role passed the endpoint's policy: a
/// token acts on the accounts it lists ("*" is every account); risk, compliance and admin read every account. A
/// refusal is audited and answered 403 / PERMISSION_DENIED naming the account.
/// </summary>
public static class AccountAccess
{
    public static bool Allows(ClaimsPrincipal user, string accountsClaim, string account, AccountAct act) =>
        (act == AccountAct.Read && Roles.Oversight.Any(user.IsInRole))
        || user.FindAll(accountsClaim).Any(c => c.Value == Claims.AllAccounts || string.Equals(c.Value, account, StringComparison.Ordinal));

    /// <returns><paramref name="account"/></returns>
    /// <exception cref="AccountAccessDeniedException">The caller may not <paramref name="act"/> on <paramref name="account"/> (audited).</exception>
    public static string RequireAccount(this HttpContext http, string account, AccountAct act)
    {
        var accountsClaim = http.RequestServices.GetRequiredService<AuthOptions>().AccountsClaim;
        if (Allows(http.User, accountsClaim, account, act)) return account;
        var reason = act == AccountAct.Trade
            ? $"account '{account}' is not among the accounts this token acts on"
            : $"account '{account}' is not among the accounts this token reads (risk, compliance and admin read every account)";
        http.RequestServices.GetRequiredService<RefusalAudit>().Refused(http, StatusCodes.Status403Forbidden, reason, account);
        throw new AccountAccessDeniedException(account, reason);
    }

    /// <summary>The same for the account of an order id (<c>account:clientOrderId</c>).</summary>
    /// <returns><paramref name="orderId"/></returns>
    public static string RequireOrderAccount(this HttpContext http, string orderId, AccountAct act)
    {
        http.RequireAccount(Contracts.OrderView.AccountOf(orderId), act);
        return orderId;
    }

    /// <summary>Who the caller is in audit records: the token's subject.</summary>
    public static string Who(this HttpContext http) => http.User.FindFirst(Claims.Subject)?.Value ?? Refusal.Anonymous;

    /// <summary>The accounts of <paramref name="accounts"/> the caller may read.</summary>
    public static IEnumerable<string> Readable(this HttpContext http, IEnumerable<string> accounts)
    {
        var accountsClaim = http.RequestServices.GetRequiredService<AuthOptions>().AccountsClaim;
        return accounts.Where(a => Allows(http.User, accountsClaim, a, AccountAct.Read));
    }
}

/// <summary>A caller whose token does not cover the account (HTTP 403, gRPC PermissionDenied).</summary>
public sealed class AccountAccessDeniedException(string account, string reason) : Exception(reason)
{
    public string Account { get; } = account;
}
