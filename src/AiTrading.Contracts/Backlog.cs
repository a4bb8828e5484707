using AiTrading.Core.Scaling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace AiTrading.Contracts;

/// <summary>
/// The cluster's backlog, one grain (key: <see cref="Backlog.Key"/>) that the autoscaler reads: jobs enter when they
/// are accepted and leave when they end, renewing a short lease while they run; processes report their waiting
/// network inference calls. Its state is soft: after a move or a restart the next renewals and reports rebuild it.
/// </summary>
[Alias("backlog")]
public interface IBacklogGrain : IGrainWithStringKey
{
    /// <summary>The job is queued or running (again: renews its lease).</summary>
    [Alias("enter")] Task EnterAsync(string job, WorkloadKind kind, TimeSpan lease);
    [Alias("leave")] Task LeaveAsync(string job);
    /// <summary>How many network inference calls <paramref name="source"/> (a silo or gateway process) has made and not had answered.</summary>
    [Alias("report-inference")] Task ReportInferenceAsync(string source, int waiting, TimeSpan lease);
    [Alias("get"), ReadOnly, AlwaysInterleave] Task<BacklogView> GetAsync();
}

/// <summary>What the backlog is made of now (counts only); a pool's backlog is <see cref="Of"/>.</summary>
[GenerateSerializer, Immutable, Alias("backlog-view")]
public sealed record BacklogView(
    [property: Id(0)] int Backtests,
    [property: Id(1)] int TreeTraining,
    [property: Id(2)] int NetworkTraining,
    [property: Id(3)] int InferenceWaiting)
{
    public int Of(ComputePool pool) => new BacklogCounts(Backtests, TreeTraining, NetworkTraining, InferenceWaiting).Of(pool);
}

public static class Backlog
{
    public const string Key = "cluster";

    /// <summary>How long a job or a report counts without renewal: how long a job of a silo that died keeps a pool up.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>How often running jobs and busy processes renew their lease (well inside <see cref="Lease"/>).</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);

    /// <summary>How often a process looks at its waiting inference calls and reports a change.</summary>
    public static readonly TimeSpan InferenceReportPeriod = TimeSpan.FromSeconds(1);

    public static IBacklogGrain Grain(IGrainFactory grains) => grains.GetGrain<IBacklogGrain>(Key);

    public static string BacktestJob(string id) => $"backtest/{id}";

    public static string TrainingJob(string jobId) => $"training/{jobId}";

    public static WorkloadKind TrainingKind(string modelKind) => ModelNames.IsNetwork(modelKind.ToLowerInvariant()) ? WorkloadKind.NetworkTraining : WorkloadKind.TreeTraining;

    /// <summary>Counts this process's network inference calls and reports them to the backlog (silos and gateways alike).</summary>
    public static IServiceCollection AddInferenceBacklog(this IServiceCollection services)
    {
        services.TryAddSingleton<InferenceBacklog>();
        services.AddHostedService<InferenceBacklogReporter>();
        return services;
    }
}

/// <summary>
/// The network inference calls this process has made and not had answered yet: queued at a GPU silo's workers or
/// being scored. Callers predict through <see cref="PredictAsync"/> so the count is kept.
/// </summary>
public sealed class InferenceBacklog
{
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public async Task<ModelPrediction> PredictAsync(IGrainFactory grains, string model, string kind, ModelInput input)
    {
        var worker = ModelNames.Inference(grains, model, kind);
        if (!ModelNames.IsNetwork(kind)) return await worker.PredictAsync(input);
        Interlocked.Increment(ref _waiting);
        try
        {
            return await worker.PredictAsync(input);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }
}

/// <summary>Reports this process's <see cref="InferenceBacklog.Waiting"/> when it changes, and renews it while it is not zero.</summary>
internal sealed class InferenceBacklogReporter(InferenceBacklog backlog, IGrainFactory grains, TimeProvider clock, ILogger<InferenceBacklogReporter> logger)
    : BackgroundService
{
    private readonly string _source = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (reported, reportedAt) = (0, DateTimeOffset.MinValue);
        using var timer = new PeriodicTimer(Backlog.InferenceReportPeriod, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var (waiting, now) = (backlog.Waiting, clock.GetUtcNow());
            if (waiting == reported && (waiting == 0 || now - reportedAt < Backlog.Renewal)) continue;
            try
            {
                await Backlog.Grain(grains).ReportInferenceAsync(_source, waiting, Backlog.Lease).WaitAsync(stoppingToken);
                (reported, reportedAt) = (waiting, now);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not joined yet, or the cluster is moving the grain: the next tick tries again.
                logger.LogDebug(e, "Inference backlog report failed; retrying");
            }
        }
    }
}
