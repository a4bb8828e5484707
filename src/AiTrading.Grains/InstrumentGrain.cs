using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("instrument-state")]
public sealed class InstrumentState
{
    [Id(0)] public InstrumentSpec? Spec { get; set; }
}

/// <summary>
/// Quote, 1- and 5-minute bars and their feature vectors for one symbol. Ticks come from the ticks stream;
/// each completed bar goes out on the bars stream with the feature vector of its timeframe (the configured
/// <see cref="FeatureOptions"/> on that timeframe, plus the tick-level features), and the last quote of each batch
/// on the quotes stream. Bars and indicators are derived data, rebuilt from the feed after a restart.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Ticks)]
public sealed class InstrumentGrain(
    [PersistentState("instrument")] IPersistentState<InstrumentState> state,
    IOptions<FeatureOptions> features,
    TimeProvider clock,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    public const int BarHistory = 500;
    private static readonly Timeframe[] Served = [Timeframe.M1, Timeframe.M5];
    private static readonly KeyValuePair<string, object?> TicksStream = TradingMetrics.Tag("stream", StreamNames.Ticks);

    private readonly List<TimeframeSeries> _series = [];
    private readonly List<BarAggregator> _extraAggregators = [];
    private Quote? _quote;
    private Tick? _lastTick;
    private DateTimeOffset? _firstTickTime;
    private long _tickCount, _rejectedTicks;
    private StreamSequenceToken? _lastToken;
    private IAsyncStream<BarClosed>? _bars;
    private IAsyncStream<Quote>? _quotes;
    private KeyValuePair<string, object?> _symbolTag;

    private string Symbol => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var provider = this.GetStreamProvider(StreamNames.Provider);
        _symbolTag = TradingMetrics.Tag("symbol", Symbol);
        _bars = provider.GetStream<BarClosed>(StreamNames.Bars, Symbol);
        _quotes = provider.GetStream<Quote>(StreamNames.Quotes, Symbol);
        var definitions = features.Value.Resolve();
        foreach (var timeframe in Served) _series.Add(new TimeframeSeries(Symbol, new FeaturePipeline(definitions, timeframe)));
        // Features may run on timeframes the grain does not serve (an H1 trend filter on the M1 vector).
        foreach (var timeframe in _series.SelectMany(s => s.Pipeline.BarTimeframes).Distinct().Except(Served))
            _extraAggregators.Add(new BarAggregator(Symbol, timeframe));
        await provider.GetStream<TickBatch>(StreamNames.Ticks, Symbol).SubscribeAsync(OnTicksAsync);
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
        var time = _lastTick?.Time ?? DateTimeOffset.MinValue;
        return Task.FromResult(new InstrumentSnapshot(spec, _quote, _series[0].Last(barCount), _series[1].Last(barCount), _tickCount,
            _series.Select(s => s.Pipeline.ToVector(Symbol, time)).ToArray(), _firstTickTime, _lastTick?.Time, _rejectedTicks));
    }

    /// <summary>
    /// A persistent stream (Kafka) redelivers what was not committed when a silo dies; a batch whose token is not
    /// newer than the last one taken was seen by this activation and is skipped.
    /// </summary>
    private async Task OnTicksAsync(TickBatch batch, StreamSequenceToken? token)
    {
        if (token is not null)
        {
            if (_lastToken is not null && !token.Newer(_lastToken))
            {
                logger.LogDebug("Skipped a redelivered tick batch for {Symbol} at {Token}", Symbol, token);
                return;
            }
            _lastToken = token;
        }
        TradingMetrics.StreamLag.Record((clock.GetUtcNow() - batch.PublishedAt).TotalSeconds, TicksStream);
        var (ticksBefore, rejectedBefore) = (_tickCount, _rejectedTicks);
        if (state.State.Spec is null)
        {
            _rejectedTicks += batch.Ticks.Length;
            TradingMetrics.TicksRejected.Add(batch.Ticks.Length, _symbolTag);
            logger.LogError("Dropped {Count} ticks for {Symbol}: the instrument is not configured", batch.Ticks.Length, Symbol);
            return;
        }

        List<BarClosed>? closed = null;
        var fresh = false;
        foreach (var tick in batch.Ticks)
        {
            if (!IsUsable(tick)) { _rejectedTicks++; continue; }
            _tickCount++;
            _firstTickTime ??= tick.Time;
            // The tick closes bars of the previous period first; they are fed to every pipeline before any vector is read.
            foreach (var aggregator in _extraAggregators)
                if (aggregator.Update(tick, out var extra) && extra is not null)
                    foreach (var series in _series) series.Pipeline.OnBar(extra);
            foreach (var series in _series)
                if (series.CloseBar(tick) is { } bar)
                {
                    TradingMetrics.Bars.Add(1, series.BarTags);
                    foreach (var other in _series) other.Pipeline.OnBar(bar);
                }
            foreach (var series in _series)
            {
                if (series.ClosedBar is { } bar)
                    (closed ??= []).Add(new BarClosed(bar, series.Pipeline.ToVector(Symbol, bar.CloseTime), Quote.From(tick), batch.PublishedAt));
                series.Pipeline.OnTick(tick);
            }
            _lastTick = tick;
            fresh = true;
        }
        if (fresh) _quote = Quote.From(_lastTick!.Value);
        TradingMetrics.Ticks.Add(_tickCount - ticksBefore, _symbolTag);
        if (_rejectedTicks != rejectedBefore) TradingMetrics.TicksRejected.Add(_rejectedTicks - rejectedBefore, _symbolTag);

        if (closed is not null)
            foreach (var e in closed) await _bars!.OnNextAsync(e);
        if (_quote is not null) await _quotes!.OnNextAsync(_quote);
    }

    private bool IsUsable(in Tick tick)
    {
        var ok = tick.Symbol == Symbol && double.IsFinite(tick.Bid) && double.IsFinite(tick.Ask) && tick.Bid > 0 && tick.Ask >= tick.Bid
                 && double.IsFinite(tick.BidSize) && tick.BidSize >= 0 && double.IsFinite(tick.AskSize) && tick.AskSize >= 0
                 && (double.IsNaN(tick.LastPrice) || (double.IsFinite(tick.LastPrice) && tick.LastPrice > 0))
                 && double.IsFinite(tick.LastSize) && tick.LastSize >= 0
                 && (_lastTick is not { } last || tick.Time >= last.Time);
        if (!ok && _rejectedTicks % 1000 == 0)
            logger.LogWarning("Rejected tick for {Symbol}: {Tick} (unusable price or out of time order)", Symbol, tick);
        return ok;
    }

    private InstrumentSpec RequireSpec() => state.State.Spec ?? throw new NotFoundException("instrument", Symbol);

    /// <summary>Bars of one timeframe, their recent history and the feature pipeline whose vector goes out with them.</summary>
    private sealed class TimeframeSeries(string symbol, FeaturePipeline pipeline)
    {
        private readonly BarAggregator _aggregator = new(symbol, pipeline.Timeframe);
        private readonly Queue<Bar> _history = new();

        public FeaturePipeline Pipeline { get; } = pipeline;

        public KeyValuePair<string, object?>[] BarTags { get; } = [TradingMetrics.Tag("symbol", symbol), TradingMetrics.Tag("timeframe", pipeline.Timeframe.Name)];

        /// <summary>The bar the last tick closed, if it closed one.</summary>
        public Bar? ClosedBar { get; private set; }

        public Bar? CloseBar(in Tick tick)
        {
            ClosedBar = _aggregator.Update(tick, out var bar) ? bar : null;
            if (ClosedBar is null) return null;
            _history.Enqueue(ClosedBar);
            if (_history.Count > BarHistory) _history.Dequeue();
            return ClosedBar;
        }

        public IReadOnlyList<Bar> Last(int count) => _history.Skip(Math.Max(0, _history.Count - count)).ToList();
    }
}
