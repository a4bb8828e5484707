using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;
using AiTrading.Grains;

namespace AiTrading.Postgres.Tests;

/// <summary>Stop the whole cluster, start a new one on the same database: the trading state is all there.</summary>
public sealed class RestartTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const string Symbol = "RSTART", Account = "RST-ACC", StrategyId = "rst-cross", ServiceId = "restart";

    /// <summary>Both clusters open the account from configuration: the second finds it stored and changes nothing.</summary>
    private static readonly Dictionary<string, string?> Accounts = new()
    {
        [$"Trading:Accounts:{Account}:Currency"] = "USD",
        [$"Trading:Accounts:{Account}:Limits:MaxOrderNotional"] = "250000",
    };

    private static StrategySpec Spec() => new()
    {
        Id = StrategyId,
        Account = Account,
        Instruments = [Symbol],
        Features = [new("SMA", new Dictionary<string, double> { ["period"] = 3 }), new("SMA", new Dictionary<string, double> { ["period"] = 8 })],
        Rules = new() { EntryLong = "cross_above(SMA_3, SMA_8)", ExitLong = "cross_below(SMA_3, SMA_8)" },
        Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 10 },
    };

    [Fact]
    public async Task Strategies_positions_orders_and_audit_come_back_after_a_full_restart()
    {
        string strategyBefore, filledBefore, workingBefore, positionsBefore;
        AuditStreamInfo auditBefore;
        await using (var first = await PostgresCluster.StartAsync(database.ConnectionString, ServiceId, settings: Accounts))
        {
            await first.ConfigureInstrumentAsync(Symbol, 50);
            await first.PublishAsync(Symbol, Ticks.Flat(Symbol, 3, 50.00, new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(1)));
            var risk = first.Client.GetGrain<IRiskGrain>(Account);
            (await risk.SubmitOrderAsync(new OrderRequest("buy-1", Account, Symbol, OrderSide.Buy, 10))).Order.Status.ShouldBe(OrderStatus.Filled);
            (await risk.SubmitOrderAsync(new OrderRequest("bid-1", Account, Symbol, OrderSide.Buy, 5, OrderType.Limit, LimitPrice: 49.50m)))
                .Order.Status.ShouldBe(OrderStatus.Accepted);
            var strategy = first.Client.GetGrain<IStrategyGrain>(StrategyId);
            await strategy.SubmitAsync(Spec());
            await strategy.PauseAsync("maintenance window");

            strategyBefore = AuditJson.Serialize(await strategy.GetAsync());
            filledBefore = AuditJson.Serialize(await first.Client.GetGrain<IOrderGrain>(OrderView.IdFor(Account, "buy-1")).GetAsync());
            workingBefore = AuditJson.Serialize(await first.Client.GetGrain<IOrderGrain>(OrderView.IdFor(Account, "bid-1")).GetAsync());
            positionsBefore = AuditJson.Serialize((await first.Client.GetGrain<IPortfolioGrain>(Account).GetValuationAsync()).Positions.Select(p => p.Position));
            auditBefore = await first.Client.GetGrain<IAuditStreamGrain>(Account).GetInfoAsync();
            auditBefore.Length.ShouldBeGreaterThanOrEqualTo(4);
        }

        await using var second = await PostgresCluster.StartAsync(database.ConnectionString, ServiceId, settings: Accounts);
        var client = second.Client;
        var account = (await client.GetGrain<IAccountGrain>(Account).GetAsync())!;
        (account.CreatedBy, account.Limits.MaxOrderNotional).ShouldBe((Silo.ConfiguredAccounts.Principal, 250_000m));
        var restored = (await client.GetGrain<IStrategyGrain>(StrategyId).GetAsync())!;
        AuditJson.Serialize(restored).ShouldBe(strategyBefore);
        restored.State.ShouldBe(StrategyLifecycle.Paused);
        restored.Reason.ShouldBe("maintenance window");
        AuditJson.Serialize(await client.GetGrain<IOrderGrain>(OrderView.IdFor(Account, "buy-1")).GetAsync()).ShouldBe(filledBefore);
        AuditJson.Serialize(await client.GetGrain<IOrderGrain>(OrderView.IdFor(Account, "bid-1")).GetAsync()).ShouldBe(workingBefore);
        (await client.GetGrain<IVenueGrain>(IVenueGrain.KeyFor("paper", Symbol)).GetWorkingAsync()).ShouldContain(w => w.OrderId == OrderView.IdFor(Account, "bid-1"));
        var portfolio = await client.GetGrain<IPortfolioGrain>(Account).GetValuationAsync();
        AuditJson.Serialize(portfolio.Positions.Select(p => p.Position)).ShouldBe(positionsBefore);
        portfolio.Positions.Single().Position.Quantity.ShouldBe(10);

        var audit = client.GetGrain<IAuditStreamGrain>(Account);
        (await audit.GetInfoAsync()).ShouldBe(auditBefore);
        var next = await audit.AppendAsync(new AuditEntry(AuditKinds.Decision, "{\"after\":\"restart\"}"));
        next.Sequence.ShouldBe(auditBefore.Length + 1);
        next.PreviousHash.ShouldBe(auditBefore.HeadHash);
        (await audit.VerifyAsync()).ShouldSatisfyAllConditions(v => v.Valid.ShouldBeTrue(), v => v.RecordsChecked.ShouldBe(auditBefore.Length + 1));
        (await client.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync()).ShouldContain(Account);
    }
}
