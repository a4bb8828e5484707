using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AiTrading.Connectors.Backtesting;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Core.Strategies;

namespace AiTrading.Cli;

/// <summary>`aitrading backtest` and `aitrading sweep`: a strategy spec over files of bars, in this process.</summary>
public static class BacktestCommands
{
    private static readonly Option<string> Spec = new("--spec") { Required = true, Description = "strategy spec (JSON), as submitted live" };
    private static readonly Option<string[]> Data = new("--data")
    {
        Required = true, AllowMultipleArgumentsPerToken = true,
        Description = "what to replay: FILE (CSV of bars, trades or quotes, or .parquet bars) for a strategy of one instrument, else SYMBOL=FILE for each",
    };
    private static readonly Option<string?> From = new("--from") { Description = "first bar that may trade (UTC date or time); earlier bars warm up" };
    private static readonly Option<string?> To = new("--to") { Description = "last bar read (UTC date or time)" };
    private static readonly Option<string> Cash = new("--cash") { Description = "starting cash", DefaultValueFactory = _ => "100000" };
    private static readonly Option<string?> Commission = new("--commission") { Description = "per fill: e.g. 0.005/unit, 2bps (of notional), min=1; comma-separated" };
    private static readonly Option<string?> Financing = new("--financing") { Description = "annual overnight rates on notional: long=RATE,short=RATE (0.03 or 3%; negative is a credit)" };
    private static readonly Option<string> Fill = new("--fill") { Description = "next-open (default) or close", DefaultValueFactory = _ => "next-open" };
    private static readonly Option<string> Spread = new("--spread-bps") { Description = "bid/ask spread around bar prices, basis points", DefaultValueFactory = _ => "0" };
    private static readonly Option<string> Slippage = new("--slippage-bps") { Description = "adverse slippage per fill, basis points", DefaultValueFactory = _ => "0" };
    private static readonly Option<int> Warmup = new("--warmup") { Description = "bars at the start of the window that only warm the strategy up", DefaultValueFactory = _ => 0 };

    public static Command Backtest()
    {
        var json = new Option<string?>("--json") { Description = "write the result (statistics, trades, orders, equity curve) as JSON" };
        var report = new Option<string?>("--report") { Description = "write an HTML report (equity, drawdown, trades on price)" };
        var command = new Command("backtest", "Replay bars through a strategy spec with the live strategy, risk and fill code; print its statistics.")
            { Spec, Data, From, To, Cash, Commission, Financing, Fill, Spread, Slippage, Warmup, json, report };
        command.SetAction((result, token) => Commands.Guarded(() =>
        {
            var spec = JsonInput.Read<StrategySpec>(result.GetValue(Spec)!, "strategy spec");
            var options = Options(result);
            var data = BacktestDataFile.LoadAll(result.GetValue(Data)!, spec.Instruments ?? []);
            BacktestResult outcome;
            using (var bar = new TerminalProgress())
                outcome = Backtester.Run(spec, data, options, bar, token);
            if (result.GetValue(json) is { } jsonPath) WriteAtomically(jsonPath, JsonSerializer.Serialize(outcome, BacktestText.Json));
            if (result.GetValue(report) is { } reportPath) WriteAtomically(reportPath, BacktestReport.Html(outcome, data));
            Console.WriteLine(Summary(outcome));
            return Task.CompletedTask;
        }));
        return command;
    }

