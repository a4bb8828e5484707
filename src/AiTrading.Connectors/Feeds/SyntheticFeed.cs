using System.Runtime.CompilerServices;
using AiTrading.Core;
using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

public sealed record SyntheticFeedOptions
{
    public IReadOnlyList<string> Symbols { get; init; } = ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"];
    public int Seed { get; init; } = 42;
    /// <summary>Simulated seconds per wall-clock second after the backfill; 0 emits as fast as possible.</summary>
    public double Speed { get; init; } = 60;
    /// <summary>Simulated history emitted at full speed first, so indicators are warm within seconds.</summary>
    public TimeSpan Backfill { get; init; } = TimeSpan.FromMinutes(60);
    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Wall-clock granularity of pacing.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    public long? MaxTicks { get; init; }

    public void Validate()
    {
        var errors = new List<FieldError>();
        if (Symbols is null || Symbols.Count == 0) errors.Add(new("symbols", "must name at least one symbol"));
        else foreach (var s in Symbols.Where(s => !InstrumentCatalog.Default.ContainsKey(s)))
            errors.Add(new("symbols", $"'{s}' is not a synthetic instrument (use {string.Join(", ", InstrumentCatalog.Default.Keys)})"));
        if (!(Speed >= 0) || double.IsInfinity(Speed)) errors.Add(new("speed", $"must be 0 or a positive number (got {Speed})"));
        if (Backfill < TimeSpan.Zero) errors.Add(new("backfill", "must not be negative"));
        if (BatchInterval <= TimeSpan.Zero) errors.Add(new("batchInterval", "must be positive"));
        if (MaxTicks is <= 0) errors.Add(new("maxTicks", "must be positive"));
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

/// <summary>
/// Geometric Brownian motion per symbol with exponential inter-arrival times (the spec's mean tick rate), a
/// spread around the spec's typical spread (log-normal, at least one tick) and prices on the tick grid.
/// The same options give the same ticks.
/// </summary>
public sealed class SyntheticFeed : IMarketDataFeed
{
    private const double SecondsPerYear = 365.0 * 24 * 3600;
    private const int BatchSize = 1000;
    private readonly SyntheticFeedOptions _options;
    private readonly TimeProvider _clock;

    public SyntheticFeed(SyntheticFeedOptions options, TimeProvider? clock = null)
    {
        options.Validate();
        _options = options;
        _clock = clock ?? TimeProvider.System;
        Instruments = options.Symbols.Select(s => InstrumentCatalog.Default[s]).ToList();
    }

    public IReadOnlyList<InstrumentSpec> Instruments { get; }

    public async IAsyncEnumerable<IReadOnlyList<Tick>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var paths = Instruments.Select((spec, i) => new Path(spec, _options.Seed * 7919 + i, _options.Start)).ToArray();
        var pacer = new Pacer(_options.Speed, _clock);
        var liveFrom = _options.Start + _options.Backfill;
        long emitted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var horizon = NextHorizon(paths, liveFrom);
            var batch = new List<Tick>();
            while (batch.Count < BatchSize)
            {
                var next = paths[0];
                for (var i = 1; i < paths.Length; i++) if (paths[i].NextTime < next.NextTime) next = paths[i];
                if (next.NextTime > horizon) break;
                batch.Add(next.Emit());
                if (_options.MaxTicks is { } max && ++emitted >= max) { yield return batch; yield break; }
            }
            if (batch.Count > 0 && batch[^1].Time >= liveFrom) await pacer.WaitUntilAsync(batch[^1].Time, cancellationToken);
            if (batch.Count > 0) yield return batch;
        }
    }

    private DateTimeOffset NextHorizon(Path[] paths, DateTimeOffset liveFrom)
    {
        var earliest = paths.Min(p => p.NextTime);
        if (_options.Speed <= 0 || earliest < liveFrom) return earliest < liveFrom ? liveFrom : DateTimeOffset.MaxValue;
        return earliest + _options.BatchInterval * _options.Speed;
    }

    private sealed class Path(InstrumentSpec spec, int seed, DateTimeOffset start)
    {
        private readonly Random _random = new(seed);
        private double _mid = spec.InitialPrice;

        public DateTimeOffset NextTime { get; private set; } = start;

        public Tick Emit()
        {
            var time = NextTime;
            var dt = -Math.Log(1 - _random.NextDouble()) / spec.TicksPerSecond;
            NextTime = time + TimeSpan.FromSeconds(dt);
            var sigma = spec.AnnualVolatility * Math.Sqrt(dt / SecondsPerYear);
            _mid *= Math.Exp(-0.5 * sigma * sigma + sigma * Normal());

            var spread = Math.Max(spec.TickSize, spec.TypicalSpread * Math.Exp(0.25 * Normal() - 0.03125));
            var bid = Math.Floor((_mid - spread / 2) / spec.TickSize) * spec.TickSize;
            var ask = Math.Ceiling((_mid + spread / 2) / spec.TickSize) * spec.TickSize;
            if (ask <= bid) ask = bid + spec.TickSize;
            var decimals = spec.PriceDecimals;
            var size = Math.Round(spec.QuoteSize * (0.5 + _random.NextDouble()));
            return new Tick(spec.Symbol, time, Math.Round(bid, decimals), Math.Round(ask, decimals), size, size);
        }

        private double Normal()
        {
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }
}
