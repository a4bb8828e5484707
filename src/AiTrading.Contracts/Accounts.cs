using AiTrading.Core.Accounts;
using AiTrading.Core.Risk;
using Orleans.Concurrency;

namespace AiTrading.Contracts;

/// <summary>
/// The registry entry of one account (key: account id). An account exists only once an administrator or the
/// configuration opened it; its risk gate and portfolio refuse to act for an account that does not.
/// </summary>
[Alias("account")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens the account; what the request leaves out comes from the "Trading" defaults. The same request again is
    /// answered with the existing account (<see cref="AccountCreation.Created"/> false); another one is a conflict.
    /// </summary>
    [Alias("create")] Task<AccountCreation> CreateAsync(AccountRequest request, string by);
    /// <summary>What the risk gate and portfolio need, or null if the account does not exist. Interleaves: it only reads memory.</summary>
    [Alias("record"), AlwaysInterleave] Task<AccountRecord?> GetRecordAsync();
    /// <summary>The account with its kill switches, or null if it does not exist.</summary>
    [Alias("view"), ReadOnly] Task<AccountView?> GetAsync();
    /// <summary>Changes the limits named in <paramref name="change"/> (audited) and hands them to the risk gate; safe to repeat.</summary>
    [Alias("set-limits")] Task<AccountView> SetLimitsAsync(RiskLimitsChange change, string by);
    /// <summary>Engages or releases this account's kill switch (audited in the account's stream).</summary>
    [Alias("kill-switch")] Task<AccountView> SetKillSwitchAsync(bool engaged, string reason, string by);
}

/// <summary>
/// The kill switch over every account (key: <see cref="KillSwitches.Global"/>). Engaging it reaches every account's
/// risk gate before the call returns; a gate that activates later reads it on activation.
/// </summary>
[Alias("global-kill-switch")]
public interface IKillSwitchGrain : IGrainWithStringKey
{
    [Alias("set")] Task<KillSwitchState> SetAsync(bool engaged, string reason, string by);
    [Alias("get"), AlwaysInterleave] Task<KillSwitchState> GetAsync();
}

public static class KillSwitches
{
    public const string Global = "global";
}

/// <summary>An open account: currency, starting cash and current risk limits, who opened it and when.</summary>
[GenerateSerializer, Immutable, Alias("account-record")]
public sealed record AccountRecord(
    [property: Id(0)] string Account,
    [property: Id(1)] string Currency,
    [property: Id(2)] decimal Cash,
    [property: Id(3)] RiskLimits Limits,
    [property: Id(4)] string CreatedBy,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string? LimitsChangedBy = null,
    [property: Id(7)] DateTimeOffset? LimitsChangedAt = null);

/// <summary>
/// An account as clients see it. <see cref="Status"/> is "active", or "halted" while its own or the global kill
/// switch is engaged; <see cref="Limits"/> carries the effective kill switch too.
/// </summary>
[GenerateSerializer, Immutable, Alias("account-view")]
public sealed record AccountView(
    [property: Id(0)] string Account,
    [property: Id(1)] string Currency,
    [property: Id(2)] decimal Cash,
    [property: Id(3)] RiskLimits Limits,
    [property: Id(4)] string Status,
    [property: Id(5)] KillSwitchState KillSwitch,
    [property: Id(6)] KillSwitchState GlobalKillSwitch,
    [property: Id(7)] string CreatedBy,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] string? LimitsChangedBy,
    [property: Id(10)] DateTimeOffset? LimitsChangedAt)
{
    public const string Active = "active";
    public const string Halted = "halted";

    public static AccountView Of(AccountRecord a, KillSwitchState own, KillSwitchState global)
    {
        var halted = own.Engaged || global.Engaged;
        return new(a.Account, a.Currency, a.Cash, a.Limits with { KillSwitch = halted }, halted ? Halted : Active, own, global,
            a.CreatedBy, a.CreatedAt, a.LimitsChangedBy, a.LimitsChangedAt);
    }
}

/// <summary>The answer to opening an account: the account, and whether this call opened it.</summary>
[GenerateSerializer, Immutable, Alias("account-creation")]
public sealed record AccountCreation([property: Id(0)] AccountView Account, [property: Id(1)] bool Created);

[GenerateSerializer, Alias("account-request")]
public struct AccountRequestSurrogate
{
    [Id(0)] public string Id; [Id(1)] public string? Currency; [Id(2)] public decimal? Cash; [Id(3)] public RiskLimitsChange? Limits;
}

[RegisterConverter]
public sealed class AccountRequestConverter : IConverter<AccountRequest, AccountRequestSurrogate>
{
    public AccountRequest ConvertFromSurrogate(in AccountRequestSurrogate s) => new(s.Id, s.Currency, s.Cash, s.Limits);
    public AccountRequestSurrogate ConvertToSurrogate(in AccountRequest v) => new() { Id = v.Id, Currency = v.Currency, Cash = v.Cash, Limits = v.Limits };
}

[GenerateSerializer, Alias("risk-limits-change")]
public struct RiskLimitsChangeSurrogate
{
    [Id(0)] public decimal? MaxPositionQuantity; [Id(1)] public decimal? MaxOrderNotional; [Id(2)] public decimal? MaxDailyLoss; [Id(3)] public decimal? MarginRate;
    [Id(4)] public decimal? PriceBandPercent; [Id(5)] public int? MaxOrdersPerSecond; [Id(6)] public decimal? MaxDrawdown; [Id(7)] public decimal? MaxCurrencyExposure;
}

[RegisterConverter]
public sealed class RiskLimitsChangeConverter : IConverter<RiskLimitsChange, RiskLimitsChangeSurrogate>
{
    public RiskLimitsChange ConvertFromSurrogate(in RiskLimitsChangeSurrogate s) => new()
    {
        MaxPositionQuantity = s.MaxPositionQuantity, MaxOrderNotional = s.MaxOrderNotional, MaxDailyLoss = s.MaxDailyLoss, MarginRate = s.MarginRate,
        PriceBandPercent = s.PriceBandPercent, MaxOrdersPerSecond = s.MaxOrdersPerSecond, MaxDrawdown = s.MaxDrawdown, MaxCurrencyExposure = s.MaxCurrencyExposure,
    };
    public RiskLimitsChangeSurrogate ConvertToSurrogate(in RiskLimitsChange v) => new()
    {
        MaxPositionQuantity = v.MaxPositionQuantity, MaxOrderNotional = v.MaxOrderNotional, MaxDailyLoss = v.MaxDailyLoss, MarginRate = v.MarginRate,
        PriceBandPercent = v.PriceBandPercent, MaxOrdersPerSecond = v.MaxOrdersPerSecond, MaxDrawdown = v.MaxDrawdown, MaxCurrencyExposure = v.MaxCurrencyExposure,
    };
}

[GenerateSerializer, Alias("kill-switch-state")]
public struct KillSwitchStateSurrogate
{
    [Id(0)] public bool Engaged; [Id(1)] public string? Reason; [Id(2)] public string? By; [Id(3)] public DateTimeOffset? At;
}

[RegisterConverter]
public sealed class KillSwitchStateConverter : IConverter<KillSwitchState, KillSwitchStateSurrogate>
{
    public KillSwitchState ConvertFromSurrogate(in KillSwitchStateSurrogate s) => new(s.Engaged, s.Reason, s.By, s.At);
    public KillSwitchStateSurrogate ConvertToSurrogate(in KillSwitchState v) => new() { Engaged = v.Engaged, Reason = v.Reason, By = v.By, At = v.At };
}
