using System.Globalization;

namespace AiTrading.Connectors.Feeds;

internal enum CsvKind
{
    /// <summary>OHLC bars, replayed as four ticks each.</summary>
    Bars,
    /// <summary>One trade per row (a <c>Datetime</c> column, Open = High = Low = Close).</summary>
    Trades,
    /// <summary>One quote per row (<c>Bid</c> and <c>Ask</c> columns).</summary>
    Quotes,
}

/// <summary>Where the columns of a price CSV are, located by header name (case-insensitive).</summary>
internal sealed class CsvLayout
{
    public required char Delimiter { get; init; }
    public required CsvKind Kind { get; init; }
    public required string TimeColumn { get; init; }
    public int DateTime { get; init; } = -1;
    public int Date { get; init; } = -1;
    public int Time { get; init; } = -1;
    public int Open { get; init; } = -1;
    public int High { get; init; } = -1;
    public int Low { get; init; } = -1;
    public int Close { get; init; } = -1;
    public int Volume { get; init; } = -1;
    public int Bid { get; init; } = -1;
    public int Ask { get; init; } = -1;
    public int BidSize { get; init; } = -1;
    public int AskSize { get; init; } = -1;
    public required int FieldCount { get; init; }
    /// <summary>Per column: its canonical name (Date, Open, ...) when it is one the reader uses, else the header text.</summary>
    public required string[] ColumnNames { get; init; }

    public bool HasOhlc => Open >= 0 && High >= 0 && Low >= 0 && Close >= 0;

    /// <param name="volumeColumn">The column holding traded volume; when null, a column named Volume if there is one.</param>
    public static CsvLayout Parse(string path, string header, string? volumeColumn = null)
    {
        var delimiter = header.Contains(',') ? ',' : header.Contains(';') ? ';' : header.Contains('\t') ? '\t' : ',';
        var names = header.Split(delimiter).Select(n => n.Trim().Trim('"').Trim()).ToArray();
        int Find(params string[] candidates)
        {
            foreach (var candidate in candidates)
            {
                var index = Array.FindIndex(names, n => n.Equals(candidate, StringComparison.OrdinalIgnoreCase));
                if (index >= 0) return index;
            }
            return -1;
        }
        string[] Canonical(params (int Index, string Name)[] used)
        {
            var canonical = (string[])names.Clone();
            foreach (var (index, name) in used)
                if (index >= 0) canonical[index] = name;
            return canonical;
        }
        CsvFormatException Missing(string column, string why) =>
            new(path, 1, column, $"required column is missing ({why}); the header is '{header}'", reason: $"required column is missing ({why})");

        var dateTime = Find("Datetime");
        var date = Find("Date");
        var time = Find("Time");
        var (open, high, low, close) = (Find("Open"), Find("High"), Find("Low"), Find("Close"));
        var volume = Find(volumeColumn ?? "Volume");
        if (volumeColumn is not null && volume < 0)
            throw new CsvFormatException(path, 1, volumeColumn, $"the volume column is not in the header '{header}'", reason: "the volume column is not in the header");
        var (bid, ask) = (Find("Bid"), Find("Ask"));
        var (bidSize, askSize) = (Find("BidSize", "BidVolume"), Find("AskSize", "AskVolume"));

        if (bid >= 0 || ask >= 0)
        {
            if (bid < 0) throw Missing("Bid", "a quote file needs Bid and Ask");
            if (ask < 0) throw Missing("Ask", "a quote file needs Bid and Ask");
            if (dateTime < 0 && date < 0 && time < 0) throw Missing("Datetime", "a quote file needs Datetime, Time or Date and Time");
            // A lone Time column holds the whole timestamp.
            var stamp = dateTime >= 0 ? dateTime : date < 0 ? time : -1;
            var (qDate, qTime) = stamp >= 0 ? (-1, -1) : (date, time);
            return new CsvLayout
            {
                Delimiter = delimiter, Kind = CsvKind.Quotes, FieldCount = names.Length,
                TimeColumn = stamp == dateTime && stamp >= 0 ? "Datetime" : stamp >= 0 ? "Time" : "Date",
                DateTime = stamp, Date = qDate, Time = qTime, Bid = bid, Ask = ask, BidSize = bidSize, AskSize = askSize,
                ColumnNames = Canonical((dateTime, "Datetime"), (qDate, "Date"), (time, "Time"), (bid, "Bid"), (ask, "Ask"), (bidSize, "BidSize"), (askSize, "AskSize")),
            };
        }
        if (dateTime >= 0)
        {
            if (close < 0) throw Missing("Close", "a trade file needs the price in Close");
            return new CsvLayout
            {
                Delimiter = delimiter, Kind = CsvKind.Trades, FieldCount = names.Length, TimeColumn = "Datetime",
                DateTime = dateTime, Open = open, High = high, Low = low, Close = close, Volume = volume,
                ColumnNames = Canonical((dateTime, "Datetime"), (open, "Open"), (high, "High"), (low, "Low"), (close, "Close"), (volume, "Volume")),
            };
        }
        if (date < 0) throw Missing("Date", "a bar file needs Date (and Time when intraday); a tick file needs Datetime");
        foreach (var (index, name) in new[] { (open, "Open"), (high, "High"), (low, "Low"), (close, "Close") })
            if (index < 0) throw Missing(name, "a bar file needs Open, High, Low and Close");
        return new CsvLayout
        {
            Delimiter = delimiter, Kind = CsvKind.Bars, FieldCount = names.Length, TimeColumn = "Date",
            Date = date, Time = time, Open = open, High = high, Low = low, Close = close, Volume = volume,
            ColumnNames = Canonical((date, "Date"), (time, "Time"), (open, "Open"), (high, "High"), (low, "Low"), (close, "Close"), (volume, "Volume")),
        };
    }
}

