using System.Diagnostics;
using AiTrading.Cli;
using AiTrading.Connectors.Feeds;
using AiTrading.Contracts;
using AiTrading.Gateway;
using AiTrading.ML;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Bench;

/// <summary>
/// Pattern validator end to end (issue 6): the embedded host, models trained through their grains on the shared
/// ORCL daily series and promoted, then <see cref="IPatternValidatorGrain.ValidateAsync"/> called one at a time from
/// the host's cluster client: inference by each model's stateless worker, the calibrated ensemble, the checks and
/// the audit append. Two validators: two tree models, and a tree model with a CNN.
/// </summary>
public static class ValidatorBenchmark
{
    public static async Task RunAsync(int calls)
    {
        var app = Hosting.BuildEmbedded(BenchHost.OnFreePorts() with { Symbols = ["EURUSD"], Speed = 1, Demo = false });
        await app.StartAsync();
        try
        {
            var cluster = app.Services.GetRequiredService<IClusterClient>();
            var bars = new CsvBarFile(ModelBenchmark.SharedDataFile("orcl-1995-2014.txt")).Read().ToList();
            foreach (var (id, kind) in new[] { ("bench-lightgbm", "lightgbm"), ("bench-fastforest", "fastforest"), ("bench-cnn", "cnn") })
            {
                var model = cluster.GetGrain<IModelGrain>(id);
                var job = await model.TrainAsync(new ModelTrainingRequest(kind, bars, Horizon: 5, Device: "cpu"));
                while ((job = (await model.GetJobAsync())!).State == TrainingJobView.Running) await Task.Delay(100);
                if (job.State != TrainingJobView.Completed) throw new InvalidOperationException($"{id}: {job.State} {job.Error}");
                await model.PromoteAsync(job.Version!.Value);
            }
            var data = FeatureDataset.FromBars(bars, ModelFeatures.Default);
            var inputs = Enumerable.Range(data.Count - 200, 200).Select(r => new ModelInput(Enumerable.Range(r - 15, 16)
                .Select(row => (IReadOnlyDictionary<string, double>)data.FeatureNames.Select((n, f) => (n, v: (double)data.Row(row)[f])).ToDictionary(x => x.n, x => x.v)).ToList())).ToArray();

            foreach (var (name, models) in new[] { ("lightgbm+fastforest", new[] { "bench-lightgbm", "bench-fastforest" }), ("lightgbm+cnn", new[] { "bench-lightgbm", "bench-cnn" }) })
            {
                var validator = cluster.GetGrain<IPatternValidatorGrain>($"bench-{name}");
                await validator.ConfigureAsync(new PatternValidatorConfig(models.Select(m => new ValidatorModel(m)).ToList(), AuditStream: "bench-models"));
                for (var i = 0; i < 200; i++) await validator.ValidateAsync("ORCL", inputs[i % inputs.Length]);
                var samples = new long[calls];
                var passed = 0;
                for (var i = 0; i < calls; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var verdict = await validator.ValidateAsync("ORCL", inputs[i % inputs.Length]);
                    samples[i] = Stopwatch.GetTimestamp() - start;
                    if (verdict.Passed) passed++;
                }
                Array.Sort(samples);
                Console.WriteLine($"validator {name,-20} over {calls} calls: p50 {BenchHost.Micros(samples, 0.5) / 1000:0.000} ms, p99 {BenchHost.Micros(samples, 0.99) / 1000:0.000} ms, " +
                                  $"max {BenchHost.Micros(samples, 1) / 1000:0.000} ms ({passed} passed the 0.7 gate)");
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
