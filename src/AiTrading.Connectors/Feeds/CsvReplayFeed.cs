using System.Globalization;
using System.Runtime.CompilerServices;
using AiTrading.Core;
using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

/// <summary>A CSV file that cannot be read; the message names the file, the line (header = 1) and the column.</summary>
public sealed class CsvFormatException(string path, int line, string? column, string message)
    : FormatException($"{path}:{line}{(column is null ? "" : $" column '{column}'")}: {message}")
{
    public string Path { get; } = path;
    public int Line { get; } = line;
    public string? Column { get; } = column;
}

public sealed record CsvReplayOptions
{
    public required string Path { get; init; }
    /// <summary>Default: the file name, upper-cased, letters and digits only.</summary>
    public string? Symbol { get; init; }
    /// <summary>Bid/ask are synthesised this many basis points apart around each price.</summary>
    public double SpreadBps { get; init; } = 1.0;
    /// <summary>Simulated seconds per wall-clock second; 0 replays as fast as possible.</summary>
    public double Speed { get; init; }
    public int BatchSize { get; init; } = 500;

    public void Validate()
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(Path)) errors.Add(new("path", "is required"));
        else if (!File.Exists(Path)) errors.Add(new("path", $"file '{Path}' does not exist"));
        if (Symbol is not null && (Symbol.Length == 0 || !Symbol.All(char.IsAsciiLetterOrDigit)))
            errors.Add(new("symbol", $"'{Symbol}' must be letters and digits"));
        if (!(SpreadBps > 0) || double.IsInfinity(SpreadBps)) errors.Add(new("spreadBps", $"must be a positive number (got {SpreadBps})"));
        if (!(Speed >= 0) || double.IsInfinity(Speed)) errors.Add(new("speed", $"must be 0 or a positive number (got {Speed})"));
        if (BatchSize <= 0) errors.Add(new("batchSize", "must be positive"));
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

/// <summary>
/// Replays a CSV of OHLCV bars (<c>Date[,Time],Open,High,Low,Close[,Adj Close],Volume</c>) or trades
/// (<c>Datetime,Open,High,Low,Close,Volume</c> with one price per row) as ticks. A bar becomes four ticks inside
/// its period: open, the extreme nearer the open, the other extreme, close; its volume is split across them.
/// </summary>
public sealed class CsvReplayFeed : IMarketDataFeed
{
    private readonly CsvReplayOptions _options;
    private readonly TimeProvider _clock;
    private readonly string _symbol;

    public CsvReplayFeed(CsvReplayOptions options, TimeProvider? clock = null)
    {
        options.Validate();
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _symbol = options.Symbol is { } s ? InstrumentCatalog.NormalizeSymbol(s)
            : new string(System.IO.Path.GetFileNameWithoutExtension(options.Path).Where(char.IsAsciiLetterOrDigit).ToArray()).ToUpperInvariant();
        if (_symbol.Length == 0) throw new ValidationException("symbol", $"cannot be derived from the file name '{options.Path}'");

        var (first, decimals, step) = Probe();
        Step = step;
        Instruments = [InstrumentCatalog.Default.TryGetValue(_symbol, out var known) ? known
            : InstrumentCatalog.Custom(_symbol, first.Close, Math.Pow(10, -decimals))];
    }

    public IReadOnlyList<InstrumentSpec> Instruments { get; }

    /// <summary>Bar length inferred from the file: the smallest gap between the first timestamps.</summary>
    public TimeSpan Step { get; }

