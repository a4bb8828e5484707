using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AiTrading.Connectors.Backtesting;
using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;
using AiTrading.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiTrading.Cli;

/// <summary>
/// `aitrading parity`: the same spec on the same CSV, live and in the backtester; their orders compared (docs/parity.md).
/// The live side is the product: a silo (in memory, on free local ports) whose instrument, strategy, risk gate, order
/// and paper venue grains trade the file's ticks replayed through the ticks stream (<see cref="ParityReplay"/>).
/// </summary>
public static class ParityCommand
{
    public static Command Parity()
    {
        var spec = new Option<string>("--spec") { Required = true, Description = "strategy spec (JSON) of one instrument, as submitted live" };
        var path = new Option<string>("--path") { Required = true, Description = "CSV file to replay (bars, trades or quotes), as `run --feed csv` reads it" };
        var symbols = new Option<string?>("--symbols") { Description = "the instrument the file holds (default: the spec's)" };
        var fill = new Option<string>("--fill") { Description = "the backtest's fill model on bars: next-open (default; what the live loop does) or close", DefaultValueFactory = _ => "next-open" };
        var json = new Option<string?>("--json") { Description = "write both order lists and the comparison as JSON" };
        var barTimeout = new Option<double>("--bar-timeout") { Description = "seconds a bar may take live, from its closing tick to its order's end", DefaultValueFactory = _ => 60 };
        var command = new Command("parity", "Replay a CSV live with a spec submitted before its first bar, backtest the same spec on the same file, and compare their orders; exit 1 on a mismatch.")
            { spec, path, symbols, fill, json, barTimeout };
        command.SetAction(async (result, token) =>
        {
            var matched = true;
            var code = await Commands.Guarded(async () =>
            {
                var strategy = JsonInput.Read<StrategySpec>(result.GetValue(spec)!, "strategy spec").Normalized();
                var file = result.GetValue(path)!;
                var symbol = result.GetValue(symbols) is { } named ? FeedSettings.ParseSymbols(named).Single() : strategy.Instruments?.FirstOrDefault() ?? "";
                var errors = new List<FieldError>();
                var fillModel = BacktestText.Fill(result.GetValue(fill)!, "--fill", errors);
                if (result.GetValue(barTimeout) is var seconds && !(seconds is > 0 and <= 3600)) errors.Add(new("--bar-timeout", $"must be between 0 and 3600 seconds (got {seconds})"));
                if (errors.Count > 0) throw new ValidationException(errors);
                var feed = new CsvReplayFeed(new CsvReplayOptions { Path = file, Symbol = symbol });
                ParityReplay.Check(feed, strategy);
                var data = BacktestSeriesOf(file, feed, strategy);
                Backtester.Validate(strategy, [data], new BacktestOptions { Fill = fillModel }); // a spec or file the backtest refuses starts no silo

                var live = await RunLiveAsync(feed, strategy, TimeSpan.FromSeconds(seconds), token);
                var backtest = Backtester.Run(strategy, [data], new BacktestOptions
                {
                    AccountCurrency = live.Account.Currency, InitialCash = live.Account.Cash, Risk = live.Account.Limits, Fill = fillModel,
                    Paper = new Core.Trading.PaperFillOptions { SlippageBps = 0, RandomSlippageBps = 0 },
                }, cancellationToken: token);
                var report = OrderParity.Compare(live.Orders, backtest.Orders.Select(ParityOrder.From).ToList());

                Console.WriteLine($"{strategy.Id} on {symbol}: {live.Bars} {strategy.Timeframe} bars live, {backtest.Bars} in the backtest");
                Console.WriteLine($"{"#",4}  {"live",-60}  {"backtest",-60}  result");
                foreach (var row in report.Rows)
                    Console.WriteLine($"{row.Number,4}  {row.Live?.ToString() ?? "-",-60}  {row.Backtest?.ToString() ?? "-",-60}  {row.Mismatch ?? "ok"}");
                Console.WriteLine(report.Summary);
                if (result.GetValue(json) is { } jsonPath)
                    BacktestCommands.WriteAtomically(jsonPath, JsonSerializer.Serialize(new { report.Summary, report.Matches, report.Rows }, BacktestText.Json));
                matched = report.Matches;
            });
            return code != 0 ? code : matched ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// What `aitrading backtest --data FILE` replays: the file's bars when they are of the spec's timeframe; otherwise
    /// the ticks the live feed makes of the file, which the backtester builds into bars of the spec's timeframe.
    /// </summary>
    private static BacktestSeries BacktestSeriesOf(string file, CsvReplayFeed feed, StrategySpec spec)
    {
        var data = BacktestDataFile.Load(file, feed.Instruments[0].Symbol);
        if (data.IsTicks || (data.Bars.Count > 0 && data.Bars[0].Timeframe.Name == spec.Timeframe)) return data;
        return new BacktestSeries(feed.Instruments[0], [], file, feed.ReadTicks().ToList());
    }

    /// <summary>A silo of its own on free local ports, in memory, with a paper venue that fills at the touch (no slippage).</summary>
    private static async Task<ParityLiveRun> RunLiveAsync(CsvReplayFeed feed, StrategySpec spec, TimeSpan barTimeout, CancellationToken token)
    {
        var settings = new HostSettings
        {
            Feed = FeedSettings.NoFeed, Demo = false, SiloPort = FreePort(), SiloGatewayPort = FreePort(), SiloHttpPort = 0,
            Configuration = new Dictionary<string, string?>
            {
                ["Clustering:Provider"] = "Memory", ["Storage:Provider"] = "Memory", ["Streams:Provider"] = "Memory",
                ["Streams:PollPeriod"] = "00:00:00.001",
                ["Trading:Paper:SlippageBps"] = "0", ["Trading:Paper:RandomSlippageBps"] = "0", ["Trading:Paper:Latency"] = "00:00:00",
                // The comparison table is the output: logs go to standard error, warnings and worse only.
                ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:AiTrading"] = "Warning",
                ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
            },
        };
        using var host = Hosting.BuildSilo(settings);
        await host.StartAsync(token);
        try
        {
            return await ParityReplay.RunAsync(host.Services.GetRequiredService<IClusterClient>(), feed, spec, barTimeout, token);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
