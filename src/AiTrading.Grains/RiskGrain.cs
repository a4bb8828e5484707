using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.Audit;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("risk-state")]
public sealed class RiskState
{
    // Ids 0 and 1 held the limits (now the account's, in its registry entry) and the kill switch's reason; they stay retired.
    /// <summary>Working orders kept by id alone, as before <see cref="Working"/>; the gate reads them once and moves them there.</summary>
    [Id(2)] public HashSet<string> WorkingOrders { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public KillSwitchState? KillSwitch { get; set; }
    /// <summary>Orders this gate placed that were still working when it last looked, by order id: they count toward the limits, and the kill switch cancels them.</summary>
    [Id(4)] public Dictionary<string, RestingOrder> Working { get; set; } = new(StringComparer.Ordinal);
    /// <summary>
    /// The open brackets of entries this gate placed, by entry order id: what their legs may still take off the position
    /// (one order per bracket, the legs being one-cancels-other). They count toward the limits; the kill switch leaves them.
    /// </summary>
    [Id(5)] public Dictionary<string, RestingOrder> Brackets { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The only way to an order: validates, de-duplicates by client order id, checks the account's limits against
/// the live quote and the portfolio, audits every rejection and hands approved orders to their order grain.
/// Orders of one account are checked one at a time, so each check sees the fills of the orders before it.
/// A cancel/replace passes the checks again. Engaging the kill switch (by hand, or by a drawdown beyond the limit)
/// cancels the working orders this gate placed; bracket legs stay to protect the positions (they count toward the
/// limits, once per bracket, until they are done).
/// The account's currency and limits come from its registry entry (<see cref="IAccountGrain"/>), read once per
/// activation and handed over again when they change; an account that does not exist gets no order. The global
/// kill switch is read on activation and pushed to every account's gate when it changes, so it costs no call per order.
/// </summary>
public sealed class RiskGrain(
    [PersistentState("risk")] IPersistentState<RiskState> state,
    [PersistentState("portfolio")] IPersistentState<PortfolioState> portfolio,
    IOptions<TradingOptions> options,
    VenueRegistry venues,
    TimeProvider clock) : Grain, IRiskGrain, IPortfolioGrain
{
    /// <summary>Who engages the kill switch on a drawdown beyond the limit.</summary>
    public const string SystemPrincipal = "system";

    /// <summary>How many recent client order ids a gate remembers.</summary>
    public const int RememberedOrders = 4096;

    private OrderRateLimiter? _throttle;
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
    private readonly Queue<string> _placedOrder = new();
    private MarketPrices? _prices;
    private MarketPrices Prices => _prices ??= new MarketPrices(GrainFactory);
    private AccountBook? _book;
    private WorkingOrders? _working;
    private WorkingOrders Working => _working ??= new WorkingOrders(state.State, GrainFactory);
    private AccountBook Book => _book ??= new AccountBook(portfolio, GrainFactory, options.Value.FillIdWindow);
    private readonly Dictionary<string, Core.MarketData.InstrumentSpec> _specs = new(StringComparer.Ordinal);

    private AccountRecord? _account;
    private KillSwitchState _global = KillSwitchState.Off;
    private RiskLimits? _limits;

    private string Account => this.GetPrimaryKeyString();
    private KillSwitchState OwnSwitch => state.State.KillSwitch ?? KillSwitchState.Off;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _global = await GrainFactory.Ref<IKillSwitchGrain>(KillSwitches.Global).GetAsync();
        _account = await GrainFactory.Ref<IAccountGrain>(Account).GetRecordAsync();
        TradingMetrics.ReportKillSwitch(this, Account, OwnSwitch.Engaged || _global.Engaged);
    }

    /// <summary>The account's entry; one that did not exist at activation is looked up again (it may have been opened since).</summary>
    private async ValueTask<AccountRecord> RequireAccountAsync()
    {
        if (_account is null)
        {
            _account = await GrainFactory.Ref<IAccountGrain>(Account).GetRecordAsync() ?? throw new NotFoundException("account", Account);
            _limits = null;
        }
        return _account;
    }

    /// <summary>The account's limits with the kill switch engaged while the account's own or the global one is.</summary>
    private async ValueTask<RiskLimits> LimitsAsync() =>
        _limits ??= (await RequireAccountAsync()).Limits with { KillSwitch = OwnSwitch.Engaged || _global.Engaged };

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        TradingMetrics.ForgetKillSwitch(this);
        return Task.CompletedTask;
    }

    public async Task<OrderSubmission> SubmitOrderAsync(OrderRequest request)
    {
        request.EnsureValid();
        if (request.Account != Account)
            throw new ValidationException("account", $"order is for account '{request.Account}' but was sent to the risk gate of '{Account}'");
        await RequireAccountAsync();

        var venue = venues.Require(request);

        var orderId = OrderView.IdFor(Account, request.ClientOrderId);
        var order = GrainFactory.Ref<IOrderGrain>(orderId);
        // A retry of an order this activation placed is answered without a second check; the order grain recognises
        // the others (placed before this activation) itself.
        if (_placed.Contains(request.ClientOrderId) && await order.GetAsync() is { } existing) return OrderSubmission.Repeated(existing, request);

        var (decision, quote, rate, resting) = await CheckAsync(request);
        var submission = await order.PlaceAsync(request, decision, new OrderRouting(venue, quote, rate)); // the order audits a rejection
        Remember(request.ClientOrderId);
        if (!submission.Duplicate && decision.Approved && !submission.Order.ToOrder().IsTerminal) await TrackWorkingAsync(submission.Order.OrderId, resting);
        else if (!submission.Duplicate && submission.Order is { Request.Bracket: not null, FilledQuantity: > 0 }) await TrackBracketAsync(submission.Order, rate);
        return submission;
    }

    /// <summary>Client order ids this activation placed, newest last, so a quick retry costs no check.</summary>
    private void Remember(string clientOrderId)
    {
        if (!_placed.Add(clientOrderId)) return;
        _placedOrder.Enqueue(clientOrderId);
        if (_placedOrder.Count > RememberedOrders) _placed.Remove(_placedOrder.Dequeue());
    }


    public async Task<OrderSubmission> ReplaceOrderAsync(string orderId, decimal quantity, decimal? limitPrice, decimal? stopPrice)
    {
        await RequireAccountAsync();
        var order = GrainFactory.Ref<IOrderGrain>(orderId);
        var existing = await order.GetAsync() ?? throw new NotFoundException("order", orderId);
        if (existing.Request.Account != Account)
            throw new ValidationException("orderId", $"order '{orderId}' belongs to account '{existing.Request.Account}', not '{Account}'");
        var changed = existing.Request with { Quantity = quantity, LimitPrice = limitPrice, StopPrice = stopPrice };
        var errors = changed.Validate().ToList();
        if (quantity <= existing.FilledQuantity) errors.Add(new("quantity", $"must be more than the {existing.FilledQuantity} already filled (got {quantity})"));
        if (errors.Count > 0) throw new ValidationException(errors);
        if (existing.ToOrder().IsTerminal)
            throw new ConflictException($"order '{orderId}' is {existing.Status.ToString().ToLowerInvariant()}: only a working order can be replaced");

        // What is still to fill after the change is checked as if it were a new order.
        var (decision, _, _, _) = await CheckAsync(changed with { Quantity = quantity - existing.FilledQuantity }, orderId);
        if (!decision.Approved)
        {
            TradingMetrics.RecordRiskRejection(decision);
            await AuditJson.AppendAsync(GrainFactory, Account, AuditKinds.RiskRejected, new { orderId, replace = new { quantity, limitPrice, stopPrice }, decision });
            return new OrderSubmission(existing, decision, Duplicate: false);
        }
        return new OrderSubmission(await order.ReplaceAsync(quantity, limitPrice, stopPrice), decision, Duplicate: false);
    }

    public async Task<RiskLimits> GetLimitsAsync() => await LimitsAsync();

    public async Task ApplyFillsAsync(IReadOnlyList<Fill> fills, decimal? quoteToAccountRate)
    {
        var book = Book.Open(await RequireAccountAsync());
        try
        {
            await Book.ApplyFillsAsync(book, fills, quoteToAccountRate);
        }
        catch
        {
            // The book in memory has the fill, storage may not: a retry must meet the stored book, not take this one's word.
            DeactivateOnIdle();
            throw;
        }
    }

    public async Task<PortfolioValuation> GetValuationAsync() => await Book.ValueAsync(Book.Open(await RequireAccountAsync()), clock.GetUtcNow());

    public async Task<PortfolioStatement> GetStatementAsync() => PortfolioStatement.Of(await GetValuationAsync(), await LimitsAsync());

    public Task<KillSwitchState> GetKillSwitchAsync() => Task.FromResult(OwnSwitch);

    public Task OnAccountChangedAsync(AccountRecord account)
    {
        if (account.Account != Account) throw new ValidationException("account", $"must be '{Account}' (got '{account.Account}')");
        _account = account;
        _limits = null;
        return Task.CompletedTask;
    }

    public async Task SetKillSwitchAsync(bool engaged, string reason, string by)
    {
        reason = AccountRules.RequireReason(reason);
        state.State.KillSwitch = new KillSwitchState(engaged, reason, by, clock.GetUtcNow());
        _limits = null;
        await state.WriteStateAsync();
        TradingMetrics.ReportKillSwitch(this, Account, engaged || _global.Engaged);
        await AuditJson.AppendAsync(GrainFactory, Account, AuditKinds.KillSwitch, new { scope = "account", engaged, reason, by });
        if (engaged) await CancelWorkingAsync($"kill switch: {reason}");
    }

    public async Task OnGlobalKillSwitchAsync(KillSwitchState global)
    {
        var engaging = global.Engaged && !_global.Engaged;
        _global = global;
        TradingMetrics.ReportKillSwitch(this, Account, global.Engaged || OwnSwitch.Engaged);
        _limits = null;
        if (engaging) await CancelWorkingAsync($"global kill switch: {global.Reason}");
    }

    private async Task CancelWorkingAsync(string reason)
    {
        await Working.CancelAllAsync(reason);
        await state.WriteStateAsync();
    }

    /// <summary>Remembers a working order the gate placed, as the check approved it.</summary>
    private async Task TrackWorkingAsync(string orderId, RestingOrder? approved)
    {
        await Working.TrackAsync(orderId, approved);
        await state.WriteStateAsync();
    }

    /// <summary>Remembers the bracket of an entry that filled at once: its legs are working now, though the entry is not.</summary>
    private async Task TrackBracketAsync(OrderView entry, decimal? rate)
    {
        if (Working.TrackBracket(entry, rate ?? 0m)) await state.WriteStateAsync();
    }

    /// <summary>
    /// The verdict on an order, what the order's route may reuse of what the check read (the quote, the rate of the
    /// quote currency into the account's), and the order as it would rest when approved. <paramref name="replacing"/>
    /// names the order a replace changes (a bracket leg's id is not derived from its client order id).
    /// </summary>
    private async Task<(RiskDecision Decision, Core.MarketData.Quote? Quote, decimal? Rate, RestingOrder? Resting)> CheckAsync(OrderRequest request, string? replacing = null)
    {
        if (_global.Engaged)
            return (RiskDecision.Reject(RiskLimitNames.KillSwitch, $"the global kill switch is engaged ({_global.Reason}): no new orders", 1, 0), null, null, null);
        var account = await RequireAccountAsync();
        var instrument = GrainFactory.Ref<IInstrumentGrain>(request.Symbol);
        if (!_specs.TryGetValue(request.Symbol, out var spec)) _specs[request.Symbol] = spec = await instrument.GetSpecAsync();
        var quote = await instrument.GetQuoteAsync();
        if (quote is null)
            return (RiskDecision.Reject(RiskLimitNames.MarketData, $"no quote for {request.Symbol} yet: cannot price the order", 0, 0), null, null, null);

        var currency = account.Currency;
        var quotes = await Prices.LoadAsync([], [(spec.QuoteCurrency, currency), (spec.BaseCurrency, currency)],
            new Dictionary<string, Core.MarketData.Quote>(StringComparer.Ordinal) { [request.Symbol] = quote });
        var mids = MarketPrices.MidsOf(quotes);
        var rate = FxConverter.TryRate(spec.QuoteCurrency, currency, mids);
        if (rate is null)
            return (RiskDecision.Reject(RiskLimitNames.MarketData, $"no quote to convert {spec.QuoteCurrency} into {currency}", 0, 0), null, null, null);

        var touch = (decimal)(request.Side == OrderSide.Buy ? quote.Ask : quote.Bid);
        var pricing = new OrderPricing(request.LimitPrice ?? request.StopPrice ?? touch, (decimal)quote.Mid, request.LimitPrice ?? request.StopPrice, spec.BaseCurrency, spec.QuoteCurrency,
            FxConverter.TryRate(spec.BaseCurrency, currency, mids) ?? 0m, rate.Value);
        var exposure = await Book.ExposureAsync(Book.Open(account), request.Symbol, clock.GetUtcNow(), quote);
        var limits = await LimitsAsync();
        if (_throttle?.Limit != limits.MaxOrdersPerSecond) _throttle = new OrderRateLimiter(limits.MaxOrdersPerSecond, TimeSpan.FromSeconds(1));
        var orderId = replacing ?? OrderView.IdFor(Account, request.ClientOrderId);
        var working = await Working.ExposureAsync(request, orderId, quote, rate.Value, everywhere: false);
        var decision = PreTradeRisk.Check(request, limits, exposure, pricing, _throttle, clock.GetUtcNow(), working);
        if (decision.Limit == RiskLimitNames.Margin && working.OtherNotional > 0)
        {
            // Working orders in other instruments count as last seen; before refusing on them, see how they stand now.
            working = await Working.ExposureAsync(request, orderId, quote, rate.Value, everywhere: true);
            decision = PreTradeRisk.Check(request, limits, exposure, pricing, _throttle, clock.GetUtcNow(), working);
        }
        var resting = decision.Approved ? new RestingOrder(request.Symbol, request.Side, request.Quantity, pricing.ReferencePrice, rate.Value) : null;
        // A replaced order counts with its new terms from now on (until its order grain is read again).
        if (resting is not null && state.State.Working.ContainsKey(orderId)) state.State.Working[orderId] = resting;
        if (decision.Limit == RiskLimitNames.MaxDrawdown && !limits.KillSwitch)
            await SetKillSwitchAsync(true, $"automatic: {decision.Message}", SystemPrincipal);
        return (decision, quote, rate, resting);
    }
}
