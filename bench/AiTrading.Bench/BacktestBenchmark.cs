using System.Diagnostics;
using AiTrading.Connectors.Backtesting;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;

namespace AiTrading.Bench;

/// <summary>
/// Issue 7's figures: event-driven bars per second for the SMA(10)/SMA(30) example on one instrument and on ten
/// (seeded random-walk minute bars held in memory, so the replay is measured, not the file reading), and vectorized
/// evaluations per second for a 20×20 grid of its periods over ten years of daily bars (ORCL 1995–2004).
/// Each figure is the best and the median of several runs after a warm-up run.
/// </summary>
public static class BacktestBenchmark
{
    public static void Run(int bars, int runs)
    {
        var repository = Repository();
        var template = File.ReadAllText(Path.Combine(repository, "examples/strategies/sma-cross-10-30.json"));
        var example = JsonInput.Parse<StrategySpec>(template, "sma-cross-10-30.json");
        var minute = example with { Timeframe = "M1", Instruments = ["SYN0"] };

        var one = new[] { Walk("SYN0", bars, seed: 1) };
        Report($"event-driven, 1 instrument, {bars:N0} bars", bars, runs, () => Backtester.Run(minute, one, new BacktestOptions()));

        var ten = Enumerable.Range(0, 10).Select(i => Walk($"SYN{i}", bars / 10, seed: i + 1)).ToArray();
        var tenSpec = minute with { Instruments = ten.Select(s => s.Symbol).ToList() };
        Report($"event-driven, 10 instruments, {bars / 10 * 10:N0} bars", bars / 10 * 10, runs, () => Backtester.Run(tenSpec, ten, new BacktestOptions()));

        var orcl = BacktestDataFile.Load(Path.Combine(repository, "..", "shared", "data", "orcl-1995-2014.txt"), "INDEX");
        var decade = orcl with { Bars = orcl.Bars.Where(b => b.OpenTime.Year is >= 1995 and <= 2004).ToList() };
        SweepParameter[] grid = [SweepParameter.Parse("features[0].parameters.period=2:40:2"), SweepParameter.Parse("features[1].parameters.period=10:200:10")];
        var times = new List<double>();
        var cpu = new List<double>();
        SweepResult? last = null;
        for (var i = 0; i <= runs; i++)
        {
            // A fresh engine each run: its feature columns are computed inside the timed sweep.
            var engine = new VectorizedBacktest(decade, new BacktestOptions());
            var (clock, before) = (Stopwatch.StartNew(), Process.GetCurrentProcess().TotalProcessorTime);
            last = ParameterSweep.Run(engine, template, grid, "sharpe");
            if (i == 0) continue;
            times.Add(clock.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds);
        }
        times.Sort();
        cpu.Sort();
        Console.WriteLine($"vectorized sweep, 20x20 = {last!.Points.Count} points over {decade.Bars.Count:N0} daily bars (10 years), {Environment.ProcessorCount} cores: " +
                          $"best {times[0] * 1000:0} ms ({last.Points.Count / times[0]:N0} evaluations/s), median {times[times.Count / 2] * 1000:0} ms " +
                          $"({last.Points.Count / times[times.Count / 2]:N0} evaluations/s), {cpu[cpu.Count / 2] * 1000:0} CPU ms (median); best point {string.Join(" ", last.Points[0].Parameters.Values)} sharpe {last.Points[0].Statistics?.Sharpe:0.###}");
    }

    private static void Report(string what, long bars, int runs, Func<BacktestResult> run)
    {
        var times = new List<double>();
        var cpu = new List<double>();
        BacktestResult? result = null;
        for (var i = 0; i <= runs; i++)
        {
            var (clock, before) = (Stopwatch.StartNew(), Process.GetCurrentProcess().TotalProcessorTime);
            result = run();
            if (i == 0) continue;
            times.Add(clock.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds);
        }
        times.Sort();
        cpu.Sort();
        // On a shared machine the wall clock includes time the run waited for a core; CPU seconds (all threads, GC included) do not.
        Console.WriteLine($"{what}: best {bars / times[0]:N0} bars/s, median {bars / times[times.Count / 2]:N0} bars/s; " +
                          $"{bars / cpu[cpu.Count / 2]:N0} bars per CPU second (median) ({result!.Trades.Count} trades, final equity {result.FinalEquity:0.00})");
    }

    /// <summary>A seeded random walk of minute bars (geometric, 2 bp per bar), open = previous close.</summary>
    private static BacktestSeries Walk(string symbol, int count, int seed)
    {
        var random = new Random(seed);
        var bars = new Bar[count];
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var price = 100.0;
        for (var i = 0; i < count; i++)
        {
            var open = price;
            var close = Math.Round(open * Math.Exp(0.0002 * (random.NextDouble() * 2 - 1) * 1.7), 2);
            var high = Math.Max(open, close) + 0.01;
            var low = Math.Min(open, close) - 0.01;
            bars[i] = new Bar(symbol, Timeframe.M1, start.AddMinutes(i), open, high, low, close, 1, 1);
            price = close;
        }
        return new BacktestSeries(InstrumentCatalog.Custom(symbol, 100), bars, symbol);
    }

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AiTrading.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no AiTrading.sln above {AppContext.BaseDirectory}");
    }
}
