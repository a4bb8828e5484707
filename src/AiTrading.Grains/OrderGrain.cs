using System.Diagnostics;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Core.Audit;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("order-state")]
public sealed class OrderState
{
    [Id(0)] public OrderView? Order { get; set; }
    [Id(1)] public string? Venue { get; set; }
    /// <summary>For a bracket leg: the entry order it protects.</summary>
    [Id(2)] public string? ParentOrderId { get; set; }
    /// <summary>Grows with each stored step; names the step's audit record (its idempotency key).</summary>
    [Id(3)] public long Revision { get; set; }
    /// <summary>What the stored steps still owe: audit records and fills for the portfolio, done in order; redone on activation.</summary>
    [Id(4)] public List<OrderEffect> Effects { get; set; } = [];
    /// <summary>Accepted and stored, but the venue's answer to the submission is not (yet): asked again on activation.</summary>
    [Id(5)] public bool AwaitingVenue { get; set; }
}

/// <summary>
/// Something a stored order step owes the rest of the system: its audit record (keyed, so doing it twice stores it
/// once) and, for a fill, the portfolio's booking (which ignores a fill id it has).
/// </summary>
[GenerateSerializer, Immutable, Alias("order-effect")]
public sealed record OrderEffect([property: Id(0)] AuditEntry Audit, [property: Id(1)] Fill? Fill = null);

