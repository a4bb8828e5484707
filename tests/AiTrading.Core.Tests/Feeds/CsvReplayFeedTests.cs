using AiTrading.Connectors.Feeds;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Feeds;

public sealed class CsvReplayFeedTests
{
    private static readonly string Examples = Path.Combine(FindRepo(), "examples", "data");

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AiTrading.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root not found");
    }

    private static async Task<List<Tick>> Read(CsvReplayFeed feed)
    {
        var ticks = new List<Tick>();
        await foreach (var batch in feed.ReadAsync(CancellationToken.None)) ticks.AddRange(batch);
        return ticks;
    }

    [Theory]
    [InlineData("2006-day-001.txt", 255, 4, 1440)]
    [InlineData("2006-min-005.txt", 2142, 4, 5)]
    [InlineData("ticksample.csv", 135, 1, 1)]
    public async Task Replays_the_example_files(string file, int rows, int ticksPerRow, int stepMinutes)
    {
        var feed = new CsvReplayFeed(new CsvReplayOptions { Path = Path.Combine(Examples, file), Symbol = "INDEX" });
        var ticks = await Read(feed);
        ticks.Count.ShouldBe(rows * ticksPerRow);
        feed.Instruments.Single().Symbol.ShouldBe("INDEX");
        feed.Step.ShouldBe(TimeSpan.FromMinutes(stepMinutes));
        for (var i = 1; i < ticks.Count; i++) ticks[i].Time.ShouldBeGreaterThanOrEqualTo(ticks[i - 1].Time);
        ticks.ShouldAllBe(t => t.Ask > t.Bid && t.Symbol == "INDEX");
    }

    [Fact]
    public async Task A_bar_becomes_open_nearer_extreme_other_extreme_close()
    {
        var path = Temp("Date,Open,High,Low,Close,Volume\n2020-01-01,10,11,9.5,10.5,400\n2020-01-02,10.5,10.6,9,9.2,0\n");
        var ticks = await Read(new CsvReplayFeed(new CsvReplayOptions { Path = path, SpreadBps = 2 }));
        ticks.Select(t => Math.Round(t.Mid, 6)).Take(4).ShouldBe([10, 9.5, 11, 10.5]);
        ticks[0].LastSize.ShouldBe(100);
        ticks[0].Ask.ShouldBe(10 * (1 + 1e-4), 1e-12);
        ticks.Skip(4).Select(t => Math.Round(t.Mid, 6)).ShouldBe([10.5, 10.6, 9, 9.2]);
        ticks[4].HasTrade.ShouldBeFalse();
    }

    [Theory]
    [InlineData("Date,Open,High,Low,Volume\n2020-01-01,1,1,1,1\n", 1, "Close")]
    [InlineData("Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n2020-01-02,1,x,1,1\n", 3, "High")]
    [InlineData("Date,Open,High,Low,Close\n2020-01-02,1,1,1,1\n2020-01-01,1,1,1,1\n", 3, "Date")]
    [InlineData("Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n2020-01-01,1,1,1,1\n", 3, "Date")]
    [InlineData("Date,Open,High,Low,Close\n2020-01-01,1,1,1,1\n2020-13-45,1,1,1,1\n", 3, "Date")]
    [InlineData("Datetime,Open,High,Low,Close,Volume\n2020-01-01T10:00:01,1,1,1,1,5\n2020-01-01T10:00:00,1,1,1,1,5\n", 3, "Datetime")]
    public void Bad_files_name_the_line_and_column(string content, int line, string column)
    {
        var path = Temp(content);
        var error = Should.Throw<CsvFormatException>(async () =>
        {
            var feed = new CsvReplayFeed(new CsvReplayOptions { Path = path });
            await Read(feed);
        });
        error.Line.ShouldBe(line);
        error.Column.ShouldBe(column);
        error.Message.ShouldContain($"{path}:{line}");
    }

    [Fact]
    public void A_missing_file_is_a_validation_error_naming_the_path() =>
        Should.Throw<ValidationException>(() => new CsvReplayFeed(new CsvReplayOptions { Path = "/nonexistent.csv" })).Errors.Single().Field.ShouldBe("path");

    private static string Temp(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aitrading-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }
}
