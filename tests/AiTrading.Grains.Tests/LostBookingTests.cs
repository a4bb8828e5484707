using System.Collections.Concurrent;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Trading;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace AiTrading.Grains.Tests;

/// <summary>
/// A cluster where a portfolio's booking of a fill can be made to fail as a call to a silo that has just died does:
/// the order has stored and audited the fill, and its call to the portfolio comes back with an error.
/// </summary>
public sealed class LostBookingFixture : ClusterFixture
{
    public LostBookings Bookings { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(Bookings);
}

/// <summary>Fails the next bookings of the accounts it is armed for, before the portfolio sees them.</summary>
public sealed class LostBookings : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal), _failedWrites = new(StringComparer.Ordinal);

    public void Fail(string account, int times) => _failures[account] = times;

    /// <summary>Fails the next write of the account's portfolio to the (memory) grain storage, before it is stored.</summary>
    public void FailWrite(string account) => _failedWrites[account] = 1;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IPortfolioGrain.ApplyFillsAsync) && context.Request.GetArgument(0) is IReadOnlyList<Fill> { Count: > 0 } fills
            && Take(_failures, fills[0].Account))
            throw new TimeoutException($"the portfolio of {fills[0].Account} did not answer (its silo died)");
        if (context.InterfaceMethod?.Name == "WriteStateAsync" && context.InterfaceName.Contains("MemoryStorageGrain", StringComparison.Ordinal)
            && context.Request.GetArgument(0) is string key && key.StartsWith("portfolio/", StringComparison.Ordinal)
            && _failedWrites.Keys.FirstOrDefault(a => key.EndsWith("/" + a, StringComparison.Ordinal)) is { } account && Take(_failedWrites, account))
            throw new TimeoutException($"the store did not answer the write of {key}");
        return context.Invoke();
    }

    private static bool Take(ConcurrentDictionary<string, int> failures, string account) =>
        failures.TryGetValue(account, out var left) && left > 0 && failures.TryUpdate(account, left - 1, left);
}

public sealed class LostBookingTests(LostBookingFixture fixture) : IClassFixture<LostBookingFixture>
{
    private async Task<IRiskGrain> AccountAsync(string account, string symbol)
    {
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 2, TimeSpan.FromSeconds(1), _ => 100.00));
        return await fixture.OpenAccountAsync(account);
    }

    private Task PositionIsAsync(string account, decimal quantity) => Eventually.True(async () =>
        (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.SingleOrDefault()?.Position.Quantity == quantity,
        $"the portfolio of {account} to hold {quantity}", TimeSpan.FromMinutes(1));

    private async Task<List<string>> AuditKindsAsync(string account) =>
        (await fixture.Client.GetGrain<IAuditStreamGrain>(account).ReadAsync(1, 100)).Select(r => r.Kind).ToList();

    /// <summary>
    /// The submitter sees the failure and asks again; the order answers from its stored fill (a duplicate), so the
    /// booking it still owes must be finished by the order itself.
    /// </summary>
    [Fact]
    public async Task A_market_fill_the_portfolio_missed_is_booked_once_when_the_portfolio_answers_again()
    {
        const string account = "LB-MKT";
        var risk = await AccountAsync(account, "LBMKT");
        fixture.Bookings.Fail(account, 3);
        var request = new OrderRequest("m1", account, "LBMKT", OrderSide.Buy, 10);

        await Should.ThrowAsync<TimeoutException>(() => risk.SubmitOrderAsync(request));
        var retried = await risk.SubmitOrderAsync(request);
        retried.Duplicate.ShouldBeTrue();
        retried.Order.Status.ShouldBe(OrderStatus.Filled);

        await PositionIsAsync(account, 10);
        (await AuditKindsAsync(account)).ShouldBe([AuditKinds.AccountOpened, AuditKinds.OrderAccepted, AuditKinds.Fill]);
        var order = fixture.Client.GetGrain<IOrderGrain>(retried.Order.OrderId);
        await order.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        (await order.GetAsync())!.Fills.Count.ShouldBe(1);
        (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(10, "booked once");
    }

    /// <summary>The venue redelivers a fill whose booking failed; the order already holds it and acknowledges, and still owes the booking.</summary>
    [Fact]
    public async Task A_resting_order_fill_the_portfolio_missed_is_booked_once_when_the_portfolio_answers_again()
    {
        const string account = "LB-LMT";
        var risk = await AccountAsync(account, "LBLMT");
        var placed = await risk.SubmitOrderAsync(new OrderRequest("l1", account, "LBLMT", OrderSide.Buy, 500, OrderType.Limit, 99.50m));
        placed.Order.Status.ShouldBe(OrderStatus.Accepted);
        fixture.Bookings.Fail(account, 3);

        await fixture.PublishAsync("LBLMT", TickPaths.Generate("LBLMT", 2, TimeSpan.FromSeconds(1), _ => 99.40, start: TickPaths.Start.AddMinutes(1)));
        await Eventually.True(async () => (await fixture.Client.GetGrain<IOrderGrain>(placed.Order.OrderId).GetAsync())!.Status == OrderStatus.Filled, "the limit order to fill");

        await PositionIsAsync(account, 500);
        (await AuditKindsAsync(account)).ShouldBe([AuditKinds.AccountOpened, AuditKinds.OrderAccepted, AuditKinds.Fill]);
        await Eventually.True(async () => (await fixture.Client.GetGrain<IVenueGrain>("paper/LBLMT").GetWorkingAsync()).Count == 0, "the book to be empty");
        (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(500, "booked once");
    }

    /// <summary>
    /// The portfolio booked a fill in memory and failed to store it: another writer changed its stored state (as a second
    /// activation during a failover does), or the store did not answer. The retried booking must not be taken for done
    /// by that memory.
    /// </summary>
    [Fact]
    public async Task A_booking_the_portfolio_failed_to_store_is_booked_again_on_retry()
    {
        const string account = "LB-STORE";
        var risk = await AccountAsync(account, "LBSTO");
        (await risk.SubmitOrderAsync(new OrderRequest("s1", account, "LBSTO", OrderSide.Buy, 10))).Order.Status.ShouldBe(OrderStatus.Filled);
        var portfolio = fixture.Client.GetGrain<IPortfolioGrain>(account);
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("Default");
        var stored = new GrainState<PortfolioState>();
        await storage.ReadStateAsync("portfolio", portfolio.GetGrainId(), stored);
        await storage.WriteStateAsync("portfolio", portfolio.GetGrainId(), stored); // the live activation's version is stale now

        await Should.ThrowAsync<Exception>(() => risk.SubmitOrderAsync(new OrderRequest("s2", account, "LBSTO", OrderSide.Buy, 10)));
        await PositionIsAsync(account, 20);
        fixture.Bookings.FailWrite(account);
        await Should.ThrowAsync<OrleansException>(() => risk.SubmitOrderAsync(new OrderRequest("s3", account, "LBSTO", OrderSide.Buy, 10)));
        var s3 = fixture.Client.GetGrain<IOrderGrain>(OrderView.IdFor(account, "s3"));
        await Eventually.True(async () =>
        {
            var order = new GrainState<OrderState>();
            await storage.ReadStateAsync("order", s3.GetGrainId(), order);
            return order.State is { Effects.Count: 0, Order.Fills.Count: 1 };
        }, "s3 to be filled and owe nothing");
        await PositionIsAsync(account, 30);
        await portfolio.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await PositionIsAsync(account, 30);
        (await AuditKindsAsync(account)).Count(k => k == AuditKinds.Fill).ShouldBe(3);
    }
}
