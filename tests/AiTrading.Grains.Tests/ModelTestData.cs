using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.ML;

namespace AiTrading.Grains.Tests;

/// <summary>Seeded bars with a planted, learnable signal (mean-reverting one-bar returns) and helpers to wait on models.</summary>
public static class ModelTestData
{
    public static readonly IReadOnlyList<Bar> Bars = ML.Tests.SyntheticBars.Generate(3000, -0.4, seed: 5);

    public static readonly FeatureDataset Dataset = FeatureDataset.FromBars(Bars, ModelFeatures.Default);

    public static ModelTrainingRequest Request(string kind, IReadOnlyDictionary<string, double>? options = null) =>
        new(kind, Bars, Horizon: 1, Folds: 3, Embargo: 2, Options: options ?? new Dictionary<string, double> { ["trees"] = 40 }, Device: "cpu");

    /// <summary>The feature vectors of the rows up to <paramref name="row"/>, oldest first, as a model input.</summary>
    public static ModelInput Input(int row, int window = 1) => new(Enumerable.Range(row - window + 1, window)
        .Select(r => (IReadOnlyDictionary<string, double>)Dataset.FeatureNames.Select((name, f) => (name, value: (double)Dataset.Row(r)[f])).ToDictionary(x => x.name, x => x.value))
        .ToList());

    public static async Task<TrainingJobView> TrainedAsync(IModelGrain model, ModelTrainingRequest request)
    {
        var last = await FinishedAsync(model, await model.TrainAsync(request));
        last.State.ShouldBe(TrainingJobView.Completed, last.Error);
        return last;
    }

    /// <summary>The job's view once it has ended (completed, failed or cancelled).</summary>
    public static async Task<TrainingJobView> FinishedAsync(IModelGrain model, TrainingJobView job)
    {
        TrainingJobView? last = job;
        await Eventually.True(async () => (last = await model.GetJobAsync())!.State != TrainingJobView.Running, $"training job {job.JobId} to finish", TimeSpan.FromMinutes(2));
        return last!;
    }
}
