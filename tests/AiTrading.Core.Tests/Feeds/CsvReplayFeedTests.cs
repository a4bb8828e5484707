using System.Globalization;
using AiTrading.Connectors.Feeds;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Feeds;

public sealed class CsvReplayFeedTests : IDisposable
{
    private readonly List<string> _temporary = [];

    /// <summary>examples/data of this repository (the product's own copy of the sample files).</summary>
    private static readonly string Examples = SharedData.Repository("examples/data");

    private static async Task<List<Tick>> ReadAll(IMarketDataFeed feed)
    {
        var ticks = new List<Tick>();
        await foreach (var batch in feed.ReadAsync(CancellationToken.None)) ticks.AddRange(batch);
        return ticks;
    }

    private static List<Bar> Aggregate(IEnumerable<Tick> ticks, string symbol, Timeframe timeframe)
    {
        var aggregator = new BarAggregator(symbol, timeframe);
        var bars = new List<Bar>();
        foreach (var tick in ticks)
            if (aggregator.Update(tick, out var bar)) bars.Add(bar!);
        bars.Add(aggregator.Current!);
        return bars;
    }

    private static string[][] Rows(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private string Temp(string content, string name = "prices.csv")
    {
        var dir = Path.Combine(Path.GetTempPath(), "aitrading-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        _temporary.Add(dir);
        return path;
    }

    public void Dispose()
    {
        foreach (var dir in _temporary) Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("2006-day-001.txt", 255, 4, "2006DAY001", 0.01, 3578.73)]
    [InlineData("2006-min-005.txt", 2142, 4, "2006MIN005", 0.01, 3578.73)]
    [InlineData("ticksample.csv", 135, 1, "TICKSAMPLE", 0.01, 3067.00)]
    public async Task Replays_the_example_files(string file, int rows, int ticksPerRow, string symbol, double tickSize, double firstPrice)
    {
        var feed = new CsvReplayFeed(new CsvReplayOptions { Path = Path.Combine(Examples, file) }, new NoWaitingTimeProvider());
        var spec = feed.Instruments.ShouldHaveSingleItem();
        spec.Symbol.ShouldBe(symbol);
        spec.TickSize.ShouldBe(tickSize);
        spec.InitialPrice.ShouldBe(firstPrice);

        var ticks = await ReadAll(feed);
        ticks.Count.ShouldBe(rows * ticksPerRow);
        for (var i = 0; i < ticks.Count; i++)
        {
            ticks[i].Symbol.ShouldBe(symbol);
            ticks[i].Bid.ShouldBeLessThan(ticks[i].Ask, $"tick {i}");
            ticks[i].Time.Offset.ShouldBe(TimeSpan.Zero);
            if (i == 0) continue;
            if (ticksPerRow == 4) ticks[i].Time.ShouldBeGreaterThan(ticks[i - 1].Time, $"tick {i}");
            else ticks[i].Time.ShouldBeGreaterThanOrEqualTo(ticks[i - 1].Time, $"tick {i}");
        }
    }

    [Theory]
    [InlineData("2006-day-001.txt", "D1")]
    [InlineData("2006-min-005.txt", "M5")]
    public async Task Bar_files_aggregate_back_into_their_own_bars(string file, string timeframe)
    {
        var path = Path.Combine(Examples, file);
        var feed = new CsvReplayFeed(new CsvReplayOptions { Path = path, Symbol = "dax" });
        feed.Instruments[0].Symbol.ShouldBe("DAX");
        feed.BarLength.ShouldBe(Timeframe.Parse(timeframe).Duration);
        var bars = Aggregate(await ReadAll(feed), "DAX", Timeframe.Parse(timeframe));
        var rows = Rows(path);
        bars.Count.ShouldBe(rows.Length);
        var offset = timeframe == "D1" ? 0 : 1; // Date,Time,Open,... in the intraday file
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            var time = DateTime.Parse(offset == 0 ? row[0] : $"{row[0]}T{row[1]}", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            bars[i].OpenTime.ShouldBe(new DateTimeOffset(time));
            bars[i].Open.ShouldBe(D(row[1 + offset]), 1e-9);
            bars[i].High.ShouldBe(D(row[2 + offset]), 1e-9);
            bars[i].Low.ShouldBe(D(row[3 + offset]), 1e-9);
            bars[i].Close.ShouldBe(D(row[4 + offset]), 1e-9);
            bars[i].TickCount.ShouldBe(4);
            bars[i].Volume.ShouldBe(4); // volume 0 in these files: no trades, tick volume
        }
    }

    [Fact]
    public async Task Volume_is_split_across_the_four_ticks_as_trades()
    {
        var path = SharedData.File("orcl-1995-2014.txt");
        var ticks = await ReadAll(new CsvReplayFeed(new CsvReplayOptions { Path = path, Symbol = "ORCL" }));
        ticks.ShouldAllBe(t => t.HasTrade);
        var bars = Aggregate(ticks, "ORCL", Timeframe.Parse("D1"));
        var rows = Rows(path);
        bars.Count.ShouldBe(rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            bars[i].Volume.ShouldBe(D(rows[i][6]));
            bars[i].Close.ShouldBe(D(rows[i][4]), 1e-9); // Close, not Adj Close
        }
    }

    [Fact]
    public async Task Trades_carry_their_price_and_size()
    {
        var path = Path.Combine(Examples, "ticksample.csv");
        var ticks = await ReadAll(new CsvReplayFeed(new CsvReplayOptions { Path = path, SpreadBps = 2 }));
        var rows = Rows(path);
        ticks[0].Time.ShouldBe(new DateTimeOffset(2015, 9, 23, 20, 57, 42, 146, TimeSpan.Zero));
        for (var i = 0; i < rows.Length; i++)
        {
            ticks[i].LastPrice.ShouldBe(D(rows[i][4]));
            ticks[i].LastSize.ShouldBe(D(rows[i][5]));
            ticks[i].Mid.ShouldBe(ticks[i].LastPrice, 1e-9);
            ticks[i].Spread.ShouldBe(ticks[i].LastPrice * 2e-4, 0.02 + 1e-9); // 2 bps, rounded out to whole ticks
        }
    }

    [Fact]
    public async Task A_bar_becomes_open_nearer_extreme_other_extreme_close_inside_its_period()
    {
        var path = Temp("date,open,high,low,close,volume\n2020-01-01,10,11,9.5,10.5,400\n2020-01-02,10.5,10.6,9,9.2,0\n");
        var ticks = await ReadAll(new CsvReplayFeed(new CsvReplayOptions { Path = path }));
        ticks.Count.ShouldBe(8);
        ticks.Select(t => Math.Round(t.Mid, 9)).ShouldBe([10, 9.5, 11, 10.5, 10.5, 10.6, 9, 9.2]);
        var day = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        ticks.Take(4).Select(t => t.Time).ShouldBe([day, day.AddHours(6), day.AddHours(12), day.AddHours(18)]);
        ticks.Take(4).ShouldAllBe(t => t.LastSize == 100 && t.HasTrade);
        ticks.Skip(4).ShouldAllBe(t => !t.HasTrade && t.LastSize == 0);
        ticks[0].Symbol.ShouldBe("PRICES");
    }

    [Fact]
    public async Task A_catalog_symbol_uses_the_catalog_spec()
    {
        var path = Temp("Date,Open,High,Low,Close\n2024-01-02,1.10412,1.10500,1.09400,1.09410\n");
        var feed = new CsvReplayFeed(new CsvReplayOptions { Path = path, Symbol = "eurusd" });
        feed.Instruments.ShouldBe([InstrumentCatalog.Default["EURUSD"]]);
        var tick = (await ReadAll(feed))[0];
        tick.Symbol.ShouldBe("EURUSD");
        tick.Spread.ShouldBe(0.00012, 1e-12); // 1 bp of 1.104 rounded out to 6 ticks a side
    }

    [Fact]
    public async Task Quote_files_keep_their_bid_and_ask()
    {
        var path = Temp("Datetime,Bid,Ask,BidSize,AskSize\n2024-01-02 10:00:00.100,1.1,1.1002,5,7\n2024-01-02 10:00:00.100,1.1001,1.1003,6,8\n");
        var ticks = await ReadAll(new CsvReplayFeed(new CsvReplayOptions { Path = path, Symbol = "EURUSD" }));
        ticks.Count.ShouldBe(2);
        ticks[1].ShouldBe(new Tick("EURUSD", new DateTimeOffset(2024, 1, 2, 10, 0, 0, 100, TimeSpan.Zero), 1.1001, 1.1003, 6, 8));
    }

    [Fact]
    public async Task A_datetime_file_of_real_bars_is_replayed_as_bars()
    {
        var path = Temp("Datetime,Open,High,Low,Close,Adj Close,Volume\n2024-01-02 14:30:00,10,11,9,10.5,10.5,8\n2024-01-02 14:35:00,10.5,10.7,10.2,10.6,10.6,4\n");
        var feed = new CsvReplayFeed(new CsvReplayOptions { Path = path });
        feed.BarLength.ShouldBe(TimeSpan.FromMinutes(5));
        (await ReadAll(feed)).Count.ShouldBe(8);
    }

    [Fact]
    public async Task Paced_replay_never_runs_ahead_of_speed_times_wall_time()
    {
        var clock = new AutoAdvancingTimeProvider();
        var feed = new CsvReplayFeed(new CsvReplayOptions { Path = Path.Combine(Examples, "2006-min-005.txt"), Speed = 3600 }, clock);
        var first = new DateTimeOffset(2006, 1, 2, 9, 5, 0, TimeSpan.Zero);
        var count = 0;
        await foreach (var batch in feed.ReadAsync(CancellationToken.None))
        {
            batch.ShouldAllBe(t => t.Time <= first + clock.Elapsed * 3600);
            if ((count += batch.Count) > 400) break;
        }
        clock.TimersCreated.ShouldBeGreaterThan(0);
    }

    public static TheoryData<string, int, string> BadFiles => new()
    {
        { "Date,Open,High,Low,Volume\n2020-01-01,1,1,1,1\n", 1, "Close" },
        { "Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n2020-01-02,1,x,1,1\n", 3, "High" },
        { "Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n2020-01-02,1,1,1\n", 3, "Close" },
        { "Date,Open,High,Low,Close\n2020-01-02,1,1,1,1\n\n2020-01-01,1,1,1,1\n", 4, "Date" },
        { "Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n2020-01-01,1,1,1,1\n", 3, "Date" },
        { "Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n2020-13-45,1,1,1,1\n", 3, "Date" },
        { "Date,Time,Open,High,Low,Close\n2020-01-01,09:00,1,1,1,1\n2020-01-01,9h05,1,1,1,1\n", 3, "Time" },
        { "Date,Open,High,Low,Close\n2020-01-01,1,0.9,1.1,1\n", 2, "High" },
        { "Datetime,Open,High,Low,Close,Volume\n2020-01-01T10:00:01,1,1,1,1,5\n2020-01-01T10:00:00,1,1,1,1,5\n", 3, "Datetime" },
        { "Datetime,Open,High,Low,Close,Volume\n2020-01-01T10:00:01,1,1,1,1,-5\n", 2, "Volume" },
        { "Datetime,Bid\n2020-01-01T10:00:01,1\n", 1, "Ask" },
        { "Datetime,Bid,Ask\n2020-01-01T10:00:01,1.2,1.1\n", 2, "Ask" },
    };

    [Theory, MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_a_format_error_naming_the_file_line_and_column(string content, int line, string column)
    {
        var path = Temp(content);
        var error = await Should.ThrowAsync<CsvFormatException>(async () => await ReadAll(new CsvReplayFeed(new CsvReplayOptions { Path = path })));
        error.ShouldBeAssignableTo<FormatException>();
        error.FilePath.ShouldBe(path);
        error.LineNumber.ShouldBe(line);
        error.Column.ShouldBe(column);
        error.Message.ShouldContain(path);
        error.Message.ShouldContain($"line {line}");
        error.Message.ShouldContain($"'{column}'");
    }

    [Fact]
    public async Task Errors_past_the_first_rows_surface_while_reading()
    {
        var lines = Enumerable.Range(0, 400).Select(i => $"{new DateTime(2000, 1, 1).AddDays(i):yyyy-MM-dd},1,1,1,{(i == 299 ? "oops" : "1")}");
        var path = Temp("Date,Open,High,Low,Close\n" + string.Join('\n', lines));
        var feed = new CsvReplayFeed(new CsvReplayOptions { Path = path });
        var error = await Should.ThrowAsync<CsvFormatException>(() => ReadAll(feed));
        error.LineNumber.ShouldBe(301);
        error.Column.ShouldBe("Close");
        error.Message.ShouldContain("'oops'");
    }

    [Fact]
    public void A_missing_or_empty_file_is_a_format_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"aitrading-missing-{Guid.NewGuid():N}.csv");
        Should.Throw<CsvFormatException>(() => new CsvReplayFeed(new CsvReplayOptions { Path = missing })).Message.ShouldContain(missing);
        var empty = Temp("");
        Should.Throw<CsvFormatException>(() => new CsvReplayFeed(new CsvReplayOptions { Path = empty })).LineNumber.ShouldBe(1);
        var headerOnly = Temp("Date,Open,High,Low,Close\n");
        Should.Throw<CsvFormatException>(() => new CsvReplayFeed(new CsvReplayOptions { Path = headerOnly })).LineNumber.ShouldBe(2);
    }

    [Theory]
    [InlineData("Path")]
    [InlineData("Symbol")]
    [InlineData("SpreadBps")]
    [InlineData("Speed")]
    [InlineData("BatchInterval")]
    public void Invalid_options_are_refused_naming_the_field(string field)
    {
        var path = Path.Combine(Examples, "2006-day-001.txt");
        var options = field switch
        {
            "Path" => new CsvReplayOptions { Path = " " },
            "Symbol" => new CsvReplayOptions { Path = path, Symbol = "  " },
            "SpreadBps" => new CsvReplayOptions { Path = path, SpreadBps = -1 },
            "Speed" => new CsvReplayOptions { Path = path, Speed = double.PositiveInfinity },
            _ => new CsvReplayOptions { Path = path, BatchInterval = TimeSpan.Zero },
        };
        var error = Should.Throw<ValidationException>(() => new CsvReplayFeed(options));
        error.Errors.Single().Field.ShouldBe(char.ToLowerInvariant(field[0]) + field[1..]);
    }
}
