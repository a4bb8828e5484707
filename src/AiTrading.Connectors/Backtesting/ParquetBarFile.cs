using AiTrading.Connectors.Feeds;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using Parquet;
using Parquet.Schema;

namespace AiTrading.Connectors.Backtesting;

/// <summary>
/// Reads bars from a Parquet file: a timestamp column (<c>Datetime</c>, <c>Date</c>, <c>Time</c> or <c>Timestamp</c>,
/// of a date/time type, taken as UTC bar open times) and <c>Open</c>, <c>High</c>, <c>Low</c>, <c>Close</c> with an
/// optional <c>Volume</c> (double, float or decimal), names matched without regard to case. The timeframe is the
/// smallest step between bars. Every problem is a <see cref="FormatException"/> naming the file, the row (1-based)
/// and the column.
/// </summary>
public static class ParquetBarFile
{
    public static BacktestSeries Read(string path, string symbol, int maxRows = int.MaxValue) => ReadAsync(path, symbol, maxRows).GetAwaiter().GetResult();

    private static async Task<BacktestSeries> ReadAsync(string path, string symbol, int maxRows)
    {
        if (!File.Exists(path)) throw Problem(path, 0, null, "the file does not exist");
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException)
        {
            throw new DataFileFormatException(path, 0, null, $"not a readable Parquet file ({e.Message})", "not a readable Parquet file", e, "row");
        }
        await using var _ = reader;
        if (reader.Metadata?.NumRows > maxRows) throw BacktestDataFile.TooManyRows(path, maxRows);
        var fields = reader.Schema.GetDataFields();
        DataField Find(bool required, params string[] names) =>
            fields.FirstOrDefault(f => names.Any(n => n.Equals(f.Name, StringComparison.OrdinalIgnoreCase)))
            ?? (required ? throw Problem(path, 0, null, $"required column '{names[0]}' is missing (columns: {string.Join(", ", fields.Select(f => f.Name))})",
                $"required column '{names[0]}' is missing") : null!);
        var time = Find(true, "Datetime", "Date", "Time", "Timestamp");
        var (open, high, low, close) = (Find(true, "Open"), Find(true, "High"), Find(true, "Low"), Find(true, "Close"));
        var volume = Find(false, "Volume");

        var times = new List<long>();
        var columns = new List<double>[5];
        for (var c = 0; c < columns.Length; c++) columns[c] = [];
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            times.AddRange(await Times(path, group, time, rows, times.Count));
            var priced = new[] { open, high, low, close, volume };
            for (var c = 0; c < priced.Length; c++)
                columns[c].AddRange(priced[c] is null ? new double[rows] : await Numbers(path, group, priced[c], rows, times.Count - rows));
        }
        if (times.Count == 0) throw Problem(path, 0, null, "the file has no rows");

        var step = long.MaxValue;
        for (var i = 1; i < times.Count; i++)
        {
            if (times[i] <= times[i - 1])
                throw new DataFileFormatException(path, i + 1, time.Name,
                    $"{Utc(times[i]):O} is {(times[i] == times[i - 1] ? "the same as" : "before")} the previous row's {Utc(times[i - 1]):O}; rows must be in increasing time order",
                    "rows must be in increasing time order", unit: "row");
            step = Math.Min(step, times[i] - times[i - 1]);
        }
        var timeframe = new Timeframe(step == long.MaxValue ? TimeSpan.FromDays(1) : TimeSpan.FromTicks(step));
        var bars = new List<Bar>(times.Count);
        for (var i = 0; i < times.Count; i++)
        {
            var (o, h, l, c, v) = (columns[0][i], columns[1][i], columns[2][i], columns[3][i], columns[4][i]);
            string? problem = h < l ? $"high {h} is below low {l}" : l > Math.Min(o, c) ? $"low {l} is above the open {o} or close {c}"
                : h < Math.Max(o, c) ? $"high {h} is below the open {o} or close {c}" : v < 0 ? $"volume {v} is negative" : null;
            if (problem is not null) throw new DataFileFormatException(path, i + 1, null, problem, "the bar's prices or volume do not fit together", unit: "row");
            bars.Add(new Bar(symbol, timeframe, Utc(times[i]), o, h, l, c, v, 1));
        }
        var decimals = bars.Take(256).Max(b => Math.Max(Decimals(b.Open), Decimals(b.Close)));
        var instrument = InstrumentCatalog.Default.TryGetValue(symbol, out var known)
            ? known
            : InstrumentCatalog.Custom(symbol, bars[0].Open, Math.Round(Math.Pow(10, -decimals), 10));
        return new BacktestSeries(instrument, bars, path);
    }

    private static async Task<long[]> Times(string path, ParquetRowGroupReader group, DataField field, int rows, int offset)
    {
        if (field.ClrType == typeof(DateTime))
            return (await Column<DateTime>(path, group, field, rows, offset)).Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc).Ticks).ToArray();
        if (field.ClrType == typeof(DateTimeOffset))
            return (await Column<DateTimeOffset>(path, group, field, rows, offset)).Select(t => t.UtcTicks).ToArray();
        throw Problem(path, 0, field.Name, $"is {field.ClrType.Name}; a date/time type is needed", "a date/time type is needed");
    }

    private static async Task<double[]> Numbers(string path, ParquetRowGroupReader group, DataField field, int rows, int offset)
    {
        double[] numbers;
        if (field.ClrType == typeof(double)) numbers = await Column<double>(path, group, field, rows, offset);
        else if (field.ClrType == typeof(float)) numbers = (await Column<float>(path, group, field, rows, offset)).Select(v => (double)v).ToArray();
        else if (field.ClrType == typeof(decimal)) numbers = (await Column<decimal>(path, group, field, rows, offset)).Select(v => (double)v).ToArray();
        else throw Problem(path, 0, field.Name, $"is {field.ClrType.Name}; a number type is needed", "a number type is needed");
        for (var i = 0; i < rows; i++)
            if (!double.IsFinite(numbers[i])) throw Problem(path, offset + i + 1, field.Name, $"{numbers[i]} is not a finite number", "not a finite number");
        return numbers;
    }

    private static async Task<T[]> Column<T>(string path, ParquetRowGroupReader group, DataField field, int rows, int offset) where T : struct
    {
        if (!field.IsNullable)
        {
            var values = new T[rows];
            await group.ReadAsync<T>(field, values.AsMemory());
            return values;
        }
        var nullable = new T?[rows];
        await group.ReadAsync<T>(field, nullable.AsMemory());
        var filled = new T[rows];
        for (var i = 0; i < rows; i++) filled[i] = nullable[i] ?? throw Empty(path, offset + i, field);
        return filled;
    }

    private static DataFileFormatException Empty(string path, int row, DataField field) => Problem(path, row + 1, field.Name, "the cell is empty (a value is required)");

    private static DataFileFormatException Problem(string path, int row, string? column, string detail, string? reason = null) =>
        new(path, row, column, detail, reason, unit: "row");

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);

    private static int Decimals(double value)
    {
        for (var d = 0; d < 10; d++)
            if (Math.Abs(value * Math.Pow(10, d) - Math.Round(value * Math.Pow(10, d))) < 1e-6) return d;
        return 10;
    }
}