    public async IAsyncEnumerable<IReadOnlyList<Tick>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pacer = new Pacer(_options.Speed, _clock);
        var batch = new List<Tick>(_options.BatchSize);
        foreach (var row in Rows())
        {
            cancellationToken.ThrowIfCancellationRequested();
            AddTicks(row, batch);
            if (batch.Count >= _options.BatchSize)
            {
                await pacer.WaitUntilAsync(batch[^1].Time, cancellationToken);
                yield return batch;
                batch = new List<Tick>(_options.BatchSize);
            }
        }
        if (batch.Count > 0) yield return batch;
    }

    private void AddTicks(Row row, List<Tick> batch)
    {
        if (row.IsTrade)
        {
            batch.Add(TickAt(row.Time, row.Close, row.Volume));
            return;
        }
        var quarter = Step / 4;
        var highFirst = row.High - row.Open <= row.Open - row.Low;
        var (second, third) = highFirst ? (row.High, row.Low) : (row.Low, row.High);
        var volume = row.Volume / 4;
        batch.Add(TickAt(row.Time, row.Open, volume));
        batch.Add(TickAt(row.Time + quarter, second, volume));
        batch.Add(TickAt(row.Time + 2 * quarter, third, volume));
        batch.Add(TickAt(row.Time + 3 * quarter, row.Close, volume));
    }

    private Tick TickAt(DateTimeOffset time, double price, double volume)
    {
        var half = price * _options.SpreadBps / 20_000;
        return new Tick(_symbol, time, price - half, price + half, 0, 0, volume > 0 ? price : double.NaN, volume);
    }

    private (Row First, int Decimals, TimeSpan Step) Probe()
    {
        Row? first = null;
        var decimals = 0;
        var step = TimeSpan.MaxValue;
        DateTimeOffset? previous = null;
        var n = 0;
        foreach (var row in Rows())
        {
            first ??= row;
            decimals = Math.Max(decimals, row.Decimals);
            if (previous is { } p) step = row.Time - p < step ? row.Time - p : step;
            previous = row.Time;
            if (++n >= 200) break;
        }
        if (first is null) throw new CsvFormatException(_options.Path, 2, null, "the file has no data rows");
        return (first, Math.Clamp(decimals, 0, 8), first.IsTrade || step == TimeSpan.MaxValue ? TimeSpan.FromMinutes(1) : step);
    }

    private sealed record Row(DateTimeOffset Time, double Open, double High, double Low, double Close, double Volume, bool IsTrade, int Decimals);

    private IEnumerable<Row> Rows()
    {
        var path = _options.Path;
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new CsvFormatException(path, 1, null, "the file is empty (a header row is required)");
        var columns = header.Split(',').Select(c => c.Trim()).ToArray();
        int Find(string name, bool required = true)
        {
            var i = Array.FindIndex(columns, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (i < 0 && required) throw new CsvFormatException(path, 1, name, $"required column is missing (header: {header})");
            return i;
        }
        var datetime = Find("Datetime", required: false);
        var date = datetime < 0 ? Find("Date") : -1;
        var time = datetime < 0 ? Find("Time", required: false) : -1;
        var (open, high, low, close) = (Find("Open"), Find("High"), Find("Low"), Find("Close"));
        var volume = Find("Volume", required: false);
        var isTrades = datetime >= 0;

        DateTimeOffset? last = null;
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length < columns.Length) throw new CsvFormatException(path, lineNumber, null, $"has {cells.Length} cells where the header has {columns.Length}");
            var stamp = isTrades ? ParseTime(cells[datetime], null, lineNumber, "Datetime")
                : ParseTime(cells[date], time >= 0 ? cells[time] : null, lineNumber, "Date");
            // Several trades may share a timestamp; two bars may not.
            if (last is { } l && (stamp < l || (stamp == l && !isTrades)))
                throw new CsvFormatException(path, lineNumber, isTrades ? "Datetime" : "Date",
                    $"timestamp {stamp:O} is not after the previous row's {l:O} (rows must be sorted{(isTrades ? "" : ", without duplicate bars")})");
            last = stamp;
            var decimals = 0;
            double Number(int index, string name)
            {
                var text = cells[index].Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                    throw new CsvFormatException(path, lineNumber, name, $"'{text}' is not a number");
                var dot = text.IndexOf('.');
                if (dot >= 0) decimals = Math.Max(decimals, text.Length - dot - 1);
                return value;
            }
            var (o, h, lo, c) = (Number(open, "Open"), Number(high, "High"), Number(low, "Low"), Number(close, "Close"));
            var v = volume >= 0 ? Number(volume, "Volume") : 0;
            if (o <= 0 || h <= 0 || lo <= 0 || c <= 0) throw new CsvFormatException(path, lineNumber, null, "prices must be positive");
            if (lo > Math.Min(o, c) || h < Math.Max(o, c)) throw new CsvFormatException(path, lineNumber, null, $"low {lo} and high {h} do not contain open {o} and close {c}");
            if (v < 0) throw new CsvFormatException(path, lineNumber, "Volume", $"volume {v} is negative");
            yield return new Row(stamp, o, h, lo, c, v, isTrades, decimals);
        }
    }

    private DateTimeOffset ParseTime(string dateText, string? timeText, int line, string column)
    {
        var text = timeText is null ? dateText.Trim() : $"{dateText.Trim()}T{timeText.Trim()}";
        string[] formats = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];
        if (DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            return new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        throw new CsvFormatException(_options.Path, line, column, $"'{text}' is not a date/time (expected yyyy-MM-dd[THH:mm:ss[.fff]])");
    }
}
