using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Audit;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace AiTrading.Grains;

/// <summary>
/// One submitted strategy: keeps its spec, lifecycle and <see cref="StrategyBook"/> (the decisions, positions and
/// counters, in Core), feeds the book the closed bars of its timeframe with their models' reading
/// (<see cref="StrategyPredictions"/>), audits and publishes what it decides, and sends its orders without waiting
/// for them: the order path's answer comes back as <see cref="IStrategyGrain.OrderSettledAsync"/>, a turn of its own
/// that books it. A new bar of an instrument whose order has not answered yet waits for that answer, so the engine
/// always decides on the position its fills made and one signal per instrument works at a time. A working signal
/// is stored before it is acted on, so one cut short by a silo's death is finished once on activation (its order
/// resent under the same client order id, which answers the order already placed).
/// </summary>
public sealed class StrategyGrain(
    [PersistentState("strategy")] IPersistentState<StrategyGrainState> state,
    IOptions<TradingOptions> options,
    VenueRegistry venues,
    TimeProvider clock,
    ILogger<StrategyGrain> logger) : Grain, IStrategyGrain
{
    private static readonly KeyValuePair<string, object?> BarsStream = TradingMetrics.Tag("stream", StreamNames.Bars);

    /// <summary>Per instrument, the order sent for its working signal and its answer (null: lost on the way, to be found or sent again).</summary>
    private readonly Dictionary<string, (string ClientOrderId, Task<OrderOutcome?> Outcome)> _sent = new(StringComparer.Ordinal);
    private StrategyBook _book = null!;
    private StrategyPredictions? _predictions;
    private MarketPrices? _prices;
    private IGrainTimer? _retry;
    private IAsyncStream<StrategyEvent>? _events;

    private string StrategyId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _events = this.GetStreamProvider(StreamNames.Provider).GetStream<StrategyEvent>(StreamNames.StrategyEvents, StrategyId);
        _book = new StrategyBook(StrategyId, state.State, AuditJson.Serialize);
        await MigrateAsync();
        await FinishAllWorkingAsync();
        if (state.State is { Spec: { } spec, State: StrategyLifecycle.Running or StrategyLifecycle.Paused })
        {
            try
            {
                await RestartEnginesAsync(StrategyProgram.Compile(spec, LiveStrategyCatalog.For(spec.Instruments, await RegisteredModelsAsync(), venues.Names)));
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
        RequireVenueTakes(spec);
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
        if (_book.Program is null)
        {
            await RestartEnginesAsync(StrategyProgram.Compile(state.State.Spec!, await CatalogAsync(state.State.Spec!)));
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
        return LiveStrategyCatalog.For(known, await RegisteredModelsAsync(), venues.Names);
    }

    private Task<IReadOnlyList<string>> RegisteredModelsAsync() => GrainFactory.GetGrain<INameIndexGrain>(ModelNames.Index).ListAsync();

    /// <summary>The spec's venue must take the order the strategy sends in each of its instruments (an unknown venue is refused by the catalog).</summary>
    private void RequireVenueTakes(StrategySpec spec)
    {
        foreach (var symbol in spec.Instruments) venues.Require(SignalOrder.RequestFor(spec, symbol, $"{spec.Id}-venue-check", 1));
    }

    /// <summary>Has every instrument of the program build bars of its timeframe (M1 and M5 are built anyway).</summary>
    private Task ServeTimeframeAsync(StrategyProgram program) =>
        Task.WhenAll(program.Spec.Instruments.Select(symbol => GrainFactory.GetGrain<IInstrumentGrain>(symbol).ServeTimeframeAsync(program.Timeframe.Name)));

    /// <summary>Starts a spec that passed submission again (on activation, on resume): its timeframe served, its models and engines.</summary>
    private async Task RestartEnginesAsync(StrategyProgram program)
    {
        await ServeTimeframeAsync(program);
        await StartEnginesAsync(program, await StrategyPredictions.CreateAsync(GrainFactory, program, StrategyId, logger));
    }

    /// <summary>An engine per instrument, warmed on the instrument's recent bars of its timeframe, then the bar streams.</summary>
    private async Task StartEnginesAsync(StrategyProgram program, StrategyPredictions? predictions)
    {
        _predictions = predictions;
        _book.Run(program);
        var provider = this.GetStreamProvider(StreamNames.Provider);
        foreach (var symbol in program.Spec.Instruments)
        {
            var instrument = GrainFactory.GetGrain<IInstrumentGrain>(symbol);
            var history = (await instrument.GetSnapshotAsync(InstrumentGrain.BarHistory)).BarsOf(program.Timeframe);
            _book.AddInstrument(symbol, (await instrument.GetSpecAsync()).QuoteCurrency, history);
            _predictions?.Warm(symbol, history);

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
        _book.Stop();
        _predictions = null;
    }

    private async Task OnBarAsync(BarClosed e, StreamSequenceToken? token)
    {
        var bar = e.Bar;
        if (!_book.Trades(bar)) return;
        // One working signal per instrument: the last bar's order answers (or a half-done one is finished) first; while
        // its order still works at the venue the engine reads the bar but sends nothing.
        if (state.State.Working.ContainsKey(bar.Symbol)) await FinishWorkingAsync(bar.Symbol, retryOnFailure: true);
        if (!_book.IsNew(bar) || state.State.State is not (StrategyLifecycle.Running or StrategyLifecycle.Paused)) return;
        var spec = state.State.Spec!;

        TradingMetrics.StreamLag.Record((clock.GetUtcNow() - e.SourcePublishedAt).TotalSeconds, BarsStream);
        var rate = await QuoteToAccountRateAsync(bar.Symbol, e);
        var equity = spec.Sizing.Method is PositionSizing.VolatilityTarget or PositionSizing.Kelly
            ? (await GrainFactory.GetGrain<IPortfolioGrain>(spec.Account).GetValuationAsync()).Equity
            : 0m;
        var prediction = _predictions is null ? BarPrediction.None : await _predictions.PredictAsync(e);
        var step = _book.OnBar(bar, new BarReading(prediction.ProbabilityUp, prediction.Veto, prediction.Verdict, equity, rate, e.SourcePublishedAt),
            clock.GetUtcNow(), trading: state.State.State == StrategyLifecycle.Running && !state.State.Working.ContainsKey(bar.Symbol));
        if (step.Failure is { } failure)
        {
            if (state.State.State != StrategyLifecycle.Running) return;
            logger.LogWarning("Strategy {StrategyId} paused: {Reason}", StrategyId, failure);
            await ChangeStateAsync(StrategyLifecycle.Paused, failure);
            return;
        }
        TradingMetrics.DecisionLatency.Record((clock.GetUtcNow() - e.SourcePublishedAt).TotalSeconds, TradingMetrics.Tag("symbol", bar.Symbol));
        var signal = step.Signal is { } notice ? ToEvent(notice) : null;
        state.State.UpdatedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        if (step.Order is not { } order) return;
        await AuditDecisionAsync(spec, order);
        await _events!.OnNextAsync(signal!);
        if (order.LimitRefusal is not null) await SettleAsync(bar.Symbol, order, await RefuseAsync(spec, order));
        else _ = Send(spec, bar.Symbol, order);
    }

    public async Task OrderSettledAsync(string symbol, string clientOrderId)
    {
        if (!_sent.TryGetValue(symbol, out var sent) || sent.ClientOrderId != clientOrderId || !sent.Outcome.IsCompleted) return;
        if (!state.State.Working.TryGetValue(symbol, out var order) || order.ClientOrderId != clientOrderId) return;
        _sent.Remove(symbol);
        if (await sent.Outcome is { } outcome) await SettleAsync(symbol, order, outcome);
        if (state.State.Working.ContainsKey(symbol)) RetryWorkingSoon(); // lost, or still working at its venue: found again each second
    }

    /// <summary>Sends the working signal's order and continues; its answer comes back through <see cref="OrderSettledAsync"/>.</summary>
    private Task<OrderOutcome?> Send(StrategySpec spec, string symbol, SignalOrder order)
    {
        var outcome = SubmitAsync(order.ToRequest(spec, symbol));
        _sent[symbol] = (order.ClientOrderId, outcome);
        _ = ReportAsync(symbol, order.ClientOrderId, outcome);
        return outcome;
    }

    private async Task ReportAsync(string symbol, string clientOrderId, Task<OrderOutcome?> outcome)
    {
        await outcome;
        try
        {
            await this.AsReference<IStrategyGrain>().OrderSettledAsync(symbol, clientOrderId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Strategy {StrategyId} could not report {ClientOrderId}'s answer to itself; the retry finds it", StrategyId, clientOrderId);
        }
    }

    /// <summary>The order path's answer to <paramref name="request"/>; null when it was lost on the way (a grain moving, a timeout).</summary>
    private async Task<OrderOutcome?> SubmitAsync(OrderRequest request)
    {
        try
        {
            var submission = await GrainFactory.Ref<IRiskGrain>(request.Account).SubmitOrderAsync(request);
            var at = clock.GetUtcNow();
            if (!submission.Risk.Approved) return new(OrderOutcomeKind.RiskRefused, $"{submission.Risk.Limit}: {submission.Risk.Message}", AnsweredAt: at);
            var placed = submission.Order;
            return OrderOutcome.Placed(placed.Status, placed.Reason, placed.FilledQuantity, placed.AverageFillPrice, submission.Duplicate, at);
        }
        catch (Exception e) when (e is InvalidRequestException or ResourceNotFoundException or ConflictException)
        {
            logger.LogWarning(e, "Strategy {StrategyId} could not submit {ClientOrderId}", StrategyId, request.ClientOrderId);
            return new(OrderOutcomeKind.NotSubmitted, e.Message, AnsweredAt: clock.GetUtcNow());
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Strategy {StrategyId} lost the answer to {ClientOrderId}; it will find or resend it", StrategyId, request.ClientOrderId);
            return null;
        }
    }

    /// <summary>Books an outcome of the working signal (nothing while its order works at the venue), persists it, then publishes what it made.</summary>
    private async Task SettleAsync(string symbol, SignalOrder order, OrderOutcome outcome)
    {
        var events = _book.Settle(symbol, order.ClientOrderId, outcome).Select(ToEvent).ToList();
        if (events.Count == 0) return;
        state.State.UpdatedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        foreach (var e in events) await _events!.OnNextAsync(e);
    }

    private async Task<OrderOutcome> RefuseAsync(StrategySpec spec, SignalOrder order)
    {
        await GrainFactory.GetGrain<IAuditStreamGrain>(spec.Account).AppendAsync(
            new AuditEntry(AuditKinds.StrategyLimitRejected, order.LimitRefusal!, order.AuditKey(AuditKinds.StrategyLimitRejected)));
        return new(OrderOutcomeKind.LimitRefused, order.LimitMessage!);
    }

    /// <summary>Finishes every working signal whose order is not on its way; one that cannot be finished now is tried again each second.</summary>
    private async Task FinishAllWorkingAsync()
    {
        foreach (var symbol in state.State.Working.Keys.ToList())
        {
            if (_sent.TryGetValue(symbol, out var sent) && !sent.Outcome.IsCompleted) continue;
            if (!await FinishWorkingAsync(symbol, retryOnFailure: false)) return;
        }
        if (state.State.Working.Count > 0) return;
        _retry?.Dispose();
        _retry = null;
    }

    private void RetryWorkingSoon() =>
        _retry ??= this.RegisterGrainTimer(_ => FinishAllWorkingAsync(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    /// <summary>
    /// Finishes the working signal of <paramref name="symbol"/> now if it can: books the answer of the order on its way
    /// (awaiting it), or of its order sent again under the same client order id if it was placed (which answers the
    /// stored order) or if its bar is still fresh (within one period of the tick that closed it; its decision audited
    /// first), records the limits' refusal, or records that it expired unsent. An order still working at its venue
    /// leaves the signal working, looked at again each second.
    /// </summary>
    /// <returns>false when it could not be finished now (then tried again each second; on a bar, <paramref name="retryOnFailure"/> rethrows)</returns>
    private async Task<bool> FinishWorkingAsync(string symbol, bool retryOnFailure)
    {
        try
        {
            var order = state.State.Working[symbol];
            var outcome = _sent.Remove(symbol, out var sent) && sent.ClientOrderId == order.ClientOrderId ? await sent.Outcome : null;
            outcome ??= await ResumeAsync(symbol, order);
            await SettleAsync(symbol, order, outcome);
            if (state.State.Working.ContainsKey(symbol)) RetryWorkingSoon();
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Strategy {StrategyId} could not finish its {Symbol} signal yet; retrying", StrategyId, symbol);
            RetryWorkingSoon();
            if (retryOnFailure) throw;
            return false;
        }
    }

    /// <summary>Acts again on a working signal whose order's answer this activation does not have.</summary>
    private async Task<OrderOutcome> ResumeAsync(string symbol, SignalOrder order)
    {
        var spec = state.State.Spec!;
        if (await GrainFactory.GetGrain<IOrderGrain>(OrderView.IdFor(spec.Account, order.ClientOrderId)).GetAsync() is not null) return await SendAgainAsync();
        await AuditDecisionAsync(spec, order);
        var age = clock.GetUtcNow() - order.SourcePublishedAt;
        if (order.LimitRefusal is null && age > Timeframe.Parse(spec.Timeframe).Duration)
        {
            var reason = $"not sent: the strategy stopped before sending it and the bar is {age.TotalSeconds:0} s old";
            await AuditJson.AppendAsync(GrainFactory, spec.Account, AuditKinds.SignalExpired,
                new { strategyId = StrategyId, symbol, barTime = order.BarTime, clientOrderId = order.ClientOrderId, reason }, order.AuditKey(AuditKinds.SignalExpired));
            return new(OrderOutcomeKind.Expired, reason);
        }
        logger.LogInformation("Strategy {StrategyId} acts on its {ClientOrderId} signal, which was not sent", StrategyId, order.ClientOrderId);
        await _events!.OnNextAsync(ToEvent(_book.Notice(StrategyNoticeKind.Signal, symbol, order.SignalMessage, order.ClientOrderId, order.TargetPosition)));
        return order.LimitRefusal is not null ? await RefuseAsync(spec, order) : await SendAgainAsync();

        async Task<OrderOutcome> SendAgainAsync() =>
            await Send(spec, symbol, order) ?? throw new OrleansException($"the answer to {order.ClientOrderId} was lost again");
    }

    /// <summary>The signal's decision record, keyed so a recovery that repeats it stores it once.</summary>
    private Task AuditDecisionAsync(StrategySpec spec, SignalOrder order) =>
        GrainFactory.GetGrain<IAuditStreamGrain>(spec.Account).AppendAsync(new AuditEntry(AuditKinds.Decision, order.Decision, order.AuditKey(AuditKinds.Decision)));

    /// <summary>Positions and working signals stored in the old shapes move to the current ones (each instrument's quote currency asked once).</summary>
    private async Task MigrateAsync()
    {
        var symbols = state.State.Holdings.Keys.Union(state.State.Pending.Keys).ToList();
        if (symbols.Count == 0) return;
        var quotes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var symbol in symbols)
        {
            try
            {
                quotes[symbol] = (await GrainFactory.GetGrain<IInstrumentGrain>(symbol).GetSpecAsync()).QuoteCurrency;
            }
            catch (ResourceNotFoundException)
            {
                quotes[symbol] = ""; // the instrument is gone: its position keeps its quantities
            }
        }
        state.State.Migrate(symbol => quotes[symbol]);
        await state.WriteStateAsync();
    }

    /// <summary>
    /// The bar's quote currency in the account's: from the quote the bar carries when its own pair converts (USDJPY for
    /// JPY into USD), else from the current quotes of the pairs that do, asked of their instrument grains.
    /// </summary>
    private async Task<decimal?> QuoteToAccountRateAsync(string symbol, BarClosed e)
    {
        var (quoteCurrency, account) = (_book.QuoteCurrencyOf(symbol), options.Value.AccountCurrency);
        if (FxConverter.TryRate(quoteCurrency, account, s => s == e.Quote.Symbol ? e.Quote.Mid : null) is { } own) return own;
        var mids = await (_prices ??= new MarketPrices(GrainFactory)).LoadMidsAsync((quoteCurrency, account));
        return FxConverter.TryRate(quoteCurrency, account, mids);
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
        var e = ToEvent(_book.Notice(StrategyNoticeKind.Lifecycle, null, message));
        await state.WriteStateAsync();
        var spec = state.State.Spec!;
        await AuditJson.AppendAsync(GrainFactory, spec.Account, AuditKinds.StrategyLifecycle,
            new { strategyId = StrategyId, version = spec.Version, specHash = state.State.SpecHash, state = state.State.State.ToString(), message });
        await _events!.OnNextAsync(e);
    }

    /// <summary>The book's notice as the strategy's event stream carries it (the latest is the view's last event).</summary>
    private StrategyEvent ToEvent(StrategyNotice n) => state.State.LastEvent =
        new(StrategyId, n.Sequence, clock.GetUtcNow(), StrategyEventKinds.Of(n.Kind), n.Symbol, n.Message, n.ClientOrderId, n.Quantity, n.Price);

    private void RequireSubmitted()
    {
        if (state.State.Spec is null) throw new NotFoundException("strategy", StrategyId);
    }

    private void RequireState(string action, StrategyLifecycle expected)
    {
        if (state.State.State != expected)
            throw new ConflictException($"strategy '{StrategyId}' is {state.State.State.ToString().ToLowerInvariant()}: only a {expected.ToString().ToLowerInvariant()} strategy can {action}");
    }

    private StrategyView View() => new(state.State.Spec!, state.State.SpecHash!, state.State.State, state.State.Reason,
        state.State.Positions.ToDictionary(p => p.Key, p => StrategyHolding.Of(p.Value), StringComparer.Ordinal), state.State.BarsSeen, state.State.Signals,
        state.State.OrdersFilled, state.State.OrdersRejected, state.State.LastEvent, state.State.SubmittedAt, state.State.UpdatedAt, _book.TickToFillMicroseconds);
}
