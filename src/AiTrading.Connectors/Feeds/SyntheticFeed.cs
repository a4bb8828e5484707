using System.Runtime.CompilerServices;
using AiTrading.Core;
using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

public sealed record SyntheticFeedOptions
{
    /// <summary>Symbols of <see cref="InstrumentCatalog.Default"/> to simulate.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"];

    /// <summary>The same seed (and symbols and start) gives the same ticks.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Simulated seconds per wall-clock second once the backfill is out; 0 emits as fast as possible.</summary>
    public double Speed { get; init; } = 60;

    /// <summary>Simulated history, from <see cref="Start"/>, emitted at full speed before pacing starts, so
    /// indicators are warm within seconds.</summary>
    public TimeSpan Backfill { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Simulated time of the beginning of the series.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Wall-clock granularity of pacing: at most one batch per interval once paced.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Stop after this many ticks (all symbols together); null runs until cancelled.</summary>
    public long? MaxTicks { get; init; }

    /// <exception cref="ValidationException">Every invalid field, each named.</exception>
    public void Validate()
    {
        var errors = new List<FieldError>();
        if (Symbols is null || Symbols.Count == 0) errors.Add(new("symbols", "at least one symbol is required"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var symbol in Symbols ?? [])
        {
            if (string.IsNullOrWhiteSpace(symbol)) { errors.Add(new("symbols", "a symbol is empty")); continue; }
            var normalized = InstrumentCatalog.NormalizeSymbol(symbol);
            if (!InstrumentCatalog.Default.ContainsKey(normalized))
                errors.Add(new("symbols", $"'{symbol}' is not a known instrument (known: {string.Join(", ", InstrumentCatalog.Default.Keys)})"));
            else if (!seen.Add(normalized)) errors.Add(new("symbols", $"'{normalized}' is listed twice"));
        }
        if (!double.IsFinite(Speed) || Speed < 0) errors.Add(new("speed", $"must be 0 (as fast as possible) or a positive finite number, got {Speed}"));
        if (Backfill < TimeSpan.Zero) errors.Add(new("backfill", $"must not be negative, got {Backfill}"));
        if (BatchInterval <= TimeSpan.Zero) errors.Add(new("batchInterval", $"must be positive, got {BatchInterval}"));
        if (MaxTicks is <= 0) errors.Add(new("maxTicks", $"must be positive when set, got {MaxTicks}"));
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

/// <summary>
/// Simulated quotes. Per symbol the mid follows geometric Brownian motion with the instrument's annual
/// volatility (annualised over 365·24·3600 s) at exponential inter-arrival times with mean 1/TicksPerSecond;
/// the spread is the typical spread times a log-normal factor, a whole number of ticks and at least one; bid and
/// ask sit on the tick grid; sizes are around the quote size. Quotes carry no trades. Each symbol has its own
/// generator seeded from the seed and the symbol, so the same options give the same ticks whatever the pacing.
/// </summary>
public sealed class SyntheticFeed : IMarketDataFeed
{
    private const double SecondsPerYear = 365.0 * 24 * 3600;

    private readonly SyntheticFeedOptions _options;
    private readonly TimeProvider _clock;

    public SyntheticFeed(SyntheticFeedOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _clock = timeProvider ?? TimeProvider.System;
        Instruments = options.Symbols.Select(s => InstrumentCatalog.Default[InstrumentCatalog.NormalizeSymbol(s)]).ToArray();
    }

    public IReadOnlyList<InstrumentSpec> Instruments { get; }

    public IAsyncEnumerable<IReadOnlyList<Tick>> ReadAsync(CancellationToken cancellationToken) =>
        TickBatcher.ReadAsync(Generate(), _options.Speed, _options.Start + _options.Backfill, _options.BatchInterval, _clock, cancellationToken);

    private IEnumerable<Tick> Generate()
    {
        var paths = new PricePath[Instruments.Count];
        for (var i = 0; i < paths.Length; i++) paths[i] = new PricePath(Instruments[i], _options.Seed, _options.Start.UtcTicks);
        var remaining = _options.MaxTicks ?? long.MaxValue;
        while (remaining-- > 0)
        {
            var next = paths[0];
            for (var i = 1; i < paths.Length; i++)
                if (paths[i].NextTime < next.NextTime) next = paths[i];
            yield return next.Emit();
        }
    }

    /// <summary>One symbol's simulated price, with its own generator.</summary>
    private sealed class PricePath
    {
        private readonly InstrumentSpec _spec;
        private readonly Xoshiro256StarStar _random;
        private readonly double _meanArrival; // in 100 ns units
        private readonly int _decimals;
        private long _lastTime;
        private double _mid;

        public PricePath(InstrumentSpec spec, int seed, long startTicks)
        {
            _spec = spec;
            _random = new Xoshiro256StarStar(SeedFor(seed, spec.Symbol));
            _meanArrival = TimeSpan.TicksPerSecond / spec.TicksPerSecond;
            _decimals = spec.PriceDecimals;
            _mid = spec.InitialPrice;
            _lastTime = startTicks;
            NextTime = startTicks + Arrival();
        }

        public long NextTime { get; private set; }

        public Tick Emit()
        {
            var time = NextTime;
            var dtYears = (time - _lastTime) / (double)TimeSpan.TicksPerSecond / SecondsPerYear;
            _lastTime = time;
            NextTime = time + Arrival();

            var sigma = _spec.AnnualVolatility;
            _mid *= Math.Exp(-0.5 * sigma * sigma * dtYears + sigma * Math.Sqrt(dtYears) * _random.NextNormal());

            // Log-normal factor with mean 1 (σ = 0.25), then a whole number of ticks, at least one.
            var tick = _spec.TickSize;
            var spread = _spec.TypicalSpread * Math.Exp(0.25 * _random.NextNormal() - 0.03125);
            var spreadTicks = Math.Max(1, Math.Round(spread / tick));
            var bidTicks = Math.Round(_mid / tick - spreadTicks / 2);
            var bid = Math.Round(bidTicks * tick, _decimals);
            var ask = Math.Round((bidTicks + spreadTicks) * tick, _decimals);
            var bidSize = Math.Max(1, Math.Round(_spec.QuoteSize * (0.5 + _random.NextDouble())));
            var askSize = Math.Max(1, Math.Round(_spec.QuoteSize * (0.5 + _random.NextDouble())));
            return new Tick(_spec.Symbol, new DateTimeOffset(time, TimeSpan.Zero), bid, ask, bidSize, askSize);
        }

        // At least one 100 ns unit, so a symbol's times strictly increase.
        private long Arrival() => Math.Max(1, (long)Math.Round(_random.NextExponential() * _meanArrival));

        private static ulong SeedFor(int seed, string symbol)
        {
            // FNV-1a of the symbol: stable across processes, unlike string.GetHashCode.
            var hash = 14695981039346656037UL;
            foreach (var c in symbol) hash = (hash ^ c) * 1099511628211UL;
            var state = (ulong)(uint)seed ^ hash;
            return Xoshiro256StarStar.SplitMix64(ref state);
        }
    }
}
