using AiTrading.Connectors.Backtesting;
using AiTrading.Core.Backtesting;
using Parquet;
using Parquet.Schema;

namespace AiTrading.Core.Tests.Backtesting;

public sealed class ParquetBarFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aitrading-parquet-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> Write(string name, DateTime[] times, double[] open, double[] high, double[] low, double[] close)
    {
        var path = Path.Combine(_directory, name);
        var fields = new DataField[] { new DataField<DateTime>("Date"), new DataField<double>("Open"), new DataField<double>("High"), new DataField<double>("Low"), new DataField<double>("Close") };
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<DateTime>(fields[0], times);
        await group.WriteAsync<double>(fields[1], open);
        await group.WriteAsync<double>(fields[2], high);
        await group.WriteAsync<double>(fields[3], low);
        await group.WriteAsync<double>(fields[4], close);
        return path;
    }

    [Fact]
    public async Task Bars_from_parquet_backtest_exactly_as_the_same_bars_from_csv()
    {
        var csv = BacktesterTests.DailyIndex();
        var bars = csv.Bars;
        var path = await Write("index.parquet", bars.Select(b => b.OpenTime.UtcDateTime).ToArray(), bars.Select(b => b.Open).ToArray(),
            bars.Select(b => b.High).ToArray(), bars.Select(b => b.Low).ToArray(), bars.Select(b => b.Close).ToArray());

        var parquet = BacktestDataFile.Load(path, "INDEX");
        parquet.Bars.ShouldBe(bars);
        parquet.Instrument.ShouldBe(csv.Instrument);
        var fromParquet = Backtester.Run(BacktesterTests.SmaCross(), [parquet], new BacktestOptions());
        var fromCsv = Backtester.Run(BacktesterTests.SmaCross(), [csv], new BacktestOptions());
        fromParquet.Trades.ShouldBe(fromCsv.Trades);
        fromParquet.FinalEquity.ShouldBe(fromCsv.FinalEquity);
    }

    [Fact]
    public async Task Bad_rows_are_named_by_file_row_and_column()
    {
        var day = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var unsorted = await Write("unsorted.parquet", [day, day.AddDays(2), day.AddDays(1)], [1, 1, 1], [2, 2, 2], [0.5, 0.5, 0.5], [1.5, 1.5, 1.5]);
        Should.Throw<FormatException>(() => BacktestDataFile.Load(unsorted, "X")).Message
            .ShouldBe($"{unsorted}: row 3, column 'Date': 2024-01-02T00:00:00.0000000+00:00 is before the previous row's 2024-01-03T00:00:00.0000000+00:00; rows must be in increasing time order");
        var duplicate = await Write("duplicate.parquet", [day, day], [1, 1], [2, 2], [0.5, 0.5], [1.5, 1.5]);
        Should.Throw<FormatException>(() => BacktestDataFile.Load(duplicate, "X")).Message.ShouldContain("row 2, column 'Date': 2024-01-01T00:00:00.0000000+00:00 is the same as");
        var inverted = await Write("inverted.parquet", [day, day.AddDays(1)], [1, 1], [2, 0.4], [0.5, 0.5], [1.5, 1.5]);
        Should.Throw<FormatException>(() => BacktestDataFile.Load(inverted, "X")).Message.ShouldBe($"{inverted}: row 2: high 0.4 is below low 0.5");

        var path = Path.Combine(_directory, "no-close.parquet");
        var fields = new DataField[] { new DataField<DateTime>("Date"), new DataField<double>("Open") };
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<DateTime>(fields[0], new[] { day });
            await group.WriteAsync<double>(fields[1], new[] { 1.0 });
        }
        Should.Throw<FormatException>(() => BacktestDataFile.Load(path, "X")).Message.ShouldBe($"{path}: required column 'High' is missing (columns: Date, Open)");
        Should.Throw<FormatException>(() => BacktestDataFile.Load(Path.Combine(_directory, "none.parquet"), "X")).Message.ShouldContain("does not exist");
    }
}
