using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AiTrading.Connectors.Features;
using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.ML;

namespace AiTrading.Cli;

/// <summary><c>aitrading models train</c> and <c>aitrading models predict</c>: offline training and scoring on CSV bars.</summary>
public static class ModelCommands
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Models()
    {
        var command = new Command("models", "Train models with walk-forward validation and score bar files with them.");
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Predict());
        return command;
    }

    private static readonly Option<string> Data = new("--data") { Required = true, Description = "CSV of OHLCV bars (Date[,Time],Open,High,Low,Close[,Volume])" };
    private static readonly Option<string?> Volume = new("--volume-column") { Description = "column holding traded volume (default: Volume when present, else 0)" };

    private static Command Train()
    {
        var kind = new Option<string>("--kind") { Required = true, Description = "lightgbm, fasttree, fastforest, lstm, transformer or cnn" };
        var horizon = new Option<int>("--horizon") { Required = true, Description = "bars ahead the label looks (the vertical barrier for triple-barrier labels)" };
        var json = new Option<string>("--json") { Required = true, Description = "where to write the out-of-sample report (JSON)" };
        var model = new Option<string?>("--model") { Description = "where to save the trained model (default: the JSON path with .model)" };
        var labels = new Option<string>("--labels") { Description = "fixed (close N bars later) or triple-barrier", DefaultValueFactory = _ => "fixed" };
        var width = new Option<double>("--barrier-width") { Description = "triple-barrier: barrier distance in σ·√N", DefaultValueFactory = _ => 1 };
        var task = new Option<string>("--task") { Description = "direction (probability of an up move) or return (forward log return)", DefaultValueFactory = _ => "direction" };
        var folds = new Option<int>("--folds") { Description = "walk-forward folds", DefaultValueFactory = _ => 4 };
        var embargo = new Option<int>("--embargo") { Description = "rows dropped between a fold's last training label and its first test row", DefaultValueFactory = _ => 5 };
        var features = new Option<string?>("--features") { Description = "JSON array of feature definitions (default: scale-free oscillators and returns)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
        var trees = new Option<int?>("--trees") { Description = "trees (tree models)" };
        var epochs = new Option<int?>("--epochs") { Description = "epochs (networks)" };
        var window = new Option<int?>("--window") { Description = "bars of features a network reads" };
        var device = new Option<string>("--device") { Description = "networks: auto (CUDA when present), cpu or cuda", DefaultValueFactory = _ => "auto" };
        var command = new Command("train", "Train a model on a CSV of bars with walk-forward validation; write the out-of-sample metrics and save the model.")
            { kind, Data, horizon, json, model, labels, width, task, folds, embargo, features, Volume, seed, trees, epochs, window, device };
        command.SetAction((result, token) => Commands.Guarded(() =>
        {
            var overrides = new Dictionary<string, double> { ["seed"] = result.GetValue(seed) };
            if (result.GetValue(trees) is { } t) overrides["trees"] = t;
            if (result.GetValue(epochs) is { } e) overrides["epochs"] = e;
            if (result.GetValue(window) is { } w) overrides["window"] = w;
            var spec = ModelSpecs.Parse(result.GetValue(kind), result.GetValue(task), result.GetValue(labels), result.GetValue(horizon), result.GetValue(width),
                result.GetValue(folds), result.GetValue(embargo), overrides, result.GetValue(device)!);
            var (modelKind, modelTask, options) = (spec.Kind, spec.Task, spec.Options);

            var bars = new CsvBarFile(result.GetValue(Data)!, result.GetValue(Volume));
            var definitions = result.GetValue(features) is { } path ? FeatureDefinitionFile.Read(path) : ModelFeatures.Default;
            var dataset = FeatureDataset.FromBars(bars.Read(), definitions);
            var trained = ModelTraining.Train(dataset, spec, cancellation: token);
            using var _ = trained.Model;

            var jsonPath = result.GetValue(json)!;
            var modelPath = Path.GetFullPath(result.GetValue(model) ?? Path.ChangeExtension(jsonPath, ".model"));
            WriteAtomically(modelPath, stream => stream.Write(trained.Artifact));
            var metrics = trained.Evaluation.Metrics();
            var report = new Dictionary<string, object?>
            {
                ["kind"] = modelKind.Name(),
                ["task"] = modelTask.ToString().ToLowerInvariant(),
                ["labels"] = trained.Labeling,
                ["symbol"] = dataset.Symbol,
                ["timeframe"] = dataset.Timeframe.Name,
                ["rows"] = dataset.Count,
                ["samples"] = trained.Samples,
                ["trainFrom"] = trained.TrainFrom,
                ["trainTo"] = trained.TrainTo,
                ["features"] = dataset.FeatureNames,
                ["hyperParameters"] = options.Describe(modelKind),
            };
            foreach (var (name, value) in metrics.Where(m => !m.Key.StartsWith("baseline", StringComparison.Ordinal) && m.Key != "samples"))
                report[name] = Finite(value);
            report["baseline"] = metrics.Where(m => m.Key.StartsWith("baseline", StringComparison.Ordinal))
                .ToDictionary(m => char.ToLowerInvariant(m.Key["baseline".Length]) + m.Key[("baseline".Length + 1)..], m => Finite(m.Value));
            report["calibration"] = trained.Evaluation.Direction?.Calibration;
            report["folds"] = trained.Evaluation.Folds.Select(f => new
            {
                f.Number, f.TrainFrom, f.TrainTo, f.TestFrom, f.TestTo, f.TrainSamples, f.TestSamples,
                Metrics = new EvaluationReport(f.TestSamples, f.Direction, f.DirectionBaseline, f.Return, f.ReturnBaseline, []).Metrics()
                    .Where(m => m.Key != "samples").ToDictionary(m => m.Key, m => Finite(m.Value)),
            });
            report["hash"] = trained.Hash;
            report["model"] = modelPath;
            report["trainingSeconds"] = Math.Round(trained.Elapsed.TotalSeconds, 3);
            WriteAtomically(jsonPath, stream => JsonSerializer.Serialize(stream, report, Json));

            var headline = modelTask == ModelTask.Direction
                ? string.Create(CultureInfo.InvariantCulture, $"out-of-sample AUC {metrics["auc"]:F3} (baseline {metrics["baselineAuc"]:F3}), log loss {metrics["logLoss"]:F4} (baseline {metrics["baselineLogLoss"]:F4})")
                : string.Create(CultureInfo.InvariantCulture, $"out-of-sample IC {metrics["informationCoefficient"]:F3}, RMSE {metrics["rmse"]:G4} (baseline {metrics["baselineRmse"]:G4})");
            Console.WriteLine($"{modelKind.Name()} on {dataset.Symbol} {dataset.Timeframe}, {trained.Samples} samples, {spec.Validation.Folds} folds: {headline}");
            Console.WriteLine($"model {trained.Hash[..12]} -> {modelPath}; report -> {jsonPath}");
            return Task.CompletedTask;
        }));
        return command;
    }

    private static Command Predict()
    {
        var model = new Option<string>("--model") { Required = true, Description = "a model saved by models train" };
        var output = new Option<string>("--out") { Required = true, Description = "CSV to write: the bar time, close and the model's score" };
        var command = new Command("predict", "Score every bar of a CSV (once the model's features and window are ready) with a saved model.")
            { model, Data, output, Volume };
        command.SetAction((result, token) => Commands.Guarded(() =>
        {
            var modelPath = result.GetValue(model)!;
            if (!File.Exists(modelPath)) throw new ValidationException("model", $"{modelPath} does not exist; train one with 'aitrading models train'");
            using var trained = TrainedModel.FromArtifact(File.ReadAllBytes(modelPath));
            var bars = new CsvBarFile(result.GetValue(Data)!, result.GetValue(Volume));
            var dataset = FeatureDataset.FromBars(bars.Read(), trained.Header.Definitions);
            if (dataset.Count < trained.Window)
                throw new ValidationException("data", $"{dataset.Count} rows after warm-up are too few for the model's window of {trained.Window}");
            var rows = Enumerable.Range(trained.Window - 1, dataset.Count - trained.Window + 1).ToArray();
            var scores = trained.Predict(dataset, rows);
            var column = trained.Task == ModelTask.Direction ? "p_up" : "forecast_return";
            var target = result.GetValue(output)!;
            WriteAtomically(target, stream =>
            {
                using var writer = new StreamWriter(stream);
                writer.WriteLine($"{bars.TimeColumn},Close,{column}");
                var format = bars.TimeColumn == "Date" ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss";
                for (var i = 0; i < rows.Length; i++)
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataset.Times[rows[i]].ToString(format, CultureInfo.InvariantCulture)},{dataset.Closes[rows[i]]},{scores[i]:R}"));
            });
            Console.WriteLine($"{rows.Length} {dataset.Timeframe} bars of {dataset.Symbol} scored by {trained.Kind.Name()} -> {target}");
            return Task.CompletedTask;
        }));
        return command;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    /// <summary>Writes through a temporary file, so a failure leaves no half-written output.</summary>
    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = path + ".partial";
        try
        {
            using (var stream = File.Create(temporary)) write(stream);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