/// <summary>
/// One order's lifecycle. Its intent is stored before any venue hears of it; each later step does what it owes (its
/// audit record, a fill's booking in the account's book) and is then stored, in one write. Audit records are keyed and
/// the book knows its recent fill ids, so a step redone after a crash (the venue asked again, a report delivered
/// again) stores nothing twice; a step whose effects failed is stored owing them and finished by the order itself. A
/// fill is audited before the book takes it, so every position change has its audit record. Reports come from the venue's
/// book: at once when the order is placed, cancelled or replaced, and later as the market reaches it; each is
/// applied once (a fill by its id, a terminal report only to a working order). Bracket legs start here when the
/// book reports them opened. An order is activated where it is first called (its account's gate, or the venue for a
/// bracket leg), so the calls of its placement stay inside one silo and no placement decision is weighed per order.
/// </summary>
[PreferLocalPlacement]
public sealed class OrderGrain(
    [PersistentState("order")] IPersistentState<OrderState> state,
    VenueRegistry venues,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain
{
    private string OrderId => this.GetPrimaryKeyString();

    private IGrainTimer? _retry;
    /// <summary>The steps in memory are newer than the stored ones (their write failed after their effects were done).</summary>
    private bool _unstored;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => FinishOwedAsync();

    /// <summary>
    /// Does what stored steps still owe: their effects (maybe done before the previous activation ended or a call failed:
    /// doing them again is a no-op then), stored as done afterwards, and the venue's answer to a stored submission.
    /// </summary>
    private async Task FinishOwedAsync()
    {
        if (state.State.Effects.Count > 0 || _unstored)
        {
            await PerformEffectsAsync();
            await state.WriteStateAsync();
            _unstored = false;
        }
        if (state.State is { AwaitingVenue: true, Order: { } order } && !order.ToOrder().IsTerminal)
        {
            logger.LogInformation("Order {OrderId} was stored before the venue answered; asking it again", OrderId);
            await SendToVenueAsync(order.ToOrder());
        }
    }

    /// <summary>
    /// A step whose effects failed (the audit stream's or portfolio's silo died, a write failed) is finished by the order
    /// itself: its callers learn of the step from its stored state (a retried submission is answered as a duplicate, a
    /// redelivered fill is known), so nobody else asks again. Retried each second, keeping the order in memory, until done.
    /// </summary>
    private void RetryOwedSoon() => _retry ??= this.RegisterGrainTimer(async _ =>
    {
        try
        {
            await FinishOwedAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Order {OrderId} could not finish what its stored steps owe; retrying", OrderId);
            return;
        }
        _retry?.Dispose();
        _retry = null;
        if (state.State.Order is { } order) ReleaseIfFinished(order.ToOrder());
    }, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });

    public Task<OrderView?> GetAsync() => Task.FromResult(state.State.Order);

    public async Task<OrderSubmission> PlaceAsync(OrderRequest request, RiskDecision decision, OrderRouting routing)
    {
        if (state.State.Order is { } existing) return OrderSubmission.Repeated(existing, request);
        var order = new Order(OrderId, request, clock.GetUtcNow());
        if (!decision.Approved)
        {
            order.Reject($"{decision.Limit}: {decision.Message}", order.CreatedAt);
            state.State.Order = OrderView.From(order, decision);
            Stage(order, AuditKinds.RiskRejected, new { orderId = OrderId, request, decision });
            await CommitAsync(order);
            TradingMetrics.RecordRiskRejection(decision);
            TradingMetrics.RecordOrder(TradingMetrics.OrderOutcomes.RiskRejected, routing.Venue);
            return new OrderSubmission(state.State.Order, decision, Duplicate: false);
        }
        order.Accept(order.CreatedAt);
        state.State.Venue = routing.Venue;
        state.State.AwaitingVenue = true;
        Stage(order, AuditKinds.OrderAccepted, new { orderId = OrderId, venue = routing.Venue, request });
        try
        {
            // The intent is stored before any venue hears of it; its audit record goes out with the venue's answer.
            await state.WriteStateAsync();
        }
        catch
        {
            RetryOwedSoon();
            throw;
        }
        TradingMetrics.RecordOrder(TradingMetrics.OrderOutcomes.Accepted, routing.Venue);
        await SendToVenueAsync(order, routing.Quote, routing.QuoteToAccountRate);
        return new OrderSubmission(state.State.Order!, decision, Duplicate: false);
    }

    /// <summary>Submits the order and stores what the venue answered as one step with everything it owes.</summary>
    private async Task SendToVenueAsync(Order order, Quote? quote = null, decimal? quoteToAccountRate = null)
    {
        var venue = state.State.Venue ?? TradingOptions.PaperVenue;
        IReadOnlyList<ExecutionReport> reports;
        try
        {
            var sent = Stopwatch.GetTimestamp();
            reports = await SubmitToVenueAsync(order.Request, quote);
            TradingMetrics.OrderAck.RecordElapsed(sent, TradingMetrics.Tag("venue", venue));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Venue {Venue} failed on order {OrderId}", venue, OrderId);
            reports = [new ExecutionReport(OrderId, ExecutionKind.Rejected, clock.GetUtcNow(), Reason: $"venue '{venue}' failed: {e.Message}")];
        }
        state.State.AwaitingVenue = false;
        foreach (var report in reports) Apply(order, report);
        await CommitAsync(order, quoteToAccountRate);
    }

    public async Task OnExecutionAsync(ExecutionReport report)
    {
        if (report.OrderId != OrderId) throw new ArgumentException($"report for '{report.OrderId}' sent to order '{OrderId}'", nameof(report));
        if (state.State.Order is null)
        {
            if (report is not { Kind: ExecutionKind.Opened, Request: { } legRequest }) return;
            var leg = new Order(OrderId, legRequest, report.Time);
            leg.Accept(report.Time);
            state.State.ParentOrderId = report.ParentOrderId;
            state.State.Venue = TradingOptions.PaperVenue;
            Stage(leg, AuditKinds.OrderAccepted, new { orderId = OrderId, parentOrderId = report.ParentOrderId, reason = report.Reason, request = legRequest });
            await CommitAsync(leg);
            TradingMetrics.RecordOrder(TradingMetrics.OrderOutcomes.Accepted, TradingOptions.PaperVenue);
            return;
        }
        var order = state.State.Order.ToOrder();
        if (Apply(order, report)) await CommitAsync(order);
    }

    public async Task<OrderView> CancelAsync(string reason)
    {
        Bounds.RequireReason("reason", reason);
        var current = state.State.Order ?? throw new NotFoundException("order", OrderId);
        if (current.ToOrder().IsTerminal) return current;
        if (await Book(current.Request.Symbol).CancelAsync(OrderId, reason) is { } report)
        {
            var order = current.ToOrder();
            if (Apply(order, report)) await CommitAsync(order);
        }
        return state.State.Order!;
    }

    public async Task<OrderView> ReplaceAsync(decimal quantity, decimal? limitPrice, decimal? stopPrice)
    {
        var current = state.State.Order ?? throw new NotFoundException("order", OrderId);
        var order = current.ToOrder();
        if (order.IsTerminal) throw new ConflictException($"order '{OrderId}' is {current.Status.ToString().ToLowerInvariant()}: only a working order can be replaced");
        order.Replace(quantity, limitPrice, stopPrice, clock.GetUtcNow()); // validates before the venue hears of it
        var reports = await Book(current.Request.Symbol).ReplaceAsync(OrderId, quantity, limitPrice, stopPrice);
        if (reports.Count == 0) throw new ConflictException($"order '{OrderId}' is no longer working at the venue (it may just have filled)");
        order = current.ToOrder();
        var changed = false;
        foreach (var report in reports) changed |= Apply(order, report);
        if (changed) await CommitAsync(order);
        return state.State.Order!;
    }

    /// <summary>
    /// A failed call may have placed the order all the same: the book keeps each submission's answer, so asking again
    /// returns it (or places the order once, if the first call never arrived).
    /// </summary>
    private async Task<IReadOnlyList<ExecutionReport>> SubmitToVenueAsync(OrderRequest request, Quote? quote)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Book(request.Symbol).SubmitAsync(OrderId, request, quote);
            }
            catch (Exception e) when (attempt < 3 && e is TimeoutException or OrleansMessageRejectionException or SiloUnavailableException)
            {
                logger.LogWarning(e, "Submitting {OrderId} to the venue failed (attempt {Attempt}); asking again", OrderId, attempt);
            }
        }
    }

    private IExecutionVenue Book(string symbol) => venues.Route(GrainFactory, state.State.Venue ?? TradingOptions.PaperVenue, symbol);

    /// <summary>Applies a venue report to the order (<see cref="OrderSteps"/>) and stages the step it makes; false when it changes nothing.</summary>
    private bool Apply(Order order, ExecutionReport report)
    {
        if (OrderSteps.Apply(order, report) is not { } step) return false;
        Stage(order, step.Kind, step.Payload, step.Fill);
        var venue = state.State.Venue ?? TradingOptions.PaperVenue;
        if (step.Fill is not null) TradingMetrics.Fills.Add(1, TradingMetrics.Tag("venue", venue));
        var outcome = step.VenueRefused ? TradingMetrics.OrderOutcomes.VenueRejected
            : step.Kind == AuditKinds.OrderCancelled ? TradingMetrics.OrderOutcomes.Cancelled
            : step.Kind == AuditKinds.OrderExpired ? TradingMetrics.OrderOutcomes.Expired
            : step.Fill is not null && order.Status == OrderStatus.Filled ? TradingMetrics.OrderOutcomes.Filled
            : null;
        if (outcome is not null) TradingMetrics.RecordOrder(outcome, venue);
        return true;
    }

    /// <summary>Adds a step to the order: its new state and the audit record it owes (and a fill's booking), keyed so doing it twice stores it once.</summary>
    private void Stage(Order order, string kind, object payload, Fill? fill = null)
    {
        state.State.Revision++;
        var key = fill is null ? $"{kind}:{OrderId}:{state.State.Revision}" : $"{kind}:{fill.FillId}";
        state.State.Effects.Add(new OrderEffect(new AuditEntry(kind, AuditJson.Serialize(payload), key), fill));
        state.State.Order = OrderView.From(order, state.State.Order?.RiskRejection);
    }

    /// <summary>
    /// Does what the staged steps owe (their audit records, then their fills' booking), then stores the steps as done,
    /// in one write. Doing first is safe because each effect happens once however often it is done (keyed audit records,
    /// fill ids the book knows) and the step is redone if the write never happened: the venue's answer to a submission
    /// is asked for again (the stored intent awaits it), a later report is delivered again until the order takes it.
    /// If an effect fails, the steps are stored owing what is left, and the order finishes it itself.
    /// </summary>
    private async Task CommitAsync(Order order, decimal? quoteToAccountRate = null)
    {
        state.State.Order = OrderView.From(order, state.State.Order?.RiskRejection);
        try
        {
            await PerformEffectsAsync(quoteToAccountRate);
        }
        catch
        {
            await StoreOwedAsync();
            throw;
        }
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            _unstored = true;
            RetryOwedSoon();
            throw;
        }
        ReleaseIfFinished(order);
    }

    /// <summary>Stores the steps with the effects still owed, for the retry (or the next activation) to finish.</summary>
    private async Task StoreOwedAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _unstored = true;
            logger.LogWarning(e, "Order {OrderId} could not store the steps it still owes; retrying", OrderId);
        }
        finally
        {
            RetryOwedSoon();
        }
    }

    /// <summary>
    /// A finished order with nothing owed leaves memory once idle after its last step; its storage still answers for it.
    /// (Not on activation: a read of a finished order would deactivate each activation its own message is forwarded to.)
    /// </summary>
    private void ReleaseIfFinished(Order order)
    {
        if (order.IsTerminal && state.State.Effects.Count == 0) this.DeactivateOnIdle();
    }

    /// <summary>Appends the owed audit records in one call, then books the owed fills in one call.</summary>
    private async Task PerformEffectsAsync(decimal? quoteToAccountRate = null)
    {
        var effects = state.State.Effects;
        if (effects.Count == 0) return;
        var account = state.State.Order!.Request.Account;
        foreach (var audits in effects.Select(e => e.Audit).Chunk(AuditStreamGrain.MaxAppendBatch))
            await GrainFactory.Ref<IAuditStreamGrain>(account).AppendManyAsync(audits);
        var fills = effects.Where(e => e.Fill is not null).Select(e => e.Fill!).ToList();
        if (fills.Count > 0) await GrainFactory.Ref<IPortfolioGrain>(account).ApplyFillsAsync(fills, quoteToAccountRate);
        effects.Clear();
    }
}
