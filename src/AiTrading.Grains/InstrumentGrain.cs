using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("instrument-state")]
public sealed class InstrumentState
{
    [Id(0)] public InstrumentSpec? Spec { get; set; }
}

/// <summary>
/// Quote, 1- and 5-minute bars and their feature vectors for one symbol. Ticks come from the ticks stream;
/// each completed bar goes out on the bars stream with its features, and the last quote of each batch on the
/// quotes stream. Bars and indicators are derived data, rebuilt from the feed after a restart.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Ticks)]
public sealed class InstrumentGrain(
    [PersistentState("instrument")] IPersistentState<InstrumentState> state,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    public const int BarHistory = 500;

    private readonly List<TimeframeSeries> _series = [];
    private Quote? _quote;
    private Tick? _lastTick;
    private long _tickCount, _rejectedTicks;
    private IAsyncStream<BarClosed>? _bars;
    private IAsyncStream<Quote>? _quotes;

    private string Symbol => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var provider = this.GetStreamProvider(StreamNames.Provider);
        _bars = provider.GetStream<BarClosed>(StreamNames.Bars, Symbol);
        _quotes = provider.GetStream<Quote>(StreamNames.Quotes, Symbol);
        _series.Add(new TimeframeSeries(Symbol, Timeframe.M1));
        _series.Add(new TimeframeSeries(Symbol, Timeframe.M5));
        await provider.GetStream<TickBatch>(StreamNames.Ticks, Symbol).SubscribeAsync((batch, _) => OnTicksAsync(batch));
    }

    public async Task ConfigureAsync(InstrumentSpec spec)
    {
        if (InstrumentCatalog.NormalizeSymbol(spec.Symbol) != Symbol)
            throw new ValidationException("symbol", $"spec is for '{spec.Symbol}' but this instrument is '{Symbol}'");
        if (!(spec.TickSize > 0)) throw new ValidationException("tickSize", $"must be greater than 0 (got {spec.TickSize})");
        if (state.State.Spec == spec) return;
        state.State.Spec = spec;
        await state.WriteStateAsync();
    }

    public Task<InstrumentSpec> GetSpecAsync() => Task.FromResult(RequireSpec());

    public Task<Quote?> GetQuoteAsync() => Task.FromResult(_quote);

    public Task<InstrumentSnapshot> GetSnapshotAsync(int barCount)
    {
        var spec = RequireSpec();
        if (barCount is < 0 or > BarHistory) throw new ValidationException("bars", $"must be between 0 and {BarHistory} (got {barCount})");
        var minute = _series[0];
        return Task.FromResult(new InstrumentSnapshot(spec, _quote, _series[0].Last(barCount), _series[1].Last(barCount),
            minute.Features?.Values ?? new Dictionary<string, double>(), minute.Features?.Time, _tickCount));
    }

    private async Task OnTicksAsync(TickBatch batch)
    {
        if (state.State.Spec is null)
        {
            _rejectedTicks += batch.Ticks.Length;
            logger.LogError("Dropped {Count} ticks for {Symbol}: the instrument is not configured", batch.Ticks.Length, Symbol);
            return;
        }

        List<BarClosed>? closed = null;
        var fresh = false;
        foreach (var tick in batch.Ticks)
        {
            if (!IsUsable(tick)) { _rejectedTicks++; continue; }
            _tickCount++;
            foreach (var series in _series)
            {
                if (series.Update(tick) is { } bar)
                    (closed ??= []).Add(new BarClosed(bar, series.Features!, Quote.From(tick), batch.PublishedAt));
            }
            _lastTick = tick;
            fresh = true;
        }
        if (fresh) _quote = Quote.From(_lastTick!.Value);

        if (closed is not null)
            foreach (var e in closed) await _bars!.OnNextAsync(e);
        if (_quote is not null) await _quotes!.OnNextAsync(_quote);
    }

    private bool IsUsable(in Tick tick)
    {
        var ok = tick.Symbol == Symbol && double.IsFinite(tick.Bid) && double.IsFinite(tick.Ask) && tick.Bid > 0 && tick.Ask >= tick.Bid
                 && (_lastTick is not { } last || tick.Time >= last.Time);
        if (!ok && _rejectedTicks % 1000 == 0)
            logger.LogWarning("Rejected tick for {Symbol}: {Tick} (unusable price or out of time order)", Symbol, tick);
        return ok;
    }

    private InstrumentSpec RequireSpec() => state.State.Spec ?? throw new NotFoundException("instrument", Symbol);

    /// <summary>Bars of one timeframe, their recent history and the feature set computed on them.</summary>
    private sealed class TimeframeSeries(string symbol, Timeframe timeframe)
    {
        private readonly BarAggregator _aggregator = new(symbol, timeframe);
        private readonly FeatureSet _featureSet = new(symbol, timeframe);
        private readonly Queue<Bar> _history = new();

        public FeatureVector? Features { get; private set; }

        public Bar? Update(in Tick tick)
        {
            if (!_aggregator.Update(tick, out var bar) || bar is null) return null;
            Features = _featureSet.Update(bar);
            _history.Enqueue(bar);
            if (_history.Count > BarHistory) _history.Dequeue();
            return bar;
        }

        public IReadOnlyList<Bar> Last(int count) => _history.Skip(Math.Max(0, _history.Count - count)).ToList();
    }
}
