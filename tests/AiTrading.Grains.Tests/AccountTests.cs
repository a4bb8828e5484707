using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.Accounts;
using AiTrading.Core.Audit;
using AiTrading.Core.Risk;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;
using AiTrading.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains.Tests;

/// <summary>The account registry, per-account and global kill switches, and accounts opened from configuration.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AccountTests(ClusterFixture fixture)
{
    private const string Symbol = "ACCTSYM";

    private IAccountGrain Account(string id) => fixture.Client.GetGrain<IAccountGrain>(id);

    private async Task MarketAsync()
    {
        await fixture.ConfigureInstrumentAsync(Symbol, 50);
        if (await fixture.Client.GetGrain<IInstrumentGrain>(Symbol).GetQuoteAsync() is null)
            await fixture.PublishAsync(Symbol, TickPaths.Generate(Symbol, 3, TimeSpan.FromSeconds(1), _ => 50.00));
    }

    private async Task<List<string>> AuditKindsAsync(string stream) =>
        (await fixture.Client.GetGrain<IAuditStreamGrain>(stream).ReadAsync(1, 1000)).Select(r => r.Kind).ToList();

    [Fact]
    public async Task An_account_opens_once_with_the_defaults_it_leaves_out_and_other_terms_under_its_id_conflict()
    {
        var request = new AccountRequest("A-OPEN", Cash: 250_000m, Limits: new RiskLimitsChange { MaxOrderNotional = 10_000m });
        var opened = await Account("A-OPEN").CreateAsync(request, "alice");
        opened.Created.ShouldBeTrue();
        var view = opened.Account;
        (view.Account, view.Currency, view.Cash, view.Status, view.CreatedBy).ShouldBe(("A-OPEN", "USD", 250_000m, AccountView.Active, "alice"));
        view.Limits.ShouldBe(new RiskLimits { MaxOrderNotional = 10_000m }, "the defaults, but for the limit named");

        var again = await Account("A-OPEN").CreateAsync(request, "bob");
        (again.Created, again.Account.CreatedBy).ShouldBe((false, "alice"));
        var conflict = await Should.ThrowAsync<ConflictException>(() => Account("A-OPEN").CreateAsync(request with { Cash = 1m }, "bob"));
        conflict.Message.ShouldContain("cash");
        (await AuditKindsAsync("A-OPEN")).ShouldBe([AuditKinds.AccountOpened]);
        (await fixture.Client.GetGrain<INameIndexGrain>(NameIndexes.Accounts).ListAsync()).ShouldContain("A-OPEN");
        (await fixture.Client.GetGrain<IPortfolioGrain>("A-OPEN").GetValuationAsync()).Cash.ShouldBe(250_000m);
    }

    [Fact]
    public async Task A_bad_opening_request_names_every_field_and_opens_nothing()
    {
        var error = await Should.ThrowAsync<InvalidRequestException>(() => Account("A-BAD").CreateAsync(
            new AccountRequest("A-BAD", "usd", -1m, new RiskLimitsChange { MaxOrderNotional = 0m, MarginRate = 2m }), "alice"));
        error.Errors.Select(e => e.Field).ShouldBe(["currency", "cash", "limits.maxOrderNotional", "limits.marginRate"], ignoreOrder: true);
        var reserved = await Should.ThrowAsync<InvalidRequestException>(() => Account("security").CreateAsync(new AccountRequest("security"), "alice"));
        reserved.Errors.Single().Field.ShouldBe("id");
        (await Account("A-BAD").GetAsync()).ShouldBeNull();
        (await fixture.Client.GetGrain<IAuditStreamGrain>("A-BAD").GetInfoAsync()).Length.ShouldBe(0);
    }

    [Fact]
    public async Task An_account_that_was_never_opened_gets_no_order_portfolio_or_strategy_and_nothing_is_stored()
    {
        await MarketAsync();
        var order = await Should.ThrowAsync<ResourceNotFoundException>(() =>
            fixture.Client.GetGrain<IRiskGrain>("A-NONE").SubmitOrderAsync(new OrderRequest("n1", "A-NONE", Symbol, OrderSide.Buy, 1)));
        (order.What, order.ResourceId).ShouldBe(("account", "A-NONE"));
        (await fixture.Client.GetGrain<IOrderGrain>(OrderView.IdFor("A-NONE", "n1")).GetAsync()).ShouldBeNull();
        (await fixture.Client.GetGrain<IAuditStreamGrain>("A-NONE").GetInfoAsync()).Length.ShouldBe(0);
        (await Should.ThrowAsync<ResourceNotFoundException>(() => fixture.Client.GetGrain<IPortfolioGrain>("A-NONE").GetValuationAsync())).What.ShouldBe("account");
        var spec = new StrategySpec
        {
            Id = "a-none-strategy", Account = "A-NONE", Instruments = [Symbol], Rules = new() { EntryLong = "close > 0" },
            Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 1 },
        };
        (await Should.ThrowAsync<ResourceNotFoundException>(() => fixture.Client.GetGrain<IStrategyGrain>(spec.Id).SubmitAsync(spec))).ResourceId.ShouldBe("A-NONE");
        (await fixture.Client.GetGrain<IStrategyGrain>(spec.Id).GetAsync()).ShouldBeNull();

        // Opened later, the same gate takes orders.
        await fixture.OpenAccountAsync("A-NONE");
        (await fixture.Client.GetGrain<IRiskGrain>("A-NONE").SubmitOrderAsync(new OrderRequest("n2", "A-NONE", Symbol, OrderSide.Buy, 1))).Order.Status.ShouldBe(OrderStatus.Filled);
    }

    [Fact]
    public async Task The_account_currency_is_the_one_its_gate_and_portfolio_value_in()
    {
        await MarketAsync();
        await Account("A-EUR").CreateAsync(new AccountRequest("A-EUR", "EUR", 40_000m), "alice");
        var valuation = await fixture.Client.GetGrain<IPortfolioGrain>("A-EUR").GetValuationAsync();
        (valuation.Currency, valuation.Cash).ShouldBe(("EUR", 40_000m));
        var refused = await fixture.Client.GetGrain<IRiskGrain>("A-EUR").SubmitOrderAsync(new OrderRequest("e1", "A-EUR", Symbol, OrderSide.Buy, 1));
        (refused.Risk.Limit, refused.Risk.Message).ShouldBe((RiskLimitNames.MarketData, "no quote to convert USD into EUR"));
    }

    [Fact]
    public async Task Changed_limits_reach_the_gate_at_once_are_audited_and_leave_the_opening_request_a_duplicate()
    {
        await MarketAsync();
        var risk = await fixture.OpenAccountAsync("A-LIMITS");
        (await risk.SubmitOrderAsync(new OrderRequest("l1", "A-LIMITS", Symbol, OrderSide.Buy, 100))).Order.Status.ShouldBe(OrderStatus.Filled);

        var changed = await Account("A-LIMITS").SetLimitsAsync(new RiskLimitsChange { MaxOrderNotional = 1_000m }, "rita");
        (changed.Limits.MaxOrderNotional, changed.LimitsChangedBy).ShouldBe((1_000m, "rita"));
        (await risk.SubmitOrderAsync(new OrderRequest("l2", "A-LIMITS", Symbol, OrderSide.Buy, 100))).Risk.Limit.ShouldBe(RiskLimitNames.MaxOrderNotional);
        var audit = (await fixture.Client.GetGrain<IAuditStreamGrain>("A-LIMITS").ReadAsync(1, 100)).Single(r => r.Kind == AuditKinds.AccountLimitsChanged);
        var payload = JsonDocument.Parse(audit.Payload).RootElement;
        (payload.GetProperty("by").GetString(), payload.GetProperty("after").GetProperty("maxOrderNotional").GetDecimal()).ShouldBe(("rita", 1_000m));

        (await Should.ThrowAsync<InvalidRequestException>(() => Account("A-LIMITS").SetLimitsAsync(new RiskLimitsChange(), "rita"))).Errors.Single().Field.ShouldBe("limits");
        (await Should.ThrowAsync<InvalidRequestException>(() => Account("A-LIMITS").SetLimitsAsync(new RiskLimitsChange { MaxDrawdown = 3m }, "rita")))
            .Errors.Single().Field.ShouldBe("maxDrawdown");
        (await Should.ThrowAsync<ResourceNotFoundException>(() => Account("A-NEVER").SetLimitsAsync(new RiskLimitsChange { MaxDrawdown = 0.1m }, "rita"))).What.ShouldBe("account");
        (await Account("A-LIMITS").CreateAsync(new AccountRequest("A-LIMITS"), "test-admin")).Created.ShouldBeFalse();
    }

    [Fact]
    public async Task An_accounts_kill_switch_halts_it_with_who_and_why_until_released()
    {
        await MarketAsync();
        var risk = await fixture.OpenAccountAsync("A-HALT");
        var halted = await Account("A-HALT").SetKillSwitchAsync(true, "  desk review ", "rita");
        (halted.Status, halted.KillSwitch.Engaged, halted.KillSwitch.Reason, halted.KillSwitch.By, halted.Limits.KillSwitch)
            .ShouldBe((AccountView.Halted, true, "desk review", "rita", true));
        (await risk.SubmitOrderAsync(new OrderRequest("h1", "A-HALT", Symbol, OrderSide.Buy, 1))).Risk.Limit.ShouldBe(RiskLimitNames.KillSwitch);
        (await Should.ThrowAsync<InvalidRequestException>(() => Account("A-HALT").SetKillSwitchAsync(false, " ", "rita"))).Errors.Single().Field.ShouldBe("reason");
        (await Should.ThrowAsync<InvalidRequestException>(() => Account("A-HALT").SetKillSwitchAsync(false, new string('x', 501), "rita"))).Errors.Single().Field.ShouldBe("reason");

        (await Account("A-HALT").SetKillSwitchAsync(false, "reviewed", "rita")).Status.ShouldBe(AccountView.Active);
        (await risk.SubmitOrderAsync(new OrderRequest("h2", "A-HALT", Symbol, OrderSide.Buy, 1))).Order.Status.ShouldBe(OrderStatus.Filled);
        var switches = (await fixture.Client.GetGrain<IAuditStreamGrain>("A-HALT").ReadAsync(1, 100)).Where(r => r.Kind == AuditKinds.KillSwitch)
            .Select(r => JsonDocument.Parse(r.Payload).RootElement).ToList();
        switches.Select(r => (r.GetProperty("engaged").GetBoolean(), r.GetProperty("by").GetString())).ShouldBe([(true, "rita"), (false, "rita")]);
    }

    [Fact]
    public async Task The_global_kill_switch_refuses_every_account_at_once_cancels_working_orders_and_reaches_accounts_opened_later()
    {
        await MarketAsync();
        var gates = new List<IRiskGrain>();
        foreach (var id in new[] { "G-1", "G-2", "G-3" }) gates.Add(await fixture.OpenAccountAsync(id));
        var resting = await gates[0].SubmitOrderAsync(new OrderRequest("rest", "G-1", Symbol, OrderSide.Buy, 10, OrderType.Limit, 49m));
        resting.Order.Status.ShouldBe(OrderStatus.Accepted);
        var global = fixture.Client.GetGrain<IKillSwitchGrain>(KillSwitches.Global);
        try
        {
            var engaged = await global.SetAsync(true, "exchange outage", "rita");
            (engaged.Engaged, engaged.By).ShouldBe((true, "rita"));
            for (var i = 0; i < gates.Count; i++)
            {
                var refused = await gates[i].SubmitOrderAsync(new OrderRequest("during", $"G-{i + 1}", Symbol, OrderSide.Sell, 1));
                (refused.Risk.Limit, refused.Risk.Message).ShouldBe((RiskLimitNames.KillSwitch, "the global kill switch is engaged (exchange outage): no new orders"));
            }
            (await fixture.Client.GetGrain<IOrderGrain>(resting.Order.OrderId).GetAsync())!.Reason.ShouldBe("global kill switch: exchange outage");
            var later = await fixture.OpenAccountAsync("G-LATER");
            (await later.SubmitOrderAsync(new OrderRequest("late", "G-LATER", Symbol, OrderSide.Buy, 1))).Risk.Limit.ShouldBe(RiskLimitNames.KillSwitch);
            (await Account("G-2").GetAsync())!.Status.ShouldBe(AccountView.Halted);
            (await AuditKindsAsync(PlatformStreams.Risk)).ShouldContain(AuditKinds.KillSwitch);
        }
        finally
        {
            await global.SetAsync(false, "outage over", "rita");
        }
        (await gates[1].SubmitOrderAsync(new OrderRequest("after", "G-2", Symbol, OrderSide.Buy, 1))).Order.Status.ShouldBe(OrderStatus.Filled);
        (await global.GetAsync()).Engaged.ShouldBeFalse();
    }

    [Fact]
    public async Task Accounts_in_configuration_open_at_silo_start_and_opening_them_again_changes_nothing()
    {
        var configured = (await Account(ClusterFixture.ConfiguredAccount).GetAsync()).ShouldNotBeNull();
        (configured.Currency, configured.Cash, configured.Limits.MaxOrderNotional, configured.CreatedBy)
            .ShouldBe(("EUR", 250_000m, 123_456m, ConfiguredAccounts.Principal));

        // The in-memory audit store is each silo's own, and the stream may have moved since the silos started: compare lengths now.
        var audited = (await fixture.Client.GetGrain<IAuditStreamGrain>(ClusterFixture.ConfiguredAccount).GetInfoAsync()).Length;
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var options = silo.GetRequiredService<IOptions<TradingOptions>>();
        await new ConfiguredAccounts(fixture.Client, options, NullLogger<ConfiguredAccounts>.Instance).Execute(CancellationToken.None);
        var changed = Options.Create(new TradingOptions { Accounts = { [ClusterFixture.ConfiguredAccount] = new AccountOptions { Cash = 1m } } });
        await new ConfiguredAccounts(fixture.Client, changed, NullLogger<ConfiguredAccounts>.Instance).Execute(CancellationToken.None);

        (await Account(ClusterFixture.ConfiguredAccount).GetAsync()).ShouldBe(configured, "an open account is kept as stored");
        (await fixture.Client.GetGrain<IAuditStreamGrain>(ClusterFixture.ConfiguredAccount).GetInfoAsync()).Length.ShouldBe(audited, "opening it again audits nothing");
    }

    [Fact]
    public void Configured_accounts_are_validated_at_start_naming_the_setting()
    {
        var options = new TradingOptions
        {
            Accounts =
            {
                ["bad id"] = new AccountOptions(),
                ["OK"] = new AccountOptions { Currency = "euro", Cash = -5, Limits = new RiskLimitsChange { MaxDrawdown = 2 } },
            },
        };
        options.Validate().Select(e => e.Field).ShouldBe(
            ["Trading:Accounts:bad id", "Trading:Accounts:OK:currency", "Trading:Accounts:OK:cash", "Trading:Accounts:OK:limits:maxDrawdown"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_strategy_stays_in_its_account_across_versions()
    {
        await MarketAsync();
        await fixture.OpenAccountAsync("S-ONE");
        await fixture.OpenAccountAsync("S-TWO");
        var spec = new StrategySpec
        {
            Id = "account-bound", Account = "S-ONE", Instruments = [Symbol], Rules = new() { EntryLong = "close < 0" },
            Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 1 },
        };
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(spec.Id);
        await strategy.SubmitAsync(spec);
        var moved = await Should.ThrowAsync<InvalidRequestException>(() => strategy.SubmitAsync(spec with { Account = "S-TWO", Version = 2 }));
        moved.Errors.Single().Field.ShouldBe("account");
        (await strategy.GetAsync())!.Spec.Account.ShouldBe("S-ONE");
        await strategy.StopAsync();
    }
}
