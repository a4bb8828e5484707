using AiTrading.Core;
using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

public sealed record CsvReplayOptions
{
    /// <summary>The CSV file to replay.</summary>
    public required string Path { get; init; }

    /// <summary>Default: the file name without extension, upper-cased, non-alphanumerics removed.</summary>
    public string? Symbol { get; init; }

    /// <summary>Bid and ask are synthesised this many basis points apart around bar and trade prices (rounded out
    /// to whole ticks, at least one tick each side). Quote files keep their own bid and ask.</summary>
    public double SpreadBps { get; init; } = 1.0;

    /// <summary>File seconds per wall-clock second, from the first row; 0 replays as fast as possible.</summary>
    public double Speed { get; init; }

    /// <summary>Wall-clock granularity of pacing when <see cref="Speed"/> is positive.</summary>
    public TimeSpan BatchInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <exception cref="ValidationException">Every invalid field, each named.</exception>
    public void Validate()
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(Path)) errors.Add(new("path", "the CSV file to replay is required"));
        if (Symbol is not null && string.IsNullOrWhiteSpace(Symbol))
            errors.Add(new("symbol", "must not be blank (leave it null to derive it from the file name)"));
        else if (Symbol is null && !string.IsNullOrWhiteSpace(Path) && CsvReplayFeed.SymbolFromFileName(Path).Length == 0)
            errors.Add(new("symbol", $"cannot be derived from the file name '{Path}'; set it"));
        if (!double.IsFinite(SpreadBps) || SpreadBps < 0) errors.Add(new("spreadBps", $"must be a finite number of basis points, 0 or more, got {SpreadBps}"));
        if (!double.IsFinite(Speed) || Speed < 0) errors.Add(new("speed", $"must be 0 (as fast as possible) or a positive finite number, got {Speed}"));
        if (BatchInterval <= TimeSpan.Zero) errors.Add(new("batchInterval", $"must be positive, got {BatchInterval}"));
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

/// <summary>
/// Replays a price CSV as ticks. Columns are found by header name (case-insensitive):
/// <list type="bullet">
/// <item>bars, <c>Date[,Time],Open,High,Low,Close[,Adj Close][,Volume]…</c>: each bar becomes four ticks inside
/// its period (the timestamp is taken as the bar's open): the open, the extreme nearer the open, the other
/// extreme, the close, a quarter of the bar apart, each carrying a quarter of the volume as a trade (no trade
/// when the volume is 0). The bar length is the smallest step between the first rows (a day for daily files);
/// a bar is shortened when the next one starts sooner.</item>
/// <item>trades, <c>Datetime,…,Close,Volume</c> with Open = High = Low = Close: one tick per row at Close. A
/// <c>Datetime</c> file whose first rows hold real bars (high ≠ low) is replayed as bars instead.</item>
/// <item>quotes, <c>Bid</c> and <c>Ask</c> with <c>Datetime</c> or <c>Time</c> (optional <c>BidSize</c>,
/// <c>AskSize</c>): one tick per row.</item>
/// </list>
/// Timestamps are UTC. The file is streamed; the constructor reads the header and the first
/// <see cref="ProbeRows"/> rows (instrument, tick size, bar length), so problems there surface from it; the rest
/// surface while reading. Every problem is a <see cref="CsvFormatException"/>.
/// </summary>
public sealed class CsvReplayFeed : IMarketDataFeed
{
    public const int ProbeRows = 256;

    private readonly CsvReplayOptions _options;
    private readonly TimeProvider _clock;
    private readonly string _symbol;
    private readonly CsvKind _kind;
    private readonly InstrumentSpec _spec;

    public CsvReplayFeed(CsvReplayOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _clock = timeProvider ?? TimeProvider.System;
        _symbol = options.Symbol is { } symbol ? InstrumentCatalog.NormalizeSymbol(symbol) : SymbolFromFileName(options.Path);

        var probe = CsvProbe.Read(options.Path);
        _kind = probe.Kind;
        BarLength = probe.BarLength;
        _spec = probe.InstrumentFor(_symbol);
        Instruments = [_spec];
    }

    public IReadOnlyList<InstrumentSpec> Instruments { get; }

    /// <summary>The inferred length of a bar; null for trade and quote files.</summary>
    public TimeSpan? BarLength { get; }

    public IAsyncEnumerable<IReadOnlyList<Tick>> ReadAsync(CancellationToken cancellationToken) =>
        TickBatcher.ReadAsync(ReadTicks(), _options.Speed, null, _options.BatchInterval, _clock, cancellationToken);

    internal static string SymbolFromFileName(string path) =>
        string.Concat(System.IO.Path.GetFileNameWithoutExtension(path).Where(char.IsAsciiLetterOrDigit)).ToUpperInvariant();

    /// <summary>Every tick of the file in order, as fast as it can be read (what <see cref="ReadAsync"/> paces).</summary>
    public IEnumerable<Tick> ReadTicks()
    {
        using var reader = CsvRowReader.Open(_options.Path, strictlyIncreasing: _kind == CsvKind.Bars);
        if (_kind != CsvKind.Bars)
        {
            while (reader.TryRead(out var row))
                yield return _kind == CsvKind.Trades
                    ? Synthesise(row.Time, row.Close, row.Volume)
                    : new Tick(_symbol, Utc(row.Time), row.Bid, row.Ask, row.BidSize, row.AskSize);
            yield break;
        }

        var barTicks = BarLength!.Value.Ticks;
        if (!reader.TryRead(out var bar)) yield break;
        while (true)
        {
            var more = reader.TryRead(out var next);
            var quarter = (more ? Math.Min(barTicks, next.Time - bar.Time) : barTicks) / 4;
            // The extreme nearer the open comes first; on a tie, the one farther from the close, so the path is shortest.
            var upFromOpen = bar.High - bar.Open;
            var downFromOpen = bar.Open - bar.Low;
            var highFirst = upFromOpen < downFromOpen || (upFromOpen == downFromOpen && bar.High - bar.Close >= bar.Close - bar.Low);
            var volume = bar.Volume / 4;
            yield return Synthesise(bar.Time, bar.Open, volume);
            yield return Synthesise(bar.Time + quarter, highFirst ? bar.High : bar.Low, volume);
            yield return Synthesise(bar.Time + 2 * quarter, highFirst ? bar.Low : bar.High, volume);
            yield return Synthesise(bar.Time + 3 * quarter, bar.Close, volume);
            if (!more) yield break;
            bar = next;
        }
    }

    private Tick Synthesise(long time, double price, double volume)
    {
        var tick = _spec.TickSize;
        var halfTicks = Math.Max(1, Math.Ceiling(Math.Abs(price) * _options.SpreadBps / 20_000 / tick - 1e-9));
        var decimals = _spec.PriceDecimals;
        var bid = Math.Round(price - halfTicks * tick, decimals);
        var ask = Math.Round(price + halfTicks * tick, decimals);
        var size = _spec.QuoteSize;
        return volume > 0
            ? new Tick(_symbol, Utc(time), bid, ask, size, size, price, volume)
            : new Tick(_symbol, Utc(time), bid, ask, size, size);
    }

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
}
