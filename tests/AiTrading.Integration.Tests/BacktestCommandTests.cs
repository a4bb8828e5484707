using System.Globalization;
using System.Text.Json;
using AiTrading.Core.Tests;
using AiTrading.Core.Tests.Backtesting;

namespace AiTrading.Integration.Tests;

/// <summary>`aitrading backtest` as a user runs it: the built CLI in its own process.</summary>
public sealed class BacktestCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aitrading-backtest-").FullName;
    private static readonly string Example = SharedData.Repository("examples/strategies/sma-cross-10-30.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_sma_cross_example_writes_its_trades_and_final_equity_as_json_and_a_report()
    {
        var json = Path.Combine(_directory, "out.json");
        var report = Path.Combine(_directory, "out.html");
        var data = SharedData.File("2006-day-001.txt");
        var (code, stdout, stderr) = await CliProcess.Run("backtest", "--spec", Example, "--data", data, "--json", json, "--report", report);
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("sma-cross-10-30 on INDEX: 255 bars 2006-01-02 to 2006-12-29");

        var (trades, finalEquity) = SmaCrossReference.Run(data, 10, 30);
        using var result = JsonDocument.Parse(File.ReadAllText(json));
        result.RootElement.GetProperty("finalEquity").GetDecimal().ShouldBe(finalEquity);
        var written = result.RootElement.GetProperty("trades").EnumerateArray().Select(t => new SmaCrossReference.Trade(
            t.GetProperty("entryTime").GetDateTimeOffset(), t.GetProperty("entryPrice").GetDecimal(),
            t.GetProperty("exitTime").ValueKind == JsonValueKind.Null ? null : t.GetProperty("exitTime").GetDateTimeOffset(),
            t.GetProperty("exitPrice").ValueKind == JsonValueKind.Null ? null : t.GetProperty("exitPrice").GetDecimal())).ToList();
        written.ShouldBe(trades);
        var statistics = result.RootElement.GetProperty("statistics");
        foreach (var name in new[] { "totalReturn", "cagr", "annualizedVolatility", "sharpe", "sortino", "maxDrawdown", "maxDrawdownDuration", "calmar", "winRate", "profitFactor", "expectancy", "exposure", "trades" })
            statistics.TryGetProperty(name, out _).ShouldBeTrue(name);
        result.RootElement.GetProperty("orders").GetArrayLength().ShouldBeGreaterThan(0);
        result.RootElement.GetProperty("equity").GetArrayLength().ShouldBe(255);

        var html = File.ReadAllText(report);
        html.ShouldContain("<h2>Equity</h2>");
        html.ShouldContain("<h2>INDEX: close and trades</h2>");
        html.Split("data:image/png;base64,").Length.ShouldBe(4, "equity, drawdown and price charts");
        html.ShouldContain(trades[0].EntryPrice.ToString("#,0.####", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Costs_and_the_window_are_taken_from_the_options()
    {
        var json = Path.Combine(_directory, "costs.json");
        var (code, _, stderr) = await CliProcess.Run("backtest", "--spec", Example, "--data", $"INDEX={SharedData.File("2006-day-001.txt")}",
            "--from", "2006-07-01", "--to", "2006-11-30", "--cash", "5000", "--commission", "1/unit,min=2", "--fill", "close", "--json", json);
        code.ShouldBe(0, stderr);
        using var result = JsonDocument.Parse(File.ReadAllText(json));
        var root = result.RootElement;
        root.GetProperty("initialCash").GetDecimal().ShouldBe(5000m);
        root.GetProperty("start").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(new DateTimeOffset(2006, 7, 1, 0, 0, 0, TimeSpan.Zero));
        root.GetProperty("end").GetDateTimeOffset().ShouldBeLessThanOrEqualTo(new DateTimeOffset(2006, 11, 30, 0, 0, 0, TimeSpan.Zero));
        var orders = root.GetProperty("orders").EnumerateArray().ToList();
        orders.ShouldNotBeEmpty();
        orders.ShouldAllBe(o => o.GetProperty("commission").GetDecimal() == 2m);
        root.GetProperty("commissions").GetDecimal().ShouldBe(2m * orders.Count);
    }

    [Fact]
    public async Task A_quote_file_is_replayed_as_ticks_filling_at_the_bid_and_ask()
    {
        var data = Path.Combine(_directory, "quotes.csv");
        File.WriteAllLines(data,
        [
            "Datetime,Bid,Ask,BidSize,AskSize",
            "2024-03-04T09:00:00,8.99,9.01,100,100", "2024-03-04T09:00:30,8.99,9.01,100,100", "2024-03-04T09:01:00,10.99,11.01,100,100",
            "2024-03-04T09:01:30,11.99,12.01,100,100", "2024-03-04T09:02:00,12.40,12.60,100,100", "2024-03-04T09:02:30,7.90,8.10,100,100",
            "2024-03-04T09:03:00,7.50,7.70,100,100",
        ]);
        var spec = Path.Combine(_directory, "spec.json");
        File.WriteAllText(spec, """
            {"id": "above-ten", "account": "BT", "instruments": ["TOY"], "timeframe": "M1",
             "rules": {"entryLong": "close > 10", "exitLong": "close < 10"}, "sizing": {"method": "fixed_quantity", "quantity": 5}}
            """);
        var json = Path.Combine(_directory, "ticks.json");
        var (code, _, stderr) = await CliProcess.Run("backtest", "--spec", spec, "--data", data, "--json", json);
        code.ShouldBe(0, stderr);
        using var result = JsonDocument.Parse(File.ReadAllText(json));
        var trade = result.RootElement.GetProperty("trades")[0];
        (trade.GetProperty("entryPrice").GetDecimal(), trade.GetProperty("exitPrice").GetDecimal()).ShouldBe((12.60m, 7.50m));
        result.RootElement.GetProperty("finalEquity").GetDecimal().ShouldBe(100_000m + (7.50m - 12.60m) * 5);
    }

    [Theory]
    [InlineData("Date,Open,High,Low,Close\n2020-01-01,1,2,0.5,1.5\n2020-01-03,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.5\n", "line 4, column 'Date': time 2020-01-02T00:00:00.0000000+00:00 is before the previous row's")]
    [InlineData("Date,Open,High,Low,Close\n2020-01-01,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.5\n", "line 4, column 'Date': time 2020-01-02T00:00:00.0000000+00:00 is the same as the previous row's")]
    [InlineData("Date,Open,High,Low\n2020-01-01,1,2,0.5\n", "line 1, column 'Close': required column is missing")]
    [InlineData("Date,Open,High,Low,Close\n2020-01-01,1,2,0.5,1.5\n2020-01-02,1,2,x,1.5\n", "line 3, column 'Low': 'x' is not a number")]
    public async Task A_bad_data_file_exits_2_naming_the_file_and_line(string content, string message)
    {
        var data = Path.Combine(_directory, "bad.csv");
        File.WriteAllText(data, content);
        var json = Path.Combine(_directory, "out.json");
        var (code, _, stderr) = await CliProcess.Run("backtest", "--spec", Example, "--data", data, "--json", json);
        code.ShouldBe(2);
        stderr.ShouldContain($"error: {data}: {message}");
        File.Exists(json).ShouldBeFalse();
    }

    [Theory]
    [InlineData("--cash", "-1", "--cash: must be greater than 0 (got -1)")]
    [InlineData("--from", "2030-01-01", "data: ")]
    [InlineData("--commission", "3/lot", "--commission: '3/lot' is not a commission term")]
    [InlineData("--fill", "vwap", "--fill: 'vwap' is not a fill model (use next-open or close)")]
    public async Task Bad_options_exit_2_naming_the_option(string option, string value, string message)
    {
        var (code, _, stderr) = await CliProcess.Run("backtest", "--spec", Example, "--data", SharedData.File("2006-day-001.txt"), option, value);
        code.ShouldBe(2);
        stderr.ShouldContain(message);
        if (option == "--from") stderr.ShouldContain("2006-day-001.txt: no bars between 2030-01-01T00:00:00.0000000+00:00 and the end");
    }

    [Fact]
    public async Task A_spec_of_another_instrument_is_refused_with_the_field()
    {
        var spec = Path.Combine(_directory, "spec.json");
        File.WriteAllText(spec, File.ReadAllText(Example).Replace("\"timeframe\": \"D1\"", "\"timeframe\": \"M1\""));
        var (code, _, stderr) = await CliProcess.Run("backtest", "--spec", spec, "--data", SharedData.File("2006-day-001.txt"));
        code.ShouldBe(2);
        stderr.ShouldContain("timeframe: 'M1' has no bars here (use D1)");
    }
}

/// <summary>`aitrading sweep` in its own process.</summary>
public sealed class SweepCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aitrading-sweep-").FullName;
    private static readonly string Example = SharedData.Repository("examples/strategies/sma-cross-10-30.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_grid_is_ranked_and_each_point_matches_the_reference_trades()
    {
        var json = Path.Combine(_directory, "sweep.json");
        var data = SharedData.File("2006-day-001.txt");
        var (code, stdout, stderr) = await CliProcess.Run("sweep", "--spec", Example, "--data", data,
            "--param", "features[0].parameters.period=5:15:5", "--param", "features[1].parameters.period=20,30", "--rank", "finalEquity", "--top", "3", "--json", json);
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("6 points over 255 bars of INDEX");
        stdout.ShouldContain("   1. features[0].parameters.period=");

        using var result = JsonDocument.Parse(File.ReadAllText(json));
        var points = result.RootElement.GetProperty("points").EnumerateArray().ToList();
        points.Count.ShouldBe(6);
        var equities = points.Select(p => p.GetProperty("finalEquity").GetDecimal()).ToList();
        equities.ShouldBeInOrder(SortDirection.Descending);
        foreach (var point in points)
        {
            var parameters = point.GetProperty("parameters");
            var (fast, slow) = (parameters.GetProperty("features[0].parameters.period").GetInt32(), parameters.GetProperty("features[1].parameters.period").GetInt32());
            point.GetProperty("finalEquity").GetDecimal().ShouldBe(SmaCrossReference.Run(data, fast, slow).FinalEquity, $"{fast}/{slow}");
        }
    }

    [Fact]
    public async Task Walk_forward_prints_each_fold_and_bad_parameters_are_named()
    {
        var (code, stdout, stderr) = await CliProcess.Run("sweep", "--spec", Example, "--data", SharedData.File("orcl-1995-2014.txt"),
            "--param", "features[0].parameters.period=5,10", "features[1].parameters.period=30,60", "--walk-forward", "1000,1000");
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("walk-forward: 5 folds, 25 evaluations; out of sample: return");

        (code, _, stderr) = await CliProcess.Run("sweep", "--spec", Example, "--data", SharedData.File("2006-day-001.txt"), "--param", "features[9].parameters.period=1,2");
        code.ShouldBe(2);
        stderr.ShouldContain("param: features[9].parameters.period: the template has nothing at 'features.9'");
        (code, _, stderr) = await CliProcess.Run("sweep", "--spec", Example, "--data", SharedData.File("2006-day-001.txt"), "--param", "features[0].parameters.period=1,2", "--rank", "luck");
        code.ShouldBe(2);
        stderr.ShouldContain("rank: unknown statistic 'luck'");
    }
}
