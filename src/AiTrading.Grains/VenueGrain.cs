using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("venue-book-state")]
public sealed class VenueBookState
{
    [Id(0)] public List<WorkingOrder> Working { get; set; } = [];
    [Id(1)] public long Sequence { get; set; }
    /// <summary>Reports for orders other than the caller's, not yet acknowledged by their order grain, oldest first.</summary>
    [Id(2)] public List<ExecutionReport> Outbox { get; set; } = [];
    /// <summary>What the latest submissions got back, by order id, so a retried submit gets the same answer.</summary>
    [Id(3)] public Dictionary<string, List<ExecutionReport>> Answers { get; set; } = new(StringComparer.Ordinal);
    [Id(4)] public Queue<string> AnswerOrder { get; set; } = new();
}

/// <summary>
/// The paper venue's book for one symbol (key "paper/SYMBOL"): a Core <see cref="PaperOrderBook"/> fed by the
/// symbol's tick stream. Every report is written with the book before anyone hears of it, so a crash loses no fill:
/// the caller's own reports (of a submit, cancel or replace) are kept as that call's answer, which a retried submit
/// gets again; reports for other orders (fills of working orders, bracket legs) go to an outbox delivered to their
/// order grains in order until acknowledged (order grains ignore a report they have seen). Reentrant, so a delivery
/// to an order grain that is itself waiting on the book cannot deadlock: all book changes happen between awaits.
/// </summary>
[Reentrant]
public sealed class VenueGrain(
    [PersistentState("venue-book")] IPersistentState<VenueBookState> state,
    IOptions<TradingOptions> options,
    TimeProvider clock,
    ILogger<VenueGrain> logger) : Grain, IVenueGrain
{
    /// <summary>Submissions whose answers are kept for retries.</summary>
    public const int KeptAnswers = 256;

    private PaperOrderBook _book = null!;
    private VenueCircuit _circuit = null!;
    private string _venue = "";
    private string _symbol = "";
    private readonly SerializedWrites<VenueBookState> _writes = new(state);
    private bool _delivering;
    /// <summary>The last quote of the symbol's tick stream: what a submission trades against unless its check saw a newer one.</summary>
    private Quote? _quote;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        (_venue, _symbol) = slash > 0 ? (key[..slash], key[(slash + 1)..]) : (key, "");
        _circuit = new VenueCircuit(key, options.Value.VenueCircuit, clock);
        if (_venue != TradingOptions.PaperVenue || _symbol.Length == 0) return;
        await GrainFactory.Ref<INameIndexGrain>(NameIndexes.Venues).RegisterAsync(key);
        var spec = await GrainFactory.Ref<IInstrumentGrain>(_symbol).GetSpecAsync();
        _book = new PaperOrderBook(_symbol, spec.TickSize, options.Value.Paper, state.State.Working, state.State.Sequence);

        var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, _symbol);
        var handles = await stream.GetAllSubscriptionHandles();
        if (handles.Count == 0) await stream.SubscribeAsync((batch, _) => OnTicksAsync(batch));
        else foreach (var handle in handles) await handle.ResumeAsync((batch, _) => OnTicksAsync(batch));
        if (state.State.Outbox.Count > 0) Pump();
    }

    public async Task<IReadOnlyList<ExecutionReport>> SubmitAsync(string orderId, OrderRequest request, Quote? quote)
    {
        if (_venue != TradingOptions.PaperVenue)
            return [new(orderId, ExecutionKind.Rejected, clock.GetUtcNow(), Reason: $"venue '{_venue}' is not available")];
        if (request.Symbol != _symbol)
            return [new(orderId, ExecutionKind.Rejected, clock.GetUtcNow(), Reason: $"order for {request.Symbol} sent to the {_symbol} book")];
        if (state.State.Answers.TryGetValue(orderId, out var answered)) return answered;
        try
        {
            return await _circuit.ExecuteAsync(_ => PlaceAsync(orderId, request, quote));
        }
        catch (VenueUnavailableException e)
        {
            // Matched, and only the write failed: the book holds the order, so its answer stands.
            if (state.State.Answers.TryGetValue(orderId, out var kept)) return kept;
            return [new(orderId, ExecutionKind.Rejected, clock.GetUtcNow(), Reason: e.Message)];
        }
    }

    /// <summary>
    /// A submission that leaves the book as it was (an order filled, or refused, at once) is not written: its answer is
    /// kept in memory for a retry and stored with the next write. If the venue's silo dies before that, a retry of the
    /// submission trades again against the quote of the retry; the first fill was never booked (the order grain books
    /// only what it stored), so one fill is booked either way.
    /// </summary>
    private async ValueTask<IReadOnlyList<ExecutionReport>> PlaceAsync(string orderId, OrderRequest request, Quote? priced)
    {
        var quote = Newest(priced, _quote) ?? await GrainFactory.Ref<IInstrumentGrain>(_symbol).GetQuoteAsync();
        var working = _book.Working.Count;
        var reports = _book.Submit(orderId, request, _venue, quote, clock.GetUtcNow());
        var own = reports.Where(r => r.OrderId == orderId).ToList();
        state.State.Answers[orderId] = own;
        state.State.AnswerOrder.Enqueue(orderId);
        while (state.State.AnswerOrder.Count > KeptAnswers) state.State.Answers.Remove(state.State.AnswerOrder.Dequeue());
        if (_book.Working.Count != working || reports.Count != own.Count) await RecordAsync(reports, caller: orderId);
        return own;
    }

    private static Quote? Newest(Quote? a, Quote? b) => a is null ? b : b is null || a.Time >= b.Time ? a : b;

    public async Task<ExecutionReport?> CancelAsync(string orderId, string reason)
    {
        if (_book is null) return null;
        var report = _book.Cancel(orderId, reason, clock.GetUtcNow());
        if (report is not null) await RecordAsync([report], caller: orderId);
        return report;
    }

    public async Task<IReadOnlyList<ExecutionReport>> ReplaceAsync(string orderId, decimal quantity, decimal? limitPrice, decimal? stopPrice)
    {
        if (_book is null) return [];
        var quote = _quote ?? await GrainFactory.Ref<IInstrumentGrain>(_symbol).GetQuoteAsync();
        var reports = _book.Replace(orderId, quantity, limitPrice, stopPrice, quote, clock.GetUtcNow());
        if (reports.Count > 0) await RecordAsync(reports, caller: orderId);
        return reports.Where(r => r.OrderId == orderId).ToList();
    }

    public Task<VenueCircuitView> GetCircuitAsync() => Task.FromResult(_circuit.View());

    public Task<IReadOnlyList<WorkingOrder>> GetWorkingAsync() => Task.FromResult<IReadOnlyList<WorkingOrder>>(_book?.Working.ToList() ?? []);

    private async Task OnTicksAsync(TickBatch batch)
    {
        for (var i = batch.Ticks.Length - 1; i >= 0; i--)
        {
            var last = batch.Ticks[i];
            if (!last.HasTradablePrices) continue; // the instrument refuses it too
            if (_quote is null || last.Time >= _quote.Time) _quote = Quote.From(last);
            break;
        }
        if (_book.Working.Count == 0) return;
        var reports = new List<ExecutionReport>();
        foreach (var tick in batch.Ticks)
        {
            if (_book.Working.Count == 0) break;
            reports.AddRange(_book.OnQuote(Quote.From(tick)));
        }
        if (reports.Count > 0) await RecordAsync(reports, caller: null);
    }

    /// <summary>Persists the book with the reports for others in its outbox (the caller's go back as the answer), then delivers them.</summary>
    private async Task RecordAsync(IReadOnlyList<ExecutionReport> reports, string? caller)
    {
        state.State.Working = _book.Working.ToList();
        state.State.Sequence = _book.Sequence;
        var others = reports.Where(r => r.OrderId != caller).ToList();
        state.State.Outbox.AddRange(others);
        await WriteAsync();
        if (others.Count > 0) Pump();
    }

    private Task WriteAsync() => _writes.WriteAsync();

    /// <summary>One delivery loop at a time, oldest report first; a failed delivery is retried after a pause.</summary>
    private void Pump()
    {
        if (_delivering) return;
        _delivering = true;
        _ = DeliverAsync();
    }

    private async Task DeliverAsync()
    {
        var failures = 0;
        try
        {
            while (state.State.Outbox.Count > 0)
            {
                var report = state.State.Outbox[0];
                try
                {
                    await GrainFactory.Ref<IOrderGrain>(report.OrderId).OnExecutionAsync(report);
                    failures = 0;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Delivery of {Kind} for {OrderId} failed; retrying", report.Kind, report.OrderId);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 50 << Math.Min(++failures, 6))));
                    continue;
                }
                state.State.Outbox.RemoveAt(0);
                await WriteAsync();
            }
        }
        finally
        {
            _delivering = false;
        }
    }
}