    public static Command Sweep()
    {
        var parameters = new Option<string[]>("--param")
        {
            Required = true, AllowMultipleArgumentsPerToken = true,
            Description = "a swept parameter: PATH=FROM:TO:STEP or PATH=A,B,C, PATH a number in the spec (features[0].parameters.period) or a {name} placeholder in its rules",
        };
        var rank = new Option<string>("--rank") { Description = $"statistic to rank by: {string.Join(", ", ParameterSweep.Rankings)}", DefaultValueFactory = _ => "sharpe" };
        var top = new Option<int>("--top") { Description = "rows of the ranking to print", DefaultValueFactory = _ => 10 };
        var walk = new Option<string?>("--walk-forward") { Description = "IN,OUT: fit on IN bars, test on the next OUT, roll on by OUT" };
        var json = new Option<string?>("--json") { Description = "write every point (or every fold) as JSON" };
        var command = new Command("sweep", "Evaluate a grid of parameters over bars with the vectorized engine, ranked by a statistic; optionally walk forward.")
            { Spec, Data, parameters, rank, top, walk, json, From, To, Cash, Commission, Fill, Spread, Slippage, Warmup };
        command.SetAction((result, token) => Commands.Guarded(() =>
        {
            var specPath = result.GetValue(Spec)!;
            string template;
            try
            {
                template = File.ReadAllText(specPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FormatException($"{specPath}: cannot read the strategy spec ({e.Message})", e);
            }
            var swept = result.GetValue(parameters)!.Select(SweepParameter.Parse).ToList();
            var rankBy = result.GetValue(rank)!;
            ParameterSweep.CheckRanking(rankBy);
            var data = BacktestDataFile.LoadAll(result.GetValue(Data)!, Instruments(template, specPath));
            if (data.Count != 1) throw new ValidationException("data", "a sweep runs on one instrument");
            var engine = new VectorizedBacktest(data[0], Options(result));
            object output;
            if (result.GetValue(walk) is { } windows)
            {
                var (inSample, outOfSample) = Windows(windows);
                var folds = WalkForward.Run(engine, template, swept, rankBy, inSample, outOfSample, cancellationToken: token);
                foreach (var f in folds.Folds)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{f.InSampleStart:yyyy-MM-dd} | {f.OutOfSampleStart:yyyy-MM-dd} to {f.OutOfSampleEnd:yyyy-MM-dd}: {Parameters(f.Parameters)}  in-sample {rankBy} {Format(f.InSampleScore)}, out-of-sample return {f.OutOfSample.Statistics.TotalReturn:P2}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"walk-forward: {folds.Folds.Count} folds, {folds.Evaluations} evaluations; out of sample: return {folds.OutOfSample.TotalReturn:P2}, Sharpe {Format(folds.OutOfSample.Sharpe)}, max drawdown {folds.OutOfSample.MaxDrawdown:P2}, final equity {folds.FinalEquity:0.00}"));
                output = new
                {
                    folds.RankedBy, folds.Evaluations, folds.FinalEquity, folds.OutOfSample,
                    Folds = folds.Folds.Select(f => new { f.InSampleStart, f.OutOfSampleStart, f.OutOfSampleEnd, f.Parameters, f.InSampleScore, f.OutOfSample.FinalEquity, f.OutOfSample.Statistics, f.OutOfSample.Trades }),
                };
            }
            else
            {
                var sweep = ParameterSweep.Run(engine, template, swept, rankBy, cancellationToken: token);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{sweep.Points.Count} points over {engine.End - engine.First} bars of {data[0].Symbol} in {sweep.Elapsed.TotalMilliseconds:0} ms ({sweep.EvaluationsPerSecond:0} evaluations/s), ranked by {rankBy}:"));
                foreach (var (point, i) in sweep.Points.Take(result.GetValue(top)).Select((p, i) => (p, i)))
                    Console.WriteLine(point.Result is { } r
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"{i + 1,4}. {Parameters(point.Parameters)}  {rankBy} {Format(ParameterSweep.Score(point, rankBy))}  return {r.Statistics.TotalReturn:P2}  max drawdown {r.Statistics.MaxDrawdown:P2}  trades {r.Statistics.Trades}  final equity {r.FinalEquity:0.00}")
                        : $"{i + 1,4}. {Parameters(point.Parameters)}  error: {point.Error}");
                output = new
                {
                    sweep.RankedBy, Evaluations = sweep.Points.Count, ElapsedSeconds = sweep.Elapsed.TotalSeconds, sweep.EvaluationsPerSecond,
                    Points = sweep.Points.Select(p => new { p.Parameters, p.Error, p.Result?.FinalEquity, p.Statistics }),
                };
            }
            if (result.GetValue(json) is { } path) WriteAtomically(path, JsonSerializer.Serialize(output, BacktestText.Json));
            return Task.CompletedTask;
        }));
        return command;
    }

    /// <summary>The instruments a template names (it may not be a valid spec until its placeholders are filled).</summary>
    private static IReadOnlyList<string> Instruments(string template, string path)
    {
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(template, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return node?["instruments"] is System.Text.Json.Nodes.JsonArray list ? list.Select(i => i?.GetValue<string>() ?? "").ToList() : [];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    private static (int InSample, int OutOfSample) Windows(string text)
    {
        var parts = text.Split(',');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var inSample) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var outOfSample))
            return (inSample, outOfSample);
        throw new ValidationException("--walk-forward", $"'{text}' is not IN,OUT (bar counts, e.g. 504,126)");
    }

    private static string Parameters(IReadOnlyDictionary<string, double> values) =>
        string.Join(" ", values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value}")));

    internal static string Summary(BacktestResult r)
    {
        var s = r.Statistics;
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.StrategyId} on {string.Join(",", r.Symbols)}: {r.Bars} bars {r.Start:yyyy-MM-dd} to {r.End:yyyy-MM-dd}; final equity {r.FinalEquity:0.00} " +
            $"(return {s.TotalReturn:P2}, Sharpe {Format(s.Sharpe)}, max drawdown {s.MaxDrawdown:P2}), {s.Trades} closed trades, {r.Orders.Count} orders");
    }

    private static string Format(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "n/a";

    internal static BacktestOptions Options(ParseResult result)
    {
        var errors = new List<FieldError>();
        var paper = new Core.Trading.PaperFillOptions { SlippageBps = BacktestText.Decimal(result.GetValue(Slippage)!, "--slippage-bps", errors), RandomSlippageBps = 0 };
        var fill = BacktestText.Fill(result.GetValue(Fill)!, "--fill", errors);
        var options = new BacktestOptions
        {
            InitialCash = BacktestText.Decimal(result.GetValue(Cash)!, "--cash", errors),
            Fill = fill,
            SpreadBps = BacktestText.Decimal(result.GetValue(Spread)!, "--spread-bps", errors),
            Paper = paper,
            Commission = result.GetValue(Commission) is { } c ? BacktestText.Commission(c, "--commission", errors) : CommissionModel.None,
            Financing = result.GetValue(Financing) is { } f ? BacktestText.Financing(f, "--financing", errors) : FinancingModel.None,
            WarmupBars = result.GetValue(Warmup),
            From = result.GetValue(From) is { } from ? Time(from, "--from", errors) : null,
            To = result.GetValue(To) is { } to ? EndOf(to, Time(to, "--to", errors)) : null,
        };
        if (errors.Count > 0) throw new ValidationException(errors);
        var problems = options.Validate().Select(e => e with { Field = "--" + OptionName(e.Field) }).ToList();
        if (problems.Count > 0) throw new ValidationException(problems);
        return options;
    }

    private static string OptionName(string field) => field switch
    {
        "spreadBps" => "spread-bps",
        "paper.slippageBps" => "slippage-bps",
        _ => field.Split('.')[0],
    };

    private static T Invalid<T>(List<FieldError> errors, string field, string message, T fallback)
    {
        errors.Add(new(field, message));
        return fallback;
    }

    private static DateTimeOffset Time(string text, string field, List<FieldError> errors) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : Invalid(errors, field, $"'{text}' is not a date or time (e.g. 2006-03-01 or 2006-03-01T10:00:00Z)", DateTimeOffset.MinValue);

    /// <summary>A bare date as --to means the whole of that day.</summary>
    private static DateTimeOffset EndOf(string text, DateTimeOffset time) =>
        text.Length <= 10 && time != DateTimeOffset.MinValue ? time.AddDays(1).AddTicks(-1) : time;

    internal static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".partial";
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>A progress bar on the terminal (standard error), shown once a run has taken a second; nothing when redirected.</summary>
    internal sealed class TerminalProgress : IProgress<BacktestProgress>, IDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private bool _shown;

        public void Report(BacktestProgress value)
        {
            if (Console.IsErrorRedirected || value.Total == 0 || _clock.ElapsedMilliseconds < 1000) return;
            const int width = 40;
            var filled = (int)(width * value.Bars / value.Total);
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r[{new string('#', filled)}{new string('.', width - filled)}] {value.Bars:N0}/{value.Total:N0} bars  {value.Bars / _clock.Elapsed.TotalSeconds:N0}/s"));
            _shown = true;
        }

        public void Dispose()
        {
            if (_shown) Console.Error.WriteLine();
        }
    }
}
