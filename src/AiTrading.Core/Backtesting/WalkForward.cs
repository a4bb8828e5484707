namespace AiTrading.Core.Backtesting;

/// <summary>One fold: the parameters fitted in sample and how they did there and on the bars after.</summary>
public sealed record WalkForwardFold(
    DateTimeOffset InSampleStart,
    DateTimeOffset OutOfSampleStart,
    DateTimeOffset OutOfSampleEnd,
    IReadOnlyDictionary<string, double> Parameters,
    double? InSampleScore,
    BacktestResult OutOfSample);

/// <summary>The folds and the out-of-sample equity chained across them (each fold starting from the last one's end).</summary>
public sealed record WalkForwardResult(string RankedBy, IReadOnlyList<WalkForwardFold> Folds, BacktestStatistics OutOfSample, double FinalEquity, int Evaluations);

/// <summary>
/// Walk-forward optimisation: the grid is fitted on <c>inSample</c> bars (the best point by the ranking statistic), then
/// the fitted parameters run on the next <c>outOfSample</c> bars, and the window rolls on by <c>outOfSample</c> bars
/// until the data ends. Every run reads the bars before its window to warm up and trades only inside it.
/// </summary>
public static class WalkForward
{
    public static WalkForwardResult Run(VectorizedBacktest engine, string template, IReadOnlyList<SweepParameter> parameters, string rankBy,
        int inSample, int outOfSample, int? parallelism = null, CancellationToken cancellationToken = default)
    {
        ParameterSweep.CheckRanking(rankBy);
        var available = engine.End - engine.First;
        if (inSample < 2) throw new ValidationException("inSample", $"must be at least 2 bars (got {inSample})");
        if (outOfSample < 2) throw new ValidationException("outOfSample", $"must be at least 2 bars (got {outOfSample})");
        if (inSample + outOfSample > available)
            throw new ValidationException("inSample", $"{inSample} in-sample and {outOfSample} out-of-sample bars need more than the {available} bars of the window");

        var folds = new List<WalkForwardFold>();
        var evaluations = 0;
        var times = new List<long>();
        var equity = new List<double>();
        var pnl = new List<decimal>();
        var exposed = 0;
        double scale = 1, cash = 0;
        for (var start = engine.First; start + inSample + 1 < engine.End; start += outOfSample)
        {
            var split = start + inSample;
            var stop = Math.Min(split + outOfSample, engine.End);
            if (stop - split < 2) break;
            var fitted = ParameterSweep.Run(engine, template, parameters, rankBy, (start, split), parallelism, cancellationToken);
            evaluations += fitted.Points.Count;
            var best = fitted.Points[0];
            if (best.Result is null) throw new ValidationException("param", $"no parameter set could run in sample from {engine.Series.Bars[start].OpenTime:O}: {best.Error}");
            var spec = JsonInput.Parse<Strategies.StrategySpec>(ParameterSweep.Expand(template, parameters.Select(p => p with { Values = [best.Parameters[p.Name]] }).ToList())[0].Json, "spec");
            var test = engine.Run(spec, split, stop);
            evaluations++;
            folds.Add(new(engine.Series.Bars[start].OpenTime, engine.Series.Bars[split].OpenTime, engine.Series.Bars[stop - 1].OpenTime,
                best.Parameters, ParameterSweep.Score(best, rankBy), test));

            if (folds.Count == 1) cash = (double)test.InitialCash;
            foreach (var point in test.Equity)
            {
                times.Add(point.Time.UtcTicks);
                equity.Add(point.Equity * scale);
            }
            pnl.AddRange(test.Trades.Where(t => !t.Open).Select(t => t.Pnl * (decimal)scale));
            exposed += (int)Math.Round(test.Statistics.Exposure * test.Bars);
            scale *= test.Equity[^1].Equity / (double)test.InitialCash;
        }
        if (folds.Count == 0) throw new ValidationException("inSample", "no fold fits the window");
        var statistics = PerformanceStatistics.Compute(times.ToArray(), equity.ToArray(), cash, pnl, exposed);
        return new(rankBy, folds, statistics, equity[^1], evaluations);
    }
}
