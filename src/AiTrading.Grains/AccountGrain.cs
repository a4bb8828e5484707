using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.Audit;
using AiTrading.Core.Risk;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("account-state")]
public sealed class AccountState
{
    [Id(0)] public AccountRecord? Account { get; set; }
    /// <summary>The limits it opened with: the same opening request stays a duplicate after the limits changed.</summary>
    [Id(1)] public RiskLimits? OpeningLimits { get; set; }
    /// <summary>Whether the opening's audit record is stored (a call that died between the two finishes it when repeated).</summary>
    [Id(2)] public bool OpeningAudited { get; set; }
}

/// <summary>
/// One account's registry entry: opened once (idempotently), its limits changed by the risk desk, its kill switch
/// relayed to its risk gate. Every change is audited in the account's stream with who made it.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account")] IPersistentState<AccountState> state,
    IOptions<TradingOptions> options,
    TimeProvider clock) : Grain, IAccountGrain
{
    private string Id => this.GetPrimaryKeyString();
    private IRiskGrain Risk => GrainFactory.GetGrain<IRiskGrain>(Id);

    public async Task<AccountCreation> CreateAsync(AccountRequest request, string by)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Id != Id) throw new ValidationException("id", $"must be '{Id}' (got '{request.Id}')");
        var terms = request.Resolve(options.Value.DefaultTerms);
        var created = state.State.Account is null;
        if (state.State.Account is { } existing)
        {
            var opened = new AccountTerms(existing.Currency, existing.Cash, state.State.OpeningLimits ?? existing.Limits);
            if (opened != terms)
                throw new ConflictException($"account '{Id}' is already open with other terms ({string.Join(", ", Differences(opened, terms))} differ); " +
                                            $"its limits change through PUT /v1/accounts/{Id}/limits");
        }
        else
        {
            state.State.Account = new AccountRecord(Id, terms.Currency, terms.Cash, terms.Limits, by, clock.GetUtcNow());
            state.State.OpeningLimits = terms.Limits;
            await state.WriteStateAsync();
        }
        // A repeated request finishes what a call that died after storing the account left undone (both steps are idempotent).
        var account = state.State.Account;
        if (!state.State.OpeningAudited)
        {
            await AuditJson.AppendAsync(GrainFactory, Id, AuditKinds.AccountOpened,
                new { account.Currency, account.Cash, limits = state.State.OpeningLimits, by = account.CreatedBy }, key: AuditKinds.AccountOpened);
            state.State.OpeningAudited = true;
            await state.WriteStateAsync();
        }
        await GrainFactory.GetGrain<INameIndexGrain>(NameIndexes.Accounts).RegisterAsync(Id);
        return new AccountCreation(await ViewAsync(account), created);
    }

    public Task<AccountRecord?> GetRecordAsync() => Task.FromResult(state.State.Account);

    public async Task<AccountView?> GetAsync() => state.State.Account is { } account ? await ViewAsync(account) : null;

    public async Task<AccountView> SetLimitsAsync(RiskLimitsChange change, string by)
    {
        ArgumentNullException.ThrowIfNull(change);
        var account = Require();
        var limits = change.Apply(account.Limits);
        if (limits != account.Limits)
        {
            state.State.Account = account with { Limits = limits, LimitsChangedBy = by, LimitsChangedAt = clock.GetUtcNow() };
            await state.WriteStateAsync();
            await AuditJson.AppendAsync(GrainFactory, Id, AuditKinds.AccountLimitsChanged, new { before = account.Limits, after = limits, by });
        }
        // Handed over even when nothing changed, so repeating a call whose hand-over failed brings the gate up to date.
        await Risk.OnAccountChangedAsync(state.State.Account!);
        return await ViewAsync(state.State.Account!);
    }

    public async Task<AccountView> SetKillSwitchAsync(bool engaged, string reason, string by)
    {
        var account = Require();
        await Risk.SetKillSwitchAsync(engaged, AccountRules.RequireReason(reason), by);
        return await ViewAsync(account);
    }

    private AccountRecord Require() => state.State.Account ?? throw new NotFoundException("account", Id);

    private async Task<AccountView> ViewAsync(AccountRecord account)
    {
        var own = Risk.GetKillSwitchAsync();
        var global = GrainFactory.GetGrain<IKillSwitchGrain>(KillSwitches.Global).GetAsync();
        return AccountView.Of(account, await own, await global);
    }

    private static IEnumerable<string> Differences(AccountTerms a, AccountTerms b)
    {
        if (a.Currency != b.Currency) yield return "currency";
        if (a.Cash != b.Cash) yield return "cash";
        if (a.Limits != b.Limits) yield return "limits";
    }
}

[GenerateSerializer, Alias("global-kill-switch-state")]
public sealed class GlobalKillSwitchState
{
    [Id(0)] public KillSwitchState? Switch { get; set; }
}

/// <summary>
/// The kill switch over every account. A change is stored and audited (stream "risk") before it is pushed to the risk
/// gate of every opened account, and the call returns once every gate has it; a gate activated later reads it then.
/// </summary>
public sealed class KillSwitchGrain(
    [PersistentState("kill-switch")] IPersistentState<GlobalKillSwitchState> state,
    TimeProvider clock) : Grain, IKillSwitchGrain
{
    public async Task<KillSwitchState> SetAsync(bool engaged, string reason, string by)
    {
        var next = new KillSwitchState(engaged, AccountRules.RequireReason(reason), by, clock.GetUtcNow());
        state.State.Switch = next;
        await state.WriteStateAsync();
        await AuditJson.AppendAsync(GrainFactory, PlatformStreams.Risk, AuditKinds.KillSwitch, new { scope = "global", engaged, next.Reason, by });
        var accounts = await GrainFactory.GetGrain<INameIndexGrain>(NameIndexes.Accounts).ListAsync();
        await Task.WhenAll(accounts.Select(a => GrainFactory.GetGrain<IRiskGrain>(a).OnGlobalKillSwitchAsync(next)));
        return next;
    }

    public Task<KillSwitchState> GetAsync() => Task.FromResult(state.State.Switch ?? KillSwitchState.Off);
}
