using System.Diagnostics;
using AiTrading.Connectors.Feeds;
using AiTrading.ML;

namespace AiTrading.Bench;

/// <summary>
/// Issue 6's figures, per model kind on one fixed data set (the shared ORCL daily series, 1995–2014, default
/// model features, 5-bar fixed-horizon direction labels, 4 walk-forward folds with an embargo of 5): training time
/// (walk-forward plus the final fit), out-of-sample AUC against the naive baseline, and inference latency at batch
/// 1 on the CPU, timed call by call after a warm-up.
/// </summary>
public static class ModelBenchmark
{
    public static void Run(int calls, IReadOnlyList<ModelKind> kinds)
    {
        var data = FeatureDataset.FromBars(new CsvBarFile(SharedDataFile("orcl-1995-2014.txt")).Read(), ModelFeatures.Default);
        Console.WriteLine($"data: ORCL D1, {data.Count} rows × {data.FeatureCount} features; labels fixed-horizon(5); walk-forward 4 folds, embargo 5; CPU, 1 training thread");
        Console.WriteLine($"{"kind",-12} {"train s",8} {"OOS AUC",8} {"base AUC",9} {"logloss",8} {"base ll",8} {"brier",7} {"p50 µs",9} {"p99 µs",9} {"p99.9 µs",9}");
        foreach (var kind in kinds)
        {
            var spec = new ModelSpec(kind, new FixedHorizon(5), Validation: new WalkForwardOptions(Folds: 4, Embargo: 5), Options: new TrainingOptions { Device = "cpu" });
            var trained = ModelTraining.Train(data, spec);
            using var model = trained.Model;
            var inputs = Enumerable.Range(data.Count - 500, 500).Select(r => data.Window(r, model.Window).ToArray()).ToArray();
            for (var i = 0; i < Math.Min(calls, 500); i++) model.Predict(inputs[i % inputs.Length]);
            var samples = new long[calls];
            var sink = 0.0;
            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                sink += model.Predict(inputs[i % inputs.Length]);
                samples[i] = Stopwatch.GetTimestamp() - start;
            }
            if (!double.IsFinite(sink)) throw new InvalidOperationException("a score was not finite");
            Array.Sort(samples);
            var e = trained.Evaluation;
            Console.WriteLine($"{kind.Name(),-12} {trained.Elapsed.TotalSeconds,8:0.00} {e.Direction!.Auc,8:0.000} {e.DirectionBaseline!.Auc,9:0.000} {e.Direction.LogLoss,8:0.0000} {e.DirectionBaseline.LogLoss,8:0.0000} {e.Direction.Brier,7:0.0000} " +
                              $"{Micro(samples, 0.5),9:0.0} {Micro(samples, 0.99),9:0.0} {Micro(samples, 0.999),9:0.0}");
        }
    }

    private static double Micro(long[] sorted, double q) => BenchHost.Micros(sorted, q);

    internal static string SharedDataFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"no shared/data/{name} above {AppContext.BaseDirectory}");
    }
}
