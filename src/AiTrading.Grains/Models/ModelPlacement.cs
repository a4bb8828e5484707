using AiTrading.Contracts;
using AiTrading.Core;
using Microsoft.Extensions.Options;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace AiTrading.Grains.Models;

/// <summary>What to do with network grains when no silo of the cluster has a GPU.</summary>
public enum WithoutGpu
{
    /// <summary>Place them on the CPU silos (networks then run on the CPU).</summary>
    Cpu,
    /// <summary>Refuse to place them, with an error saying why.</summary>
    Refuse,
    /// <summary>
    /// Refuse to place them, but keep network training jobs queued (and in the GPU backlog, so the GPU pool scales
    /// up) until a GPU silo joins or <see cref="ModelOptions.GpuWaitTimeout"/> has passed.
    /// </summary>
    Wait,
}

/// <summary>
/// Configuration section <c>Models</c>: <see cref="Gpu"/> marks this silo a GPU silo (published as silo metadata
/// <c>gpu=true</c>), <see cref="WithoutGpu"/> is the policy when none is, <see cref="InferenceRefresh"/> how
/// often inference workers and validators check for a newly promoted version, and <see cref="MaxConcurrentJobs"/>
/// how many training jobs one caller may run at once. Under <see cref="WithoutGpu.Wait"/>, a network training job
/// waiting for a GPU silo retries its start every <see cref="GpuWaitRetry"/> for at most <see cref="GpuWaitTimeout"/>.
/// </summary>
public sealed class ModelOptions
{
    public const string Section = "Models";
    public const string GpuMetadataKey = "gpu";

    public bool Gpu { get; set; }
    public WithoutGpu WithoutGpu { get; set; } = WithoutGpu.Cpu;
    public TimeSpan InferenceRefresh { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Training jobs one caller may have running at once, across the cluster.</summary>
    public int MaxConcurrentJobs { get; set; } = 2;
    public TimeSpan GpuWaitRetry { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan GpuWaitTimeout { get; set; } = TimeSpan.FromMinutes(30);

    // The retry also renews the waiting job's backlog lease, so it must come well inside that lease; a wait outlasting
    // the model grain's 12-hour hold on its job would lose the job.
    private static readonly TimeSpan MinGpuWaitRetry = TimeSpan.FromMilliseconds(100), MaxGpuWaitRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinGpuWaitTimeout = TimeSpan.FromSeconds(1), MaxGpuWaitTimeout = TimeSpan.FromHours(12);

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (InferenceRefresh < TimeSpan.Zero) errors.Add(new($"{Section}:InferenceRefresh", $"must not be negative (got {InferenceRefresh})"));
        if (MaxConcurrentJobs is < 1 or > 1000) errors.Add(new($"{Section}:MaxConcurrentJobs", $"must be between 1 and 1000 (got {MaxConcurrentJobs})"));
        if (GpuWaitRetry < MinGpuWaitRetry || GpuWaitRetry > MaxGpuWaitRetry)
            errors.Add(new($"{Section}:GpuWaitRetry", $"must be between {MinGpuWaitRetry} and {MaxGpuWaitRetry} (got {GpuWaitRetry})"));
        if (GpuWaitTimeout < MinGpuWaitTimeout || GpuWaitTimeout > MaxGpuWaitTimeout)
            errors.Add(new($"{Section}:GpuWaitTimeout", $"must be between {MinGpuWaitTimeout} and {MaxGpuWaitTimeout} (got {GpuWaitTimeout})"));
        if (!Enum.IsDefined(WithoutGpu)) errors.Add(new($"{Section}:WithoutGpu", $"must be Cpu, Refuse or Wait (got {WithoutGpu})"));
        return errors;
    }
}

/// <summary>
/// Places a grain only on silos whose metadata says <c>gpu=true</c>; with none, follows <see cref="ModelOptions.WithoutGpu"/>
/// (<see cref="WithoutGpu.Wait"/> refuses here like <see cref="WithoutGpu.Refuse"/>; the model grain does the waiting).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuPlacementFilterAttribute() : PlacementFilterAttribute(new GpuPlacementFilterStrategy());

public sealed class GpuPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);

public sealed class GpuPlacementFilterDirector(ISiloMetadataCache metadata, IOptions<ModelOptions> options) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var candidates = silos.ToArray();
        var gpu = candidates.Where(s => metadata.GetSiloMetadata(s).Metadata.TryGetValue(ModelOptions.GpuMetadataKey, out var v) && v == "true").ToArray();
        if (gpu.Length > 0) return gpu;
        if (options.Value.WithoutGpu == WithoutGpu.Cpu) return candidates;
        throw new NoGpuSiloException($"{target.GrainIdentity} needs a GPU silo (silo metadata {ModelOptions.GpuMetadataKey}=true) and none of the {candidates.Length} silos is one; " +
                                     $"start a silo with {ModelOptions.Section}:Gpu=true, or set {ModelOptions.Section}:WithoutGpu=Cpu to run networks on CPU silos");
    }
}
