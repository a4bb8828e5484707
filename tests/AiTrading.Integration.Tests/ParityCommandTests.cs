using System.Text.Json;
using AiTrading.Core.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>
/// Backtest/live parity as a user checks it: `aitrading parity` (the built CLI in its own process) replays a CSV
/// through the product's grains with the spec submitted before the first bar and compares the live orders with a
/// backtest of the same spec and file.
/// </summary>
public sealed class ParityCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aitrading-parity-").FullName;
    private static readonly string DailyExample = SharedData.Repository("examples/strategies/sma-cross-10-30.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The header and the first <paramref name="rows"/> rows of a shared file (a shorter replay keeps the test quick).</summary>
    private string Head(string name, int rows)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllLines(path, File.ReadLines(SharedData.File(name)).Take(rows + 1));
        return path;
    }

    private static List<(DateTimeOffset Time, string Side, decimal Quantity, decimal? Price)> Orders(JsonElement rows, string side) =>
        rows.EnumerateArray().Select(r => r.GetProperty(side)).Where(o => o.ValueKind != JsonValueKind.Null)
            .Select(o => (o.GetProperty("time").GetDateTimeOffset(), o.GetProperty("side").GetString()!, o.GetProperty("quantity").GetDecimal(),
                o.GetProperty("price").ValueKind == JsonValueKind.Null ? (decimal?)null : o.GetProperty("price").GetDecimal())).ToList();

    [Fact]
    public async Task The_daily_example_trades_live_the_orders_aitrading_backtest_gives_on_the_same_file()
    {
        var file = Head("orcl-1995-2014.txt", 600);
        var json = Path.Combine(_directory, "parity.json");
        var (code, stdout, stderr) = await CliProcess.Run("parity", "--spec", DailyExample, "--path", file, "--symbols", "INDEX", "--json", json);
        code.ShouldBe(0, stdout + stderr);
        stdout.ShouldContain("sma-cross-10-30 on INDEX: 599 D1 bars live, 600 in the backtest");
        stdout.ShouldContain("parity: MATCH");

        using var parity = JsonDocument.Parse(File.ReadAllText(json));
        var rows = parity.RootElement.GetProperty("rows");
        var live = Orders(rows, "live");
        live.Count.ShouldBeGreaterThan(10);
        rows.EnumerateArray().ShouldAllBe(r => r.GetProperty("mismatch").ValueKind == JsonValueKind.Null);

        // The backtest side is what `aitrading backtest` with its defaults gives on that file: each order at the next bar's open,
        // which live is the replay's first tick of the day, the one that closes the day's bar.
        var backtestJson = Path.Combine(_directory, "backtest.json");
        var backtest = await CliProcess.Run("backtest", "--spec", DailyExample, "--data", file, "--json", backtestJson);
        backtest.ExitCode.ShouldBe(0, backtest.Error);
        using var result = JsonDocument.Parse(File.ReadAllText(backtestJson));
        var backtested = result.RootElement.GetProperty("orders").EnumerateArray()
            .Select(o => (o.GetProperty("time").GetDateTimeOffset(), o.GetProperty("side").GetString()!, o.GetProperty("quantity").GetDecimal(),
                (decimal?)o.GetProperty("averagePrice").GetDecimal())).ToList();
        Orders(rows, "backtest").ShouldBe(backtested);
        live.Select(o => (o.Time, o.Side, o.Quantity)).ShouldBe(backtested.Select(o => (o.Item1, o.Item2, o.Item3)));
        // Live fills at the ask (buys) or bid (sells) of the opening tick: 1 bp of spread around the open, rounded out to whole ticks.
        foreach (var (l, b) in live.Zip(backtested))
        {
            var half = Math.Abs(l.Price!.Value - b.Item4!.Value);
            half.ShouldBeGreaterThan(0m);
            half.ShouldBeLessThanOrEqualTo(b.Item4.Value * 0.0001m);
            (l.Price > b.Item4).ShouldBe(l.Side == "BUY");
        }
    }

    [Fact]
    public async Task An_hourly_strategy_on_five_minute_bars_trades_live_as_the_backtester_builds_hourly_bars_from_the_same_ticks()
    {
        var spec = Path.Combine(_directory, "sma-cross-h1.json");
        File.WriteAllText(spec, """
            {
              "id": "sma-cross-h1", "account": "PARITY", "instruments": ["INDEX"], "timeframe": "H1",
              "features": [{"indicator": "SMA", "parameters": {"period": 3}, "name": "fast"}, {"indicator": "SMA", "parameters": {"period": 8}, "name": "slow"}],
              "rules": {"entryLong": "cross_above(fast, slow)", "exitLong": "cross_below(fast, slow)",
                        "entryShort": "cross_below(fast, slow)", "exitShort": "cross_above(fast, slow)"},
              "sizing": {"method": "fixed_quantity", "quantity": 2},
              "venue": "paper"
            }
            """);
        var json = Path.Combine(_directory, "parity-h1.json");
        var (code, stdout, stderr) = await CliProcess.Run("parity", "--spec", spec, "--path", Head("2006-min-005.txt", 1000), "--symbols", "INDEX", "--json", json);
        code.ShouldBe(0, stdout + stderr);
        stdout.ShouldContain("parity: MATCH");
        using var parity = JsonDocument.Parse(File.ReadAllText(json));
        var live = Orders(parity.RootElement.GetProperty("rows"), "live");
        live.Count.ShouldBeGreaterThan(5);
        live.Select(o => o.Side).Distinct().Order().ShouldBe(["BUY", "SELL"]);
        stdout.ShouldContain("sma-cross-h1 on INDEX: 87 H1 bars live, 87 in the backtest");
        // Traded on the tick that closed an hourly bar: the opening tick of a 5-minute bar (the feed puts four 75 s apart in each).
        live.ShouldAllBe(o => o.Time.Second == 0 && o.Time.Minute % 5 == 0);
        Orders(parity.RootElement.GetProperty("rows"), "backtest").ShouldBe(live, "on ticks both sides fill at the same touch");
    }

    [Fact]
    public async Task A_backtest_filling_at_the_close_is_not_what_the_live_loop_does_and_the_command_says_where_and_exits_1()
    {
        var (code, stdout, stderr) = await CliProcess.Run("parity", "--spec", DailyExample, "--path", Head("orcl-1995-2014.txt", 300), "--fill", "close");
        code.ShouldBe(1, stdout + stderr);
        stdout.ShouldContain("parity: MISMATCH");
        stdout.ShouldContain("more than the spread");
    }

    [Fact]
    public async Task A_spec_of_another_instrument_than_the_file_is_refused_naming_the_field()
    {
        var (code, _, stderr) = await CliProcess.Run("parity", "--spec", DailyExample, "--path", Head("orcl-1995-2014.txt", 50), "--symbols", "ORCL");
        code.ShouldBe(2);
        stderr.ShouldContain("error: instruments: a parity run replays one instrument, ORCL (the spec trades INDEX)");
    }
}