/// <summary>One parsed data row. Absent columns read NaN (prices) or 0 (sizes).</summary>
internal struct CsvRow
{
    public int Line;
    public long Time; // UTC ticks
    public double Open, High, Low, Close, Volume, Bid, Ask, BidSize, AskSize;
    public int Decimals; // most digits after the decimal point among the prices
}

/// <summary>
/// Streams the data rows of a price CSV, one line at a time, checking every cell it uses and the time order.
/// Every problem is a <see cref="CsvFormatException"/> naming the file, line and column.
/// </summary>
internal sealed class CsvRowReader : IDisposable
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyyMMdd", "yyyyMMdd HHmmss", "yyyyMMdd HH:mm:ss", "yyyy.MM.dd", "yyyy.MM.dd HH:mm",
        "yyyy.MM.dd HH:mm:ss", "yyyy.MM.dd HH:mm:ss.FFFFFFF",
    ];
    private static readonly string[] TimeOfDayFormats = [@"h\:mm\:ss", @"h\:mm\:ss\.FFFFFFF", @"h\:mm", "hhmmss", "hhmm"];
    private const DateTimeStyles Utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;

    private readonly StreamReader _reader;
    private readonly string _path;
    private readonly bool _strictlyIncreasing;
    private readonly Range[] _fields;
    private int _line = 1;
    private long _previousTime = long.MinValue;

    private CsvRowReader(StreamReader reader, string path, CsvLayout layout, bool strictlyIncreasing)
    {
        _reader = reader;
        _path = path;
        Layout = layout;
        _strictlyIncreasing = strictlyIncreasing;
        _fields = new Range[layout.FieldCount + 1];
    }

    public CsvLayout Layout { get; }

    /// <summary>Opens the file and reads its header. Bars must strictly increase in time; trades and quotes may share a time.</summary>
    public static CsvRowReader Open(string path, bool? strictlyIncreasing = null, string? volumeColumn = null)
    {
        StreamReader reader;
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CsvFormatException(path, 0, null, "the file does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CsvFormatException(path, 0, null, $"the file cannot be read: {e.Message}", e, "the file cannot be read");
        }
        try
        {
            var header = reader.ReadLine();
            if (string.IsNullOrWhiteSpace(header))
                throw new CsvFormatException(path, 1, null, "the header row is missing (the first line must name the columns)");
            var layout = CsvLayout.Parse(path, header, volumeColumn);
            return new CsvRowReader(reader, path, layout, strictlyIncreasing ?? layout.Kind == CsvKind.Bars);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public bool TryRead(out CsvRow row)
    {
        row = default;
        while (_reader.ReadLine() is { } text)
        {
            _line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var line = text.AsSpan();
            var count = line.Split(_fields, Layout.Delimiter);
            row.Line = _line;
            row.Time = ReadTime(line, count);
            row.Open = Price(line, count, Layout.Open, ref row.Decimals);
            row.High = Price(line, count, Layout.High, ref row.Decimals);
            row.Low = Price(line, count, Layout.Low, ref row.Decimals);
            row.Close = Price(line, count, Layout.Close, ref row.Decimals);
            row.Bid = Price(line, count, Layout.Bid, ref row.Decimals);
            row.Ask = Price(line, count, Layout.Ask, ref row.Decimals);
            var ignored = 0;
            row.Volume = Layout.Volume < 0 ? 0 : Size(line, count, Layout.Volume, ref ignored);
            row.BidSize = Layout.BidSize < 0 ? 0 : Size(line, count, Layout.BidSize, ref ignored);
            row.AskSize = Layout.AskSize < 0 ? 0 : Size(line, count, Layout.AskSize, ref ignored);
            Check(row);
            return true;
        }
        return false;
    }

    private long ReadTime(ReadOnlySpan<char> line, int count)
    {
        long time;
        if (Layout.DateTime >= 0)
        {
            time = ParseDateTime(Field(line, count, Layout.DateTime), Layout.DateTime);
        }
        else
        {
            time = ParseDateTime(Field(line, count, Layout.Date), Layout.Date);
            if (Layout.Time >= 0)
            {
                var text = Field(line, count, Layout.Time);
                if (!TimeSpan.TryParseExact(text, TimeOfDayFormats, CultureInfo.InvariantCulture, out var timeOfDay)
                    || timeOfDay < TimeSpan.Zero || timeOfDay >= TimeSpan.FromDays(1))
                    throw Error(Layout.Time, $"'{text}' is not a time of day (expected HH:mm:ss)", "not a time of day (expected HH:mm:ss)");
                time += timeOfDay.Ticks;
            }
        }
        if (time < _previousTime || (_strictlyIncreasing && time == _previousTime))
            throw new CsvFormatException(_path, _line, Layout.TimeColumn,
                $"time {new DateTimeOffset(time, TimeSpan.Zero):O} is {(time == _previousTime ? "the same as" : "before")} the previous row's " +
                $"{new DateTimeOffset(_previousTime, TimeSpan.Zero):O}; rows must be in increasing time order", reason: "rows must be in increasing time order");
        _previousTime = time;
        return time;
    }

    private long ParseDateTime(ReadOnlySpan<char> text, int column)
    {
        if (DateTime.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, Utc, out var parsed)
            || DateTime.TryParse(text, CultureInfo.InvariantCulture, Utc, out parsed))
            return parsed.Ticks;
        throw Error(column, $"'{text}' is not a date/time (expected e.g. 2006-01-02 or 2015-09-23T20:57:42.146)",
            "not a date/time (expected e.g. 2006-01-02 or 2015-09-23T20:57:42.146)");
    }

    private double Price(ReadOnlySpan<char> line, int count, int column, ref int decimals)
    {
        if (column < 0) return double.NaN;
        var text = Field(line, count, column);
        var value = Number(text, column);
        var dot = text.IndexOf('.');
        if (dot >= 0 && text.IndexOfAny('e', 'E') < 0) decimals = Math.Max(decimals, text.Length - dot - 1);
        return value;
    }

    private double Size(ReadOnlySpan<char> line, int count, int column, ref int decimals)
    {
        var value = Price(line, count, column, ref decimals);
        if (value < 0) throw Error(column, $"{value} is negative", "a negative size");
        return value;
    }

    private double Number(ReadOnlySpan<char> text, int column)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            return value;
        throw text.IsEmpty ? Error(column, "the cell is empty (a number is required)") : Error(column, $"'{text}' is not a number", "not a number");
    }

    private void Check(in CsvRow row)
    {
        if (Layout.HasOhlc)
        {
            if (row.High < row.Low) throw Error(Layout.High, $"high {row.High} is below low {row.Low}", "the high is below the low");
            if (row.Low > Math.Min(row.Open, row.Close)) throw Error(Layout.Low, $"low {row.Low} is above the open {row.Open} or close {row.Close}", "the low is above the open or close");
            if (row.High < Math.Max(row.Open, row.Close)) throw Error(Layout.High, $"high {row.High} is below the open {row.Open} or close {row.Close}", "the high is below the open or close");
        }
        if (Layout.Kind == CsvKind.Quotes && row.Bid > row.Ask) throw Error(Layout.Ask, $"ask {row.Ask} is below bid {row.Bid}", "the ask is below the bid");
    }

    private ReadOnlySpan<char> Field(ReadOnlySpan<char> line, int count, int column)
    {
        if (column >= count)
            throw Error(column, $"the row has {count} cells, fewer than the header's {Layout.FieldCount}", "the row has fewer cells than the header");
        var field = line[_fields[column]].Trim();
        if (field.Length >= 2 && field[0] == '"' && field[^1] == '"') field = field[1..^1].Trim();
        return field;
    }

    private CsvFormatException Error(int column, string detail, string? reason = null) => new(_path, _line, ColumnName(column), detail, reason: reason);

    private string ColumnName(int column) => Layout.ColumnNames[column];

    public void Dispose() => _reader.Dispose();
}
