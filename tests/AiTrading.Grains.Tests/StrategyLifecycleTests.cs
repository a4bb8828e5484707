using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Features;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Streams;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StrategyLifecycleTests(ClusterFixture fixture)
{
    private static StrategySpec Cross(string id, string account, string symbol, int version = 1) => new()
    {
        Id = id,
        Version = version,
        Account = account,
        Instruments = [symbol],
        Features = [new("SMA", new Dictionary<string, double> { ["period"] = 3 }), new("SMA", new Dictionary<string, double> { ["period"] = 8 })],
        Rules = new() { EntryLong = "cross_above(SMA_3, SMA_8)", ExitLong = "cross_below(SMA_3, SMA_8)" },
        Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 10 },
    };

    /// <summary>A slow wave: one-minute bars whose SMA(3) crosses SMA(8) both ways several times.</summary>
    private static List<Core.MarketData.Tick> Wave(string symbol, int count, DateTimeOffset? start = null) =>
        TickPaths.Generate(symbol, count, TimeSpan.FromSeconds(10), i => 100 + 3 * Math.Sin(i / 40.0), start: start);

    private async Task<List<StrategyEvent>> CollectEventsAsync(string strategyId, List<StrategyEvent> into)
    {
        var stream = fixture.Client.GetStreamProvider(StreamNames.Provider).GetStream<StrategyEvent>(StreamNames.StrategyEvents, strategyId);
        await stream.SubscribeAsync((e, _) => { lock (into) into.Add(e); return Task.CompletedTask; });
        return into;
    }

    private async Task<List<JsonElement>> AuditAsync(string account, string kind) =>
        (await fixture.Client.GetGrain<IAuditStreamGrain>(account).ReadAsync(1, 1000)).Where(r => r.Kind == kind)
            .Select(r => JsonDocument.Parse(r.Payload).RootElement).ToList();

    [Fact]
    public async Task Submit_signal_order_fill_and_portfolio_agree_and_every_step_is_an_event()
    {
        const string symbol = "WAVE1", account = "WAVE-ACC", id = "wave-cross";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync(account);
        var events = await CollectEventsAsync(id, []);
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(id);
        var submitted = await strategy.SubmitAsync(Cross(id, account, symbol));
        submitted.Duplicate.ShouldBeFalse();
        submitted.Strategy.State.ShouldBe(StrategyLifecycle.Running);

        await fixture.PublishAsync(symbol, Wave(symbol, 1200));
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == 199, "the strategy to see 199 bars");

        var view = (await strategy.GetAsync())!;
        view.OrdersFilled.ShouldBeGreaterThanOrEqualTo(3);
        view.OrdersRejected.ShouldBe(0);
        var portfolio = await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync();
        (portfolio.Positions.SingleOrDefault()?.Position.Quantity ?? 0).ShouldBe(view.Holdings[symbol].Quantity);
        view.Holdings[symbol].Quantity.ShouldBeOneOf(0m, 10m);

        var fills = await AuditAsync(account, AuditKinds.Fill);
        fills.Count.ShouldBe((int)view.OrdersFilled);
        (await AuditAsync(account, AuditKinds.Decision)).Count.ShouldBe((int)view.Signals);
        (await fixture.Client.GetGrain<INameIndexGrain>(NameIndexes.Strategies).ListAsync()).ShouldContain(id);

        await Eventually.True(() => { lock (events) return Task.FromResult(events.Count(e => e.Kind == StrategyEventKinds.Fill) == view.OrdersFilled); }, "every fill event");
        List<StrategyEvent> seen;
        lock (events) seen = events.ToList();
        seen.Select(e => e.Sequence).ShouldBe(seen.Select(e => e.Sequence).Order(), "events arrive in order");
        seen.Take(2).Select(e => e.Message).ShouldBe(["version 1 submitted and validated", "running"]);
        var firstSignal = seen.First(e => e.Kind == StrategyEventKinds.Signal);
        seen.SkipWhile(e => e != firstSignal).Skip(1).Take(2).Select(e => e.Kind).ShouldBe([StrategyEventKinds.Order, StrategyEventKinds.Fill]);
        firstSignal.Message.ShouldStartWith("EnterLong: entryLong rule");
        await strategy.StopAsync();
    }

    [Fact]
    public async Task Resubmission_is_idempotent_a_changed_spec_conflicts_and_a_new_version_replaces_it()
    {
        const string symbol = "IDEMP1", account = "IDEMP-ACC", id = "idempotent";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync(account);
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(id);
        var spec = Cross(id, account, symbol);
        var first = await strategy.SubmitAsync(spec);
        var again = await strategy.SubmitAsync(spec with { Features = [.. spec.Features] });
        again.Duplicate.ShouldBeTrue();
        again.Strategy.SpecHash.ShouldBe(first.Strategy.SpecHash);
        (await AuditAsync(account, AuditKinds.StrategyLifecycle)).Count.ShouldBe(2, "submitted and running, once");

        var changed = spec with { Sizing = spec.Sizing with { Quantity = 20 } };
        var conflict = await Should.ThrowAsync<ConflictException>(() => strategy.SubmitAsync(changed));
        conflict.Message.ShouldBe("strategy 'idempotent' version 1 exists with different content; submit version 2 or higher to replace it");

        var replaced = await strategy.SubmitAsync(changed with { Version = 2 });
        (replaced.Duplicate, replaced.Strategy.Spec.Version, replaced.Strategy.State).ShouldBe((false, 2, StrategyLifecycle.Running));
        replaced.Strategy.Spec.Sizing.Quantity.ShouldBe(20);
        await Should.ThrowAsync<ConflictException>(() => strategy.SubmitAsync(spec));
        (await AuditAsync(account, AuditKinds.StrategyLifecycle)).Last().GetProperty("message").GetString().ShouldBe("running");
        await strategy.StopAsync();
    }

    [Fact]
    public async Task The_lifecycle_moves_only_along_its_edges()
    {
        const string symbol = "LIFE1", id = "lifecycle";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync("LIFE-ACC");
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(id);
        await Should.ThrowAsync<ResourceNotFoundException>(() => strategy.PauseAsync("before submission"));
        await strategy.SubmitAsync(Cross(id, "LIFE-ACC", symbol));
        (await Should.ThrowAsync<InvalidRequestException>(() => strategy.PauseAsync(" "))).Errors.Single().Field.ShouldBe("reason");
        var paused = await strategy.PauseAsync("desk review");
        (paused.State, paused.Reason).ShouldBe((StrategyLifecycle.Paused, "desk review"));
        (await strategy.PauseAsync("again")).Reason.ShouldBe("desk review", "pausing a paused strategy changes nothing");
        (await strategy.ResumeAsync()).State.ShouldBe(StrategyLifecycle.Running);
        (await strategy.StopAsync()).State.ShouldBe(StrategyLifecycle.Stopped);
        (await Should.ThrowAsync<ConflictException>(() => strategy.ResumeAsync())).Message.ShouldBe("strategy 'lifecycle' is stopped: only a paused strategy can resume");
        (await Should.ThrowAsync<ConflictException>(() => strategy.PauseAsync("late"))).Message.ShouldBe("strategy 'lifecycle' is stopped: only a running strategy can pause");
        (await strategy.SubmitAsync(Cross(id, "LIFE-ACC", symbol, version: 2))).Strategy.State.ShouldBe(StrategyLifecycle.Running, "a new version starts a stopped strategy");
        await strategy.StopAsync();
    }

    [Fact]
    public async Task A_failing_rule_pauses_its_strategy_and_no_other()
    {
        const string symbol = "FLAT1", account = "FLAT-ACC";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync(account);
        var broken = fixture.Client.GetGrain<IStrategyGrain>("broken-rule");
        var healthy = fixture.Client.GetGrain<IStrategyGrain>("healthy-rule");
        await broken.SubmitAsync(Cross("broken-rule", account, symbol) with { Features = [], Rules = new() { EntryLong = "close / (high - low) > 1" } });
        await healthy.SubmitAsync(Cross("healthy-rule", account, symbol) with { Features = [], Rules = new() { EntryLong = "flat and close > 0" } });

        // A flat price: every bar has high = low, so the broken rule divides by zero on the first bar.
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 60, TimeSpan.FromSeconds(10), _ => 100));
        await Eventually.True(async () => (await healthy.GetAsync())!.BarsSeen == 9, "the healthy strategy to see every bar");

        var pausedView = (await broken.GetAsync())!;
        pausedView.State.ShouldBe(StrategyLifecycle.Paused);
        pausedView.Reason.ShouldBe("FLAT1 bar 2026-01-05T00:00:00.0000000+00:00: rules.entryLong: at column 7: division by zero");
        pausedView.OrdersFilled.ShouldBe(0);
        var healthyView = (await healthy.GetAsync())!;
        (healthyView.State, healthyView.OrdersFilled, healthyView.Holdings[symbol].Quantity).ShouldBe((StrategyLifecycle.Running, 1L, 10m));
        (await AuditAsync(account, AuditKinds.StrategyLifecycle)).ShouldContain(r => r.GetProperty("state").GetString() == "Paused");
        await healthy.StopAsync();
        await broken.StopAsync();
    }

    [Fact]
    public async Task A_strategy_comes_back_after_its_activation_is_collected_and_keeps_trading()
    {
        const string symbol = "REACT1", account = "REACT-ACC", id = "reactivated";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync(account);
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(id);
        await strategy.SubmitAsync(Cross(id, account, symbol));
        await fixture.PublishAsync(symbol, Wave(symbol, 600));
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == 99, "the first 99 bars");
        var before = (await strategy.GetAsync())!;

        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        (await fixture.Client.GetGrain<IInstrumentGrain>(symbol).GetSnapshotAsync(0)).TickCount.ShouldBe(0, "the instrument was collected too: its derived data is gone");

        var after = (await strategy.GetAsync())!;
        (after.State, after.BarsSeen, after.OrdersFilled, after.SpecHash).ShouldBe((StrategyLifecycle.Running, before.BarsSeen, before.OrdersFilled, before.SpecHash));
        after.Holdings.ShouldBe(before.Holdings);
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.PublishAsync(symbol, Wave(symbol, 600, TickPaths.Start.AddSeconds(6000)));
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen > before.BarsSeen + 90, "bars after the reactivation");
        (await strategy.GetAsync())!.OrdersFilled.ShouldBeGreaterThan(before.OrdersFilled);
        await strategy.StopAsync();
    }

    [Fact]
    public async Task The_strategy_limits_refuse_orders_before_the_account_gate_and_say_which()
    {
        const string symbol = "THROT1", account = "THROT-ACC", id = "throttled";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync(account);
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(id);
        var events = await CollectEventsAsync(id, []);
        // Reverses on every bar of a zig-zag: far more than one order a minute of wall-clock time.
        await strategy.SubmitAsync(Cross(id, account, symbol) with
        {
            Features = [],
            Rules = new() { EntryLong = "close > prev(close)", EntryShort = "close < prev(close)" },
            Limits = new() { MaxOrdersPerMinute = 2 },
        });
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 120, TimeSpan.FromSeconds(10), i => i / 6 % 2 == 0 ? 100 : 101));
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == 19, "every bar");

        var view = (await strategy.GetAsync())!;
        view.OrdersFilled.ShouldBe(2);
        view.OrdersRejected.ShouldBe(view.Signals - 2);
        var rejected = await AuditAsync(account, AuditKinds.StrategyLimitRejected);
        rejected.Count.ShouldBe((int)view.OrdersRejected);
        rejected[0].GetProperty("decision").GetProperty("limit").GetString().ShouldBe(StrategyLimitCheck.MaxOrdersPerMinute);
        await Eventually.True(() => { lock (events) return Task.FromResult(events.Any(e => e.Kind == StrategyEventKinds.Risk)); }, "a risk event");
        lock (events) events.First(e => e.Kind == StrategyEventKinds.Risk).Message.ShouldStartWith("strategy_max_orders_per_minute: the strategy sent 2 orders");
        await strategy.StopAsync();
    }

    /// <summary>
    /// A signal an activation stored as pending and did not finish (its silo died after the given step) is finished
    /// once when the strategy comes back: the decision audited once, the order sent or found and booked, the limits'
    /// refusal recorded once, or, for a stale bar, an expiry record instead of a late order. State written before
    /// working signals were stored as <see cref="SignalOrder"/> (<paramref name="legacy"/>) is migrated and finished the same way.
    /// </summary>
    [Theory]
    [InlineData("stored", false, false)]
    [InlineData("filled", false, false)]
    [InlineData("stored", true, false)]
    [InlineData("refused", false, false)]
    [InlineData("filled", false, true)]
    [InlineData("stored", true, true)]
    [InlineData("refused", false, true)]
    public async Task A_signal_a_dead_activation_left_half_done_is_finished_once(string doneBeforeDeath, bool stale, bool legacy)
    {
        var id = $"pending-{doneBeforeDeath}-{(stale ? "stale" : "fresh")}{(legacy ? "-legacy" : "")}";
        var (symbol, account) = (id.ToUpperInvariant().Replace("-", ""), $"{id}-acc");
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync(account);
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(id);
        await strategy.SubmitAsync(Cross(id, account, symbol) with { Rules = new() { EntryLong = "close < 0" } });
        await fixture.PublishAsync(symbol, Wave(symbol, 60));
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == 9, "nine bars, no signal");
        await strategy.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        // What the dead activation had stored and done: the pending signal, then (for "filled") its decision and order.
        var clientOrderId = $"{id}-0-test";
        var audit = fixture.Client.GetGrain<IAuditStreamGrain>(account);
        var decision = AuditJson.Serialize(new { strategyId = id, symbol, target = 10m, clientOrderId });
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("Default");
        var stored = new GrainState<StrategyGrainState>();
        await storage.ReadStateAsync("strategy", strategy.GetGrainId(), stored);
        var pending = new SignalOrder(clientOrderId, TickPaths.Start.AddMinutes(9), 0, 10, null, 1,
            DateTimeOffset.UtcNow - (stale ? TimeSpan.FromHours(1) : TimeSpan.Zero), decision, "EnterLong: test (target 10)");
        if (doneBeforeDeath == "refused")
            pending = pending with { LimitRefusal = AuditJson.Serialize(new { strategyId = id, clientOrderId }), LimitMessage = "strategy_max_position: test" };
        if (legacy)
        {
            var flat = new StrategyHolding(0, 0, 0, null, null, null, 0, default, 0);
            stored.State!.Holdings = stored.State.Positions.ToDictionary(p => p.Key, p => StrategyHolding.Of(p.Value));
            stored.State.Positions.Clear();
            stored.State.Pending[symbol] = new PendingSignal(clientOrderId, pending.BarTime, flat, 10, null, null, null, 1, pending.SourcePublishedAt, decision,
                pending.SignalMessage, pending.LimitRefusal, pending.LimitMessage);
        }
        else stored.State!.Working[symbol] = pending;
        await storage.WriteStateAsync("strategy", strategy.GetGrainId(), stored);
        if (doneBeforeDeath == "filled")
        {
            await audit.AppendAsync(new AuditEntry(AuditKinds.Decision, decision, pending.AuditKey(AuditKinds.Decision)));
            var order = new OrderRequest(clientOrderId, account, symbol, OrderSide.Buy, 10, OrderType.Market, null, id, null, TimeInForce.Ioc, Venue: "paper");
            (await fixture.Client.GetGrain<IRiskGrain>(account).SubmitOrderAsync(order)).Order.FilledQuantity.ShouldBe(10);
        }

        var view = (await strategy.GetAsync())!; // activates it
        var records = (await audit.ReadAsync(1, 1000)).Where(r => r.Payload.Contains(clientOrderId)).Select(r => r.Kind).ToList();
        records.Count(k => k == AuditKinds.Decision).ShouldBe(1, "the decision is audited exactly once");
        var placed = await fixture.Client.GetGrain<IOrderGrain>(OrderView.IdFor(account, clientOrderId)).GetAsync();
        var position = (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.SingleOrDefault()?.Position.Quantity ?? 0;
        if (stale || doneBeforeDeath == "refused")
        {
            placed.ShouldBeNull("a stale or refused signal sends nothing");
            records.Count(k => k == (stale ? AuditKinds.SignalExpired : AuditKinds.StrategyLimitRejected)).ShouldBe(1);
            (view.Holdings.GetValueOrDefault(symbol)?.Quantity ?? 0, position).ShouldBe((0m, 0m));
        }
        else
        {
            placed!.FilledQuantity.ShouldBe(10);
            records.Count(k => k == AuditKinds.OrderAccepted).ShouldBe(1);
            records.Count(k => k == AuditKinds.Fill).ShouldBe(1, "one fill record (it names the order, whose id holds the client order id)");
            (view.Holdings[symbol].Quantity, position, view.OrdersFilled).ShouldBe((10m, 10m, 1L), "the fill is booked once, in the holding and the account");
        }
        await storage.ReadStateAsync("strategy", strategy.GetGrainId(), stored);
        stored.State!.Pending.ShouldBeEmpty();
        stored.State!.Working.ShouldBeEmpty();
        await strategy.StopAsync();
    }
}
