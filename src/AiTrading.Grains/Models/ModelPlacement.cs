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
}

/// <summary>
/// Configuration section <c>Models</c>: <see cref="Gpu"/> marks this silo a GPU silo (published as silo metadata
/// <c>gpu=true</c>), <see cref="WithoutGpu"/> is the policy when none is, <see cref="InferenceRefresh"/> how
/// often inference workers and validators check for a newly promoted version, and <see cref="MaxConcurrentJobs"/>
/// how many training jobs one caller may run at once.
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

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (InferenceRefresh < TimeSpan.Zero) errors.Add(new($"{Section}:InferenceRefresh", $"must not be negative (got {InferenceRefresh})"));
        if (MaxConcurrentJobs is < 1 or > 1000) errors.Add(new($"{Section}:MaxConcurrentJobs", $"must be between 1 and 1000 (got {MaxConcurrentJobs})"));
        return errors;
    }
}

/// <summary>Places a grain only on silos whose metadata says <c>gpu=true</c>; with none, follows <see cref="ModelOptions.WithoutGpu"/>.</summary>
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
