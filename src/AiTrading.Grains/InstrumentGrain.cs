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
    /// <summary>The timeframes strategies asked for besides M1 and M5, by name, in the order they were asked for.</summary>
    [Id(1)] public List<string> Timeframes { get; set; } = [];
}

/// <summary>
/// Quote, bars and their feature vectors for one symbol: 1- and 5-minute bars always, and bars of every other
/// timeframe a strategy asked for (<see cref="ServeTimeframeAsync"/>, kept in the state so a restart builds them
/// again). Ticks come from the ticks stream; each completed bar goes out on the bars stream with the feature vector
/// of its timeframe (the configured <see cref="FeatureOptions"/> on that timeframe, plus the tick-level features), and
/// the last quote of each batch on the quotes stream. Bars and indicators are derived data, rebuilt from the feed
/// after a restart.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Ticks)]
public sealed class InstrumentGrain(
    [PersistentState("instrument")] IPersistentState<InstrumentState> state,
    IOptions<FeatureOptions> features,
    TimeProvider clock,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    public const int BarHistory = 500;
    /// <summary>The most timeframes an instrument builds besides M1 and M5: each costs a feature pipeline per tick.</summary>
    public const int MaxTimeframes = 8;
    private static readonly Timeframe[] Served = [Timeframe.M1, Timeframe.M5];
    private static readonly KeyValuePair<string, object?> TicksStream = TradingMetrics.Tag("stream", StreamNames.Ticks);

    private readonly List<TimeframeSeries> _series = [];
    private readonly List<BarAggregator> _extraAggregators = [];
    private IReadOnlyList<FeatureDefinition> _definitions = [];
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
        _definitions = features.Value.Resolve();
        foreach (var timeframe in Served.Concat(state.State.Timeframes.Select(Timeframe.Parse))) AddSeries(timeframe);
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

    public async Task ServeTimeframeAsync(string timeframe)
    {
        RequireSpec();
        if (!Timeframe.TryParseName(timeframe, out var parsed, out var problem)) throw new ValidationException("timeframe", problem);
        if (_series.Any(s => s.Pipeline.Timeframe == parsed)) return;
        if (state.State.Timeframes.Count >= MaxTimeframes)
            throw new ValidationException("timeframe", $"{Symbol} builds {MaxTimeframes} timeframes besides M1 and M5 already " +
                                                       $"({string.Join(", ", state.State.Timeframes)}); it builds no more");
        state.State.Timeframes.Add(parsed.Name);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Timeframes.Remove(parsed.Name);
            throw;
        }
        AddSeries(parsed);
    }

    /// <summary>
    /// A series of <paramref name="timeframe"/>, and aggregators for the other timeframes its features read (an H1 trend
    /// filter on the M1 vector). A series takes over the aggregator features already ran for its timeframe; one begun
    /// from nothing after ticks have come drops its first bar, which would lack the start of its period.
    /// </summary>
    private void AddSeries(Timeframe timeframe)
    {
        var running = _extraAggregators.Find(a => a.Timeframe == timeframe);
        if (running is not null) _extraAggregators.Remove(running);
        var series = new TimeframeSeries(Symbol, new FeaturePipeline(_definitions, timeframe), running, running is null ? _lastTick?.Time : null);
        _series.Add(series);
        foreach (var other in series.Pipeline.BarTimeframes)
            if (!_series.Any(s => s.Pipeline.Timeframe == other) && !_extraAggregators.Any(a => a.Timeframe == other))
                _extraAggregators.Add(new BarAggregator(Symbol, other));
    }

    public Task<Quote?> GetQuoteAsync() => Task.FromResult(_quote);

    public Task<InstrumentSnapshot> GetSnapshotAsync(int barCount)
    {
        var spec = RequireSpec();
        if (barCount is < 0 or > BarHistory) throw new ValidationException("bars", $"must be between 0 and {BarHistory} (got {barCount})");
        var time = _lastTick?.Time ?? DateTimeOffset.MinValue;
        return Task.FromResult(new InstrumentSnapshot(spec, _quote, _series[0].Last(barCount), _series[1].Last(barCount), _tickCount,
            _series.Select(s => s.Pipeline.ToVector(Symbol, time)).ToArray(), _firstTickTime, _lastTick?.Time, _rejectedTicks,
            _series.ToDictionary(s => s.Pipeline.Timeframe.Name, s => s.Last(barCount), StringComparer.Ordinal)));
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
        var ok = tick.Symbol == Symbol && tick.HasTradablePrices
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
    /// <param name="running">an aggregator that has built this timeframe's bars so far, to go on from</param>
    /// <param name="missedSince">the last tick before the series began: a first bar open at or before it lacks ticks and is dropped</param>
    private sealed class TimeframeSeries(string symbol, FeaturePipeline pipeline, BarAggregator? running, DateTimeOffset? missedSince)
    {
        private readonly BarAggregator _aggregator = running ?? new(symbol, pipeline.Timeframe);
        private readonly Queue<Bar> _history = new();
        private DateTimeOffset? _missedSince = missedSince;

        public FeaturePipeline Pipeline { get; } = pipeline;

        public KeyValuePair<string, object?>[] BarTags { get; } = [TradingMetrics.Tag("symbol", symbol), TradingMetrics.Tag("timeframe", pipeline.Timeframe.Name)];

        /// <summary>The bar the last tick closed, if it closed one.</summary>
        public Bar? ClosedBar { get; private set; }

        public Bar? CloseBar(in Tick tick)
        {
            ClosedBar = _aggregator.Update(tick, out var bar) ? bar : null;
            if (ClosedBar is null) return null;
            if (_missedSince is { } missed)
            {
                _missedSince = null;
                if (ClosedBar.OpenTime <= missed) return ClosedBar = null;
            }
            _history.Enqueue(ClosedBar);
            if (_history.Count > BarHistory) _history.Dequeue();
            return ClosedBar;
        }

        public IReadOnlyList<Bar> Last(int count) => _history.Skip(Math.Max(0, _history.Count - count)).ToList();
    }
}
