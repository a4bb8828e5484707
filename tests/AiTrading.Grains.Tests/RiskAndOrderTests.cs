using AiTrading.Contracts;
using AiTrading.Core.Accounts;
using AiTrading.Core.Audit;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Storage;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RiskAndOrderTests(ClusterFixture fixture)
{
    private const string Symbol = "RISKSYM";

    private async Task<IRiskGrain> PreparedAccount(string account, RiskLimitsChange? limits = null)
    {
        await fixture.ConfigureInstrumentAsync(Symbol, 50);
        if ((await fixture.Client.GetGrain<IInstrumentGrain>(Symbol).GetQuoteAsync()) is null)
            await fixture.PublishAsync(Symbol, TickPaths.Generate(Symbol, 3, TimeSpan.FromSeconds(1), _ => 50.00));
        return await fixture.OpenAccountAsync(account, limits);
    }

    [Fact]
    public async Task A_market_order_fills_at_the_ask_and_lands_in_portfolio_and_audit()
    {
        var risk = await PreparedAccount("R-FILL");
        var result = await risk.SubmitOrderAsync(new OrderRequest("c1", "R-FILL", Symbol, OrderSide.Buy, 10));

        result.Risk.Approved.ShouldBeTrue();
        result.Order.Status.ShouldBe(OrderStatus.Filled);
        result.Order.AverageFillPrice!.Value.ShouldBeGreaterThanOrEqualTo(50.01m); // ask, worsened by slippage
        var valuation = await fixture.Client.GetGrain<IPortfolioGrain>("R-FILL").GetValuationAsync();
        valuation.Positions.Single().Position.Quantity.ShouldBe(10);
        var kinds = (await fixture.Client.GetGrain<IAuditStreamGrain>("R-FILL").ReadAsync(1, 100)).Select(r => r.Kind);
        kinds.ShouldBe([AuditKinds.AccountOpened, AuditKinds.OrderAccepted, AuditKinds.Fill]);
    }

    [Fact]
    public async Task Risk_rejection_names_the_limit_is_audited_and_never_reaches_the_venue()
    {
        var risk = await PreparedAccount("R-REJ", new RiskLimitsChange { MaxOrderNotional = 1_000m });
        var result = await risk.SubmitOrderAsync(new OrderRequest("big", "R-REJ", Symbol, OrderSide.Buy, 100));

        result.Risk.Approved.ShouldBeFalse();
        result.Risk.Limit.ShouldBe(RiskLimitNames.MaxOrderNotional);
        result.Risk.Threshold.ShouldBe(1_000m);
        result.Order.Status.ShouldBe(OrderStatus.Rejected);
        result.Order.Fills.ShouldBeEmpty();
        (await fixture.Client.GetGrain<IPortfolioGrain>("R-REJ").GetValuationAsync()).Positions.ShouldBeEmpty();
        var records = await fixture.Client.GetGrain<IAuditStreamGrain>("R-REJ").ReadAsync(1, 100);
        records.Select(r => r.Kind).ShouldBe([AuditKinds.AccountOpened, AuditKinds.RiskRejected]);
        records[1].Payload.ShouldContain(RiskLimitNames.MaxOrderNotional);

        // A retry of the rejected order gets the same verdict back, without a second check or audit record.
        var retry = await risk.SubmitOrderAsync(new OrderRequest("big", "R-REJ", Symbol, OrderSide.Buy, 100));
        retry.Duplicate.ShouldBeTrue();
        retry.Risk.ShouldBe(result.Risk);
        retry.Order.RiskRejection.ShouldBe(result.Risk);
        (await fixture.Client.GetGrain<IAuditStreamGrain>("R-REJ").GetInfoAsync()).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Kill_switch_blocks_every_new_order()
    {
        var risk = await PreparedAccount("R-KILL");
        await risk.SetKillSwitchAsync(true, "operator test", "test-risk");
        var result = await risk.SubmitOrderAsync(new OrderRequest("k1", "R-KILL", Symbol, OrderSide.Sell, 1));
        result.Risk.Limit.ShouldBe(RiskLimitNames.KillSwitch);
        result.Order.Status.ShouldBe(OrderStatus.Rejected);

        await risk.SetKillSwitchAsync(false, "released", "test-risk");
        (await risk.SubmitOrderAsync(new OrderRequest("k2", "R-KILL", Symbol, OrderSide.Sell, 1))).Order.Status.ShouldBe(OrderStatus.Filled);
    }

    [Fact]
    public async Task A_retried_submit_returns_the_same_order_and_a_different_one_with_the_same_id_conflicts()
    {
        var risk = await PreparedAccount("R-IDEM");
        var request = new OrderRequest("same", "R-IDEM", Symbol, OrderSide.Buy, 3);
        var first = await risk.SubmitOrderAsync(request);
        var second = await risk.SubmitOrderAsync(request);

        second.Duplicate.ShouldBeTrue();
        second.Order.OrderId.ShouldBe(first.Order.OrderId);
        (await fixture.Client.GetGrain<IPortfolioGrain>("R-IDEM").GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(3);
        await Should.ThrowAsync<ConflictException>(() => risk.SubmitOrderAsync(request with { Quantity = 4 }));
    }

    [Fact]
    public async Task Malformed_orders_and_unknown_symbols_are_refused_with_the_field_named()
    {
        var risk = await PreparedAccount("R-BAD");
        var invalid = await Should.ThrowAsync<InvalidRequestException>(() =>
            risk.SubmitOrderAsync(new OrderRequest("", "R-BAD", Symbol, (OrderSide)9, -1, OrderType.Limit)));
        invalid.Errors.Select(e => e.Field).ShouldBe(["clientOrderId", "side", "quantity", "limitPrice"], ignoreOrder: true);

        var missing = await Should.ThrowAsync<ResourceNotFoundException>(() =>
            risk.SubmitOrderAsync(new OrderRequest("x", "R-BAD", "NOSUCH", OrderSide.Buy, 1)));
        missing.ResourceId.ShouldBe("NOSUCH");
        (await fixture.Client.GetGrain<IAuditStreamGrain>("R-BAD").GetInfoAsync()).Length.ShouldBe(1, "only the account's opening");
    }

    [Fact]
    public async Task Position_limit_lets_reducing_orders_through()
    {
        var risk = await PreparedAccount("R-POS", new RiskLimitsChange { MaxPositionQuantity = 5 });
        (await risk.SubmitOrderAsync(new OrderRequest("p1", "R-POS", Symbol, OrderSide.Buy, 5))).Order.Status.ShouldBe(OrderStatus.Filled);
        (await risk.SubmitOrderAsync(new OrderRequest("p2", "R-POS", Symbol, OrderSide.Buy, 1))).Risk.Limit.ShouldBe(RiskLimitNames.MaxPosition);
        (await risk.SubmitOrderAsync(new OrderRequest("p3", "R-POS", Symbol, OrderSide.Sell, 2))).Order.Status.ShouldBe(OrderStatus.Filled);
    }

    [Fact]
    public async Task A_drawdown_beyond_the_limit_engages_the_kill_switch_by_itself()
    {
        const string symbol = "DRAWDN", account = "R-DRAW";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 3, TimeSpan.FromSeconds(1), _ => 100.00));
        var risk = await fixture.OpenAccountAsync(account, new RiskLimitsChange { MaxDrawdown = 0.05m });
        (await risk.SubmitOrderAsync(new OrderRequest("dd-1", account, symbol, OrderSide.Buy, 1_000))).Order.Status.ShouldBe(OrderStatus.Filled);

        // The price falls 10: 1,000 units lose 10,000 of 100,000, a 10% drawdown from the peak.
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 3, TimeSpan.FromSeconds(1), _ => 90.00, start: TickPaths.Start.AddMinutes(1)));
        var refused = await risk.SubmitOrderAsync(new OrderRequest("dd-2", account, symbol, OrderSide.Buy, 1));
        refused.Risk.Limit.ShouldBe(RiskLimitNames.MaxDrawdown);
        (await risk.GetLimitsAsync()).KillSwitch.ShouldBeTrue();
        var killed = (await fixture.Client.GetGrain<IAuditStreamGrain>(account).ReadAsync(1, 100)).Single(r => r.Kind == "risk.kill_switch");
        killed.Payload.ShouldContain("automatic: equity");
        (await risk.SubmitOrderAsync(new OrderRequest("dd-3", account, symbol, OrderSide.Sell, 1_000))).Risk.Limit
            .ShouldBe(RiskLimitNames.KillSwitch, "once engaged, the switch blocks even flattening until a person releases it");
        await risk.SetKillSwitchAsync(false, "reviewed", "test-risk");
        (await risk.SubmitOrderAsync(new OrderRequest("dd-4", account, symbol, OrderSide.Sell, 1_000))).Order.Status.ShouldBe(OrderStatus.Filled);
    }

    /// <summary>
    /// An order whose silo died after storing its acceptance, before auditing it or hearing from the venue, finishes
    /// both on its next activation; activating it again afterwards does nothing twice.
    /// </summary>
    [Fact]
    public async Task An_order_stored_but_not_audited_or_sent_is_finished_once_on_activation()
    {
        const string account = "R-OUTBOX";
        await PreparedAccount(account);
        var request = new OrderRequest("outbox-1", account, Symbol, OrderSide.Buy, 10);
        var orderId = OrderView.IdFor(account, request.ClientOrderId);
        var grain = fixture.Client.GetGrain<IOrderGrain>(orderId);
        var accepted = new Order(orderId, request, DateTimeOffset.UtcNow);
        accepted.Accept(accepted.CreatedAt);
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("Default");
        await storage.WriteStateAsync("order", grain.GetGrainId(), new GrainState<OrderState>(new OrderState
        {
            Order = OrderView.From(accepted, null),
            Venue = "paper",
            Revision = 1,
            AwaitingVenue = true,
            Effects = [new(new AuditEntry(AuditKinds.OrderAccepted, AuditJson.Serialize(new { orderId, venue = "paper", request }), $"{AuditKinds.OrderAccepted}:{orderId}:1"))],
        }));

        var order = (await grain.GetAsync())!; // activates it
        order.Status.ShouldBe(OrderStatus.Filled);
        async Task<List<string>> KindsAsync() => (await fixture.Client.GetGrain<IAuditStreamGrain>(account).ReadAsync(1, 100)).Select(r => r.Kind).ToList();
        (await KindsAsync()).ShouldBe([AuditKinds.AccountOpened, AuditKinds.OrderAccepted, AuditKinds.Fill]);
        (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(10);

        // The stored state still lists the fill's effects as owed (they were done after the last write): redone, stored once.
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        (await grain.GetAsync())!.Fills.Count.ShouldBe(1);
        (await KindsAsync()).ShouldBe([AuditKinds.AccountOpened, AuditKinds.OrderAccepted, AuditKinds.Fill]);
        (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(10);
    }
}
