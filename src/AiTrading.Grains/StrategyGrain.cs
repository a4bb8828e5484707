using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Audit;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("strategy-grain-state")]
public sealed class StrategyGrainState
{
    [Id(0)] public StrategySpec? Spec { get; set; }
    [Id(1)] public string? SpecHash { get; set; }
    [Id(2)] public StrategyLifecycle State { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public Dictionary<string, StrategyHolding> Holdings { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public long BarsSeen { get; set; }
    [Id(6)] public long Signals { get; set; }
    [Id(7)] public long OrdersFilled { get; set; }
    [Id(8)] public long OrdersRejected { get; set; }
    [Id(9)] public StrategyEvent? LastEvent { get; set; }
    [Id(10)] public long EventSequence { get; set; }
    [Id(11)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(12)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Per instrument, the client order id whose fill the holding last booked (a redelivered bar books nothing twice).</summary>
    [Id(13)] public Dictionary<string, string> LastOrders { get; set; } = new(StringComparer.Ordinal);
    /// <summary>
    /// Per instrument and timeframe ("EURUSD:M1"), the open time of the last bar handled. Instruments rebuild their
    /// bars after a restart and a persistent stream replays ticks behind its committed offsets, so bars this strategy
    /// already decided on come again; they are skipped rather than decided (and audited) twice.
    /// </summary>
    [Id(14)] public Dictionary<string, DateTimeOffset> LastBars { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Per instrument, the signal being acted on: stored before its decision is audited, removed with the holding it produced.</summary>
    [Id(15)] public Dictionary<string, PendingSignal> Pending { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A position change the strategy decided and has not finished acting on: its decision record, the strategy limits'
/// refusal if they refused it, and what is needed to send (or find) its order and book the fill, so a strategy whose
/// silo dies half-way finishes it once on activation. Its audit records are keyed by the client order id, so doing
/// them again stores them once.
/// </summary>
[GenerateSerializer, Immutable, Alias("strategy-pending-signal")]
public sealed record PendingSignal(
    [property: Id(0)] string ClientOrderId,
    [property: Id(1)] DateTimeOffset BarTime,
    [property: Id(2)] StrategyHolding Holding,
    [property: Id(3)] decimal TargetPosition,
    [property: Id(4)] decimal? StopLoss,
    [property: Id(5)] decimal? TakeProfit,
    [property: Id(6)] decimal? TrailingStop,
    [property: Id(7)] decimal? QuoteToAccountRate,
    [property: Id(8)] DateTimeOffset SourcePublishedAt,
    [property: Id(9)] string Decision,
    [property: Id(10)] string SignalMessage,
    [property: Id(11)] string? LimitRefusal,
    [property: Id(12)] string? LimitMessage)
{
    public ProtectiveLevels? Protection => StopLoss is null && TakeProfit is null && TrailingStop is null ? null : new(StopLoss, TakeProfit, TrailingStop);

    public decimal Delta => TargetPosition - Holding.Quantity;

    public string AuditKey(string kind) => $"{kind}:{ClientOrderId}";
}

/// <summary>
/// One submitted strategy: keeps its spec and lifecycle, runs a Core <see cref="StrategyEngine"/> per instrument
/// on the closed bars of its timeframe (warmed on the instrument's recent bars at start), gates entries on its
/// models (<see cref="StrategyPredictions"/>), sends the engine's position changes through its own limits and the
/// account's risk gate, books what filled, and reports every step on its event stream and in the account's audit
/// stream. A rule that fails pauses the strategy with the reason; while paused the engines keep reading bars, so
/// features stay warm, but no order is sent. Client order ids derive from the strategy, the instrument and the bar,
/// so a redelivered bar orders nothing twice, and a signal is stored (<see cref="PendingSignal"/>) before it is
/// acted on, so one cut short by a silo's death is finished once.
/// </summary>
public sealed class StrategyGrain(
    [PersistentState("strategy")] IPersistentState<StrategyGrainState> state,
    IOptions<TradingOptions> options,
    TimeProvider clock,
    ILogger<StrategyGrain> logger) : Grain, IStrategyGrain
{
    public const int LatencySamples = 4096;
    private static readonly KeyValuePair<string, object?> BarsStream = TradingMetrics.Tag("stream", StreamNames.Bars);

    private readonly Queue<double> _latencies = new();
    private readonly Dictionary<string, Runner> _runners = new(StringComparer.Ordinal);
    private StrategyProgram? _program;
    private StrategyPredictions? _predictions;
    private IGrainTimer? _retry;
    private OrderRateLimiter? _throttle;
    private IAsyncStream<StrategyEvent>? _events;

    private string StrategyId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _events = this.GetStreamProvider(StreamNames.Provider).GetStream<StrategyEvent>(StreamNames.StrategyEvents, StrategyId);
        await FinishAllPendingAsync();
        if (state.State is { Spec: { } spec, State: StrategyLifecycle.Running or StrategyLifecycle.Paused })
        {
            try
            {
                var program = StrategyProgram.Compile(spec, LiveStrategyCatalog.For(spec.Instruments, await RegisteredModelsAsync()));
                await StartEnginesAsync(program, await StrategyPredictions.CreateAsync(GrainFactory, program, StrategyId, logger));
            }
            catch (Exception e) when (e is ValidationException or InvalidRequestException or ResourceNotFoundException or ConflictException)
            {
                // What passed at submission no longer holds (an instrument is gone): keep the strategy, paused, with why.
                await ChangeStateAsync(StrategyLifecycle.Paused, $"cannot restart: {e.Message}");
            }
        }
    }

    public async Task<StrategySubmission> SubmitAsync(StrategySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = spec.Normalized();
        if (spec.Id != StrategyId) throw new ValidationException("id", $"must be '{StrategyId}' (got '{spec.Id}')");
        var program = StrategyProgram.Compile(spec, await CatalogAsync(spec));
        await ServeTimeframeAsync(program); // an instrument that cannot build the timeframe refuses before anything is stored
        var hash = spec.ContentHash();
        var now = clock.GetUtcNow();

        if (state.State.Spec is { } current)
        {
            if (state.State.SpecHash == hash) return new(View(), Duplicate: true);
            if (spec.Account != current.Account)
                throw new ValidationException("account", $"must stay '{current.Account}': the strategy's positions are held in that account (got '{spec.Account}')");
            if (spec.Version <= current.Version)
                throw new ConflictException($"strategy '{StrategyId}' version {current.Version} exists with different content; " +
                                            $"submit version {current.Version + 1} or higher to replace it");
        }
        if (await GrainFactory.GetGrain<IAccountGrain>(spec.Account).GetRecordAsync() is null) throw new NotFoundException("account", spec.Account);
        // Models that cannot serve the spec refuse it before anything is stored.
        var predictions = await StrategyPredictions.CreateAsync(GrainFactory, program, StrategyId, logger);
        if (state.State.Spec is { } replaced)
        {
            await StopEnginesAsync();
            state.State.Spec = spec;
            state.State.SpecHash = hash;
            await RecordLifecycleAsync($"version {spec.Version} replaces version {replaced.Version}");
        }
        else
        {
            state.State.Spec = spec;
            state.State.SpecHash = hash;
            state.State.SubmittedAt = now;
            state.State.State = StrategyLifecycle.Validated;
            await RecordLifecycleAsync($"version {spec.Version} submitted and validated");
            await GrainFactory.GetGrain<INameIndexGrain>(NameIndexes.Strategies).RegisterAsync(StrategyId);
        }
        await StartEnginesAsync(program, predictions);
        await ChangeStateAsync(StrategyLifecycle.Running, null);
        return new(View(), Duplicate: false);
    }

    public Task<StrategyView?> GetAsync() => Task.FromResult(state.State.Spec is null ? null : View());

    public async Task<StrategyView> PauseAsync(string reason)
    {
        RequireSubmitted();
        Bounds.RequireReason("reason", reason);
        if (state.State.State == StrategyLifecycle.Paused) return View();
        RequireState("pause", StrategyLifecycle.Running);
        await ChangeStateAsync(StrategyLifecycle.Paused, reason);
        return View();
    }

    public async Task<StrategyView> ResumeAsync()
    {
        RequireSubmitted();
        if (state.State.State == StrategyLifecycle.Running) return View();
        RequireState("resume", StrategyLifecycle.Paused);
        if (_runners.Count == 0)
        {
            var program = StrategyProgram.Compile(state.State.Spec!, await CatalogAsync(state.State.Spec!));
            await StartEnginesAsync(program, await StrategyPredictions.CreateAsync(GrainFactory, program, StrategyId, logger));
        }
        await ChangeStateAsync(StrategyLifecycle.Running, null);
        return View();
    }

    public async Task<StrategyView> StopAsync()
    {
        RequireSubmitted();
        if (state.State.State == StrategyLifecycle.Stopped) return View();
        await StopEnginesAsync();
        await ChangeStateAsync(StrategyLifecycle.Stopped, "stopped on request");
        return View();
    }

    private async Task<StrategyCatalog> CatalogAsync(StrategySpec spec)
    {
        var known = new List<string>();
        foreach (var symbol in (spec.Instruments ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Distinct())
        {
            try
            {
                await GrainFactory.GetGrain<IInstrumentGrain>(symbol).GetSpecAsync();
                known.Add(symbol);
            }
            catch (ResourceNotFoundException)
            {
            }
        }
        return LiveStrategyCatalog.For(known, await RegisteredModelsAsync());
    }

    private Task<IReadOnlyList<string>> RegisteredModelsAsync() => GrainFactory.GetGrain<INameIndexGrain>(ModelNames.Index).ListAsync();

    /// <summary>Has every instrument of the program build bars of its timeframe (M1 and M5 are built anyway).</summary>
    private Task ServeTimeframeAsync(StrategyProgram program) =>
        Task.WhenAll(program.Spec.Instruments.Select(symbol => GrainFactory.GetGrain<IInstrumentGrain>(symbol).ServeTimeframeAsync(program.Timeframe.Name)));

    /// <summary>An engine per instrument, warmed on the instrument's recent bars of its timeframe, then the bar streams.</summary>
    private async Task StartEnginesAsync(StrategyProgram program, StrategyPredictions? predictions)
    {
        await ServeTimeframeAsync(program);
        _predictions = predictions;
        _program = program;
        _throttle = program.Spec.Limits.MaxOrdersPerMinute is { } perMinute ? new OrderRateLimiter(perMinute, TimeSpan.FromMinutes(1)) : null;
        _runners.Clear();
        var provider = this.GetStreamProvider(StreamNames.Provider);
        foreach (var symbol in program.Spec.Instruments)
        {
            var instrument = GrainFactory.GetGrain<IInstrumentGrain>(symbol);
            var runner = new Runner(program.CreateEngine(symbol), await instrument.GetSpecAsync(), program.Spec.Instruments.ToList().IndexOf(symbol));
            var snapshot = await instrument.GetSnapshotAsync(InstrumentGrain.BarHistory);
            var history = snapshot.BarsOf(program.Timeframe);
            foreach (var bar in history)
            {
                try
                {
                    runner.Engine.OnBar(bar, StrategyPosition.Flat, new StrategyContext(double.NaN, 0, 1));
                }
                catch (StrategyRuleException)
                {
                    // Rules with no prediction or position behind them can fail where live ones would not; only live bars pause.
                }
                runner.LastBar = bar.OpenTime;
            }
            _predictions?.Warm(symbol, history);
            if (state.State.LastBars.GetValueOrDefault(LastBarKey(symbol, program.Timeframe)) is var handled && handled > runner.LastBar) runner.LastBar = handled;
            _runners[symbol] = runner;

            var stream = provider.GetStream<BarClosed>(StreamNames.Bars, symbol);
            var handles = await stream.GetAllSubscriptionHandles();
            if (handles.Count == 0) await stream.SubscribeAsync(OnBarAsync);
            else foreach (var handle in handles) await handle.ResumeAsync(OnBarAsync);
        }
    }

    private async Task StopEnginesAsync()
    {
        if (state.State.Spec is { } spec)
        {
            var provider = this.GetStreamProvider(StreamNames.Provider);
            foreach (var symbol in spec.Instruments)
                foreach (var handle in await provider.GetStream<BarClosed>(StreamNames.Bars, symbol).GetAllSubscriptionHandles())
                    await handle.UnsubscribeAsync();
        }
        _runners.Clear();
        _program = null;
        _predictions = null;
    }

    private async Task OnBarAsync(BarClosed e, StreamSequenceToken? token)
    {
        var bar = e.Bar;
        if (_program is null || !_runners.TryGetValue(bar.Symbol, out var runner) || bar.Timeframe != _program.Timeframe) return;
        // The last bar's handling failed half-way (a redelivery of that bar comes here too): finish it first.
        if (state.State.Pending.ContainsKey(bar.Symbol)) await FinishPendingAsync(bar.Symbol);
        if (bar.OpenTime <= runner.LastBar) return;
        if (state.State.State is not (StrategyLifecycle.Running or StrategyLifecycle.Paused)) return;
        runner.LastBar = bar.OpenTime;
        state.State.LastBars[LastBarKey(bar.Symbol, bar.Timeframe)] = bar.OpenTime;
        var spec = _program.Spec;
        var symbol = bar.Symbol;
        var holding = state.State.Holdings.GetValueOrDefault(symbol) ?? StrategyHolding.Flat;
        if (holding.Quantity != 0) holding = holding with { BarsHeld = holding.BarsHeld + 1 };
        state.State.BarsSeen++;

        TradingMetrics.StreamLag.Record((clock.GetUtcNow() - e.SourcePublishedAt).TotalSeconds, BarsStream);
        var rate = await QuoteToAccountRateAsync(runner.Instrument, e);
        var equity = spec.Sizing.Method is PositionSizing.VolatilityTarget or PositionSizing.Kelly
            ? (await GrainFactory.GetGrain<IPortfolioGrain>(spec.Account).GetValuationAsync()).Equity
            : 0m;
        var prediction = _predictions is null ? BarPrediction.None : await _predictions.PredictAsync(e);
        var probabilityUp = prediction.ProbabilityUp;

        StrategySignal signal;
        try
        {
            signal = runner.Engine.OnBar(bar, holding.ToPosition(), new StrategyContext(probabilityUp, equity, rate ?? 0m, prediction.Veto));
            TradingMetrics.DecisionLatency.Record((clock.GetUtcNow() - e.SourcePublishedAt).TotalSeconds, TradingMetrics.Tag("symbol", symbol));
        }
        catch (StrategyRuleException failure)
        {
            if (state.State.State == StrategyLifecycle.Running)
            {
                logger.LogWarning("Strategy {StrategyId} paused: {Reason}", StrategyId, failure.Message);
                await ChangeStateAsync(StrategyLifecycle.Paused, $"{symbol} bar {bar.OpenTime:O}: {failure.Message}");
            }
            return;
        }

        holding = signal.ChangesPosition ? holding : holding.WithProtection(signal.Protection);
        if (signal.ChangesPosition && state.State.State == StrategyLifecycle.Running)
        {
            state.State.Signals++;
            var pending = Decide(spec, runner, bar, holding, signal, probabilityUp, prediction.Verdict, rate, e.SourcePublishedAt);
            state.State.Pending[symbol] = pending;
            await state.WriteStateAsync();
            try
            {
                holding = await ActAsync(spec, symbol, pending);
            }
            catch
            {
                RetryPendingSoon(); // stays pending (stored) until it is finished
                throw;
            }
            state.State.Pending.Remove(symbol);
        }
        state.State.Holdings[symbol] = holding;
        state.State.UpdatedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
    }

    /// <summary>The signal as it will be acted on: its decision record and the strategy limits' verdict on its order.</summary>
    private PendingSignal Decide(StrategySpec spec, Runner runner, Bar bar, StrategyHolding holding, StrategySignal signal, double probabilityUp,
        long? verdict, decimal? rate, DateTimeOffset sourcePublishedAt)
    {
        var symbol = bar.Symbol;
        var clientOrderId = $"{StrategyId}-{runner.Index}-{Base36(bar.OpenTime.UtcTicks)}";
        var decision = AuditJson.Serialize(new
        {
            strategyId = StrategyId, version = spec.Version, symbol, barTime = bar.OpenTime, action = signal.Action.ToString(),
            current = holding.Quantity, target = signal.TargetPosition, signal.Reason, probabilityUp = double.IsNaN(probabilityUp) ? (double?)null : probabilityUp,
            verdict, clientOrderId,
        });
        var pending = new PendingSignal(clientOrderId, bar.OpenTime, holding, signal.TargetPosition, signal.Protection?.StopLoss, signal.Protection?.TakeProfit,
            signal.Protection?.TrailingStop, rate, sourcePublishedAt, decision, $"{signal.Action}: {signal.Reason} (target {signal.TargetPosition})", null, null);

        var close = (decimal)bar.Close;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var dailyPnl = state.State.Holdings.Values.Sum(h => h.PnlDay == today ? h.RealizedToday : 0)
                       + (rate is { } r && holding.Quantity != 0 ? (close - holding.EntryPrice) * holding.Quantity * r : 0);
        var limit = StrategyLimitCheck.Check(spec.Limits, holding.Quantity, signal.TargetPosition, Math.Abs(pending.Delta) * close * (rate ?? 0), dailyPnl, _throttle, now);
        return limit.Approved ? pending : pending with
        {
            LimitRefusal = AuditJson.Serialize(new { strategyId = StrategyId, request = OrderFor(spec, symbol, pending), decision = limit }),
            LimitMessage = $"{limit.Limit}: {limit.Message}",
        };
    }

    /// <summary>Audits the decision and sends its order (or the limits' refusal); returns the holding it leaves.</summary>
    private async Task<StrategyHolding> ActAsync(StrategySpec spec, string symbol, PendingSignal pending)
    {
        await AuditDecisionAsync(spec, pending);
        await PublishAsync(StrategyEventKinds.Signal, symbol, pending.SignalMessage, pending.ClientOrderId, pending.TargetPosition);
        if (pending.LimitRefusal is not { } refusal) return await TradeAsync(spec, symbol, pending);
        state.State.OrdersRejected++;
        await GrainFactory.GetGrain<IAuditStreamGrain>(spec.Account).AppendAsync(
            new AuditEntry(AuditKinds.StrategyLimitRejected, refusal, pending.AuditKey(AuditKinds.StrategyLimitRejected)));
        await PublishAsync(StrategyEventKinds.Risk, symbol, pending.LimitMessage!, pending.ClientOrderId, Math.Abs(pending.Delta));
        return pending.Holding;
    }

    /// <summary>Finishes every pending signal; one that cannot be finished now (a grain it needs is moving) is retried each second.</summary>
    private async Task FinishAllPendingAsync()
    {
        foreach (var symbol in state.State.Pending.Keys.ToList())
        {
            try
            {
                await FinishPendingAsync(symbol);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Strategy {StrategyId} could not finish its {Symbol} signal yet; retrying", StrategyId, symbol);
                RetryPendingSoon();
                return;
            }
        }
        _retry?.Dispose();
        _retry = null;
    }

    private void RetryPendingSoon() =>
        _retry ??= this.RegisterGrainTimer(_ => FinishAllPendingAsync(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    /// <summary>
    /// Finishes a signal a previous activation stopped acting on: books its order if it was placed, acts on it if it
    /// was not and the bar is still fresh (within one period of the tick that closed it), else records that it expired
    /// unsent. Either way its decision is audited once.
    /// </summary>
    private async Task FinishPendingAsync(string symbol)
    {
        var pending = state.State.Pending[symbol];
        var spec = state.State.Spec!;
        var placed = await GrainFactory.GetGrain<IOrderGrain>(OrderView.IdFor(spec.Account, pending.ClientOrderId)).GetAsync() is not null;
        var age = clock.GetUtcNow() - pending.SourcePublishedAt;
        StrategyHolding holding;
        if (placed || pending.LimitRefusal is not null || age <= Timeframe.Parse(spec.Timeframe).Duration)
        {
            logger.LogInformation("Strategy {StrategyId} finishes its {ClientOrderId} signal ({State})", StrategyId, pending.ClientOrderId, placed ? "placed" : "not sent");
            holding = await ActAsync(spec, symbol, pending);
        }
        else
        {
            await AuditDecisionAsync(spec, pending);
            var reason = $"not sent: the strategy stopped before sending it and the bar is {age.TotalSeconds:0} s old";
            await AuditJson.AppendAsync(GrainFactory, spec.Account, AuditKinds.SignalExpired,
                new { strategyId = StrategyId, symbol, barTime = pending.BarTime, clientOrderId = pending.ClientOrderId, reason }, pending.AuditKey(AuditKinds.SignalExpired));
            await PublishAsync(StrategyEventKinds.Order, symbol, reason, pending.ClientOrderId);
            holding = pending.Holding;
        }
        state.State.Holdings[symbol] = holding;
        state.State.Pending.Remove(symbol);
        state.State.UpdatedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
    }

    /// <summary>The signal's decision record, keyed so a recovery that repeats it stores it once.</summary>
    private Task AuditDecisionAsync(StrategySpec spec, PendingSignal pending) =>
        GrainFactory.GetGrain<IAuditStreamGrain>(spec.Account).AppendAsync(new AuditEntry(AuditKinds.Decision, pending.Decision, pending.AuditKey(AuditKinds.Decision)));

    /// <summary>Immediate-or-cancel: the holding books what fills now; a remainder the touch could not take is not left working.</summary>
    /// <remarks>Sent to the spec's venue, never the account's default (which may be a terminal the spec did not choose).</remarks>
    private OrderRequest OrderFor(StrategySpec spec, string symbol, PendingSignal pending) =>
        new(pending.ClientOrderId, spec.Account, symbol, pending.Delta > 0 ? OrderSide.Buy : OrderSide.Sell, Math.Abs(pending.Delta), OrderType.Market, null,
            StrategyId, null, TimeInForce.Ioc, Venue: spec.Venue);

    private async Task<StrategyHolding> TradeAsync(StrategySpec spec, string symbol, PendingSignal pending)
    {
        var (holding, clientOrderId, rate) = (pending.Holding, pending.ClientOrderId, pending.QuoteToAccountRate);
        var request = OrderFor(spec, symbol, pending);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        OrderSubmission submission;
        try
        {
            submission = await GrainFactory.GetGrain<IRiskGrain>(spec.Account).SubmitOrderAsync(request);
        }
        catch (Exception e) when (e is InvalidRequestException or ResourceNotFoundException or ConflictException)
        {
            state.State.OrdersRejected++;
            logger.LogWarning(e, "Strategy {StrategyId} could not submit {ClientOrderId}", StrategyId, clientOrderId);
            await PublishAsync(StrategyEventKinds.Order, symbol, $"not submitted: {e.Message}", clientOrderId, request.Quantity);
            return holding;
        }

        var order = submission.Order;
        if (!submission.Risk.Approved)
        {
            state.State.OrdersRejected++;
            await PublishAsync(StrategyEventKinds.Risk, symbol, $"{submission.Risk.Limit}: {submission.Risk.Message}", clientOrderId, request.Quantity);
            return holding;
        }
        await PublishAsync(StrategyEventKinds.Order, symbol, $"{request.Side} {request.Quantity}: {order.Status}{(order.Reason is { } why ? $" ({why})" : "")}",
            clientOrderId, request.Quantity);
        if (order.FilledQuantity == 0 || state.State.LastOrders.GetValueOrDefault(symbol) == clientOrderId)
        {
            if (order.FilledQuantity == 0) state.State.OrdersRejected++;
            return holding;
        }

        var fillPrice = order.AverageFillPrice!.Value;
        var booked = holding.Apply(request.Side.Sign() * order.FilledQuantity, fillPrice, rate ?? 1m, today);
        if (booked.Quantity != 0 && (holding.Quantity == 0 || Math.Sign(booked.Quantity) != Math.Sign(holding.Quantity)))
            booked = booked.WithProtection(pending.Protection);
        state.State.LastOrders[symbol] = clientOrderId;
        state.State.OrdersFilled++;
        if (!submission.Duplicate) RecordLatency((clock.GetUtcNow() - pending.SourcePublishedAt).TotalMicroseconds);
        await PublishAsync(StrategyEventKinds.Fill, symbol, $"{request.Side} {order.FilledQuantity} at {fillPrice}; position {booked.Quantity}",
            clientOrderId, order.FilledQuantity, fillPrice);
        return booked;
    }

    private MarketPrices? _prices;

    /// <summary>
    /// The bar's quote currency in the account's: from the quote the bar carries when its own pair converts (USDJPY for
    /// JPY into USD), else from the current quotes of the pairs that do, asked of their instrument grains.
    /// </summary>
    private async Task<decimal?> QuoteToAccountRateAsync(InstrumentSpec instrument, BarClosed e)
    {
        var account = options.Value.AccountCurrency;
        if (FxConverter.TryRate(instrument.QuoteCurrency, account, s => s == e.Quote.Symbol ? e.Quote.Mid : null) is { } own) return own;
        var mids = await (_prices ??= new MarketPrices(GrainFactory)).LoadMidsAsync((instrument.QuoteCurrency, account));
        return FxConverter.TryRate(instrument.QuoteCurrency, account, mids);
    }

    private async Task ChangeStateAsync(StrategyLifecycle next, string? reason)
    {
        state.State.State = next;
        state.State.Reason = reason;
        await RecordLifecycleAsync(reason is null ? next.ToString().ToLowerInvariant() : $"{next.ToString().ToLowerInvariant()}: {reason}");
    }

    /// <summary>
    /// Persists the state with the lifecycle event (so a restarted strategy neither forgets it nor reuses its
    /// sequence number), then audits and publishes it.
    /// </summary>
    private async Task RecordLifecycleAsync(string message)
    {
        state.State.UpdatedAt = clock.GetUtcNow();
        var e = NextEvent(StrategyEventKinds.Lifecycle, null, message);
        await state.WriteStateAsync();
        var spec = state.State.Spec!;
        await AuditJson.AppendAsync(GrainFactory, spec.Account, AuditKinds.StrategyLifecycle,
            new { strategyId = StrategyId, version = spec.Version, specHash = state.State.SpecHash, state = state.State.State.ToString(), message });
        await _events!.OnNextAsync(e);
    }

    private Task PublishAsync(string kind, string? symbol, string message, string? clientOrderId = null, decimal? quantity = null, decimal? price = null) =>
        _events!.OnNextAsync(NextEvent(kind, symbol, message, clientOrderId, quantity, price));

    private StrategyEvent NextEvent(string kind, string? symbol, string message, string? clientOrderId = null, decimal? quantity = null, decimal? price = null)
    {
        var e = new StrategyEvent(StrategyId, ++state.State.EventSequence, clock.GetUtcNow(), kind, symbol, message, clientOrderId, quantity, price);
        state.State.LastEvent = e;
        return e;
    }

    private void RequireSubmitted()
    {
        if (state.State.Spec is null) throw new NotFoundException("strategy", StrategyId);
    }

    private void RequireState(string action, StrategyLifecycle expected)
    {
        if (state.State.State != expected)
            throw new ConflictException($"strategy '{StrategyId}' is {state.State.State.ToString().ToLowerInvariant()}: only a {expected.ToString().ToLowerInvariant()} strategy can {action}");
    }

    private void RecordLatency(double microseconds)
    {
        _latencies.Enqueue(microseconds);
        if (_latencies.Count > LatencySamples) _latencies.Dequeue();
    }

    private StrategyView View() => new(state.State.Spec!, state.State.SpecHash!, state.State.State, state.State.Reason,
        new Dictionary<string, StrategyHolding>(state.State.Holdings), state.State.BarsSeen, state.State.Signals, state.State.OrdersFilled,
        state.State.OrdersRejected, state.State.LastEvent, state.State.SubmittedAt, state.State.UpdatedAt, _latencies.ToList());

    private static string Base36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = new Stack<char>();
        do
        {
            text.Push(digits[(int)(value % 36)]);
            value /= 36;
        } while (value > 0);
        return new string(text.ToArray());
    }

    private static string LastBarKey(string symbol, Timeframe timeframe) => $"{symbol}:{timeframe.Name}";

    private sealed class Runner(StrategyEngine engine, InstrumentSpec instrument, int index)
    {
        public StrategyEngine Engine { get; } = engine;
        public InstrumentSpec Instrument { get; } = instrument;
        public int Index { get; } = index;
        public DateTimeOffset LastBar { get; set; } = DateTimeOffset.MinValue;
    }
}
