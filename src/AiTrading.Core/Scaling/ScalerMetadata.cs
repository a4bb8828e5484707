using System.Globalization;

namespace AiTrading.Core.Scaling;

/// <summary>
/// What a KEDA <c>external</c> trigger asks of the platform's scaler: its metadata names the <see cref="Pool"/> and
/// the backlog one silo of that pool is meant to carry (<see cref="BacklogPerSilo"/>, the HPA's target per replica).
/// </summary>
public sealed record ScalerMetadata(ComputePool Pool, int BacklogPerSilo)
{
    public const string PoolKey = "pool", BacklogPerSiloKey = "backlogPerSilo";
    public const int MaxBacklogPerSilo = 10_000;

    /// <summary>The metric KEDA asks for and the HPA scales on: <c>aitrading-cpu-backlog</c> or <c>aitrading-gpu-backlog</c>.</summary>
    public string MetricName => $"aitrading-{Pool.Name()}-backlog";

    /// <exception cref="ValidationException">Every bad or missing key, each named <c>scalerMetadata.KEY</c>.</exception>
    public static ScalerMetadata Parse(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var errors = new List<FieldError>();
        var poolText = metadata.GetValueOrDefault(PoolKey);
        ComputePool? pool = poolText switch { "cpu" => ComputePool.Cpu, "gpu" => ComputePool.Gpu, _ => null };
        if (string.IsNullOrEmpty(poolText)) errors.Add(new(Field(PoolKey), "is required: cpu or gpu"));
        else if (pool is null) errors.Add(new(Field(PoolKey), $"'{Echo(poolText)}' is not a pool (use cpu or gpu)"));

        var perSiloText = metadata.GetValueOrDefault(BacklogPerSiloKey);
        int? perSilo = int.TryParse(perSiloText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxBacklogPerSilo ? n : null;
        if (string.IsNullOrEmpty(perSiloText)) errors.Add(new(Field(BacklogPerSiloKey), $"is required: a whole number from 1 to {MaxBacklogPerSilo}"));
        else if (perSilo is null) errors.Add(new(Field(BacklogPerSiloKey), $"must be a whole number from 1 to {MaxBacklogPerSilo} (got '{Echo(perSiloText)}')"));

        if (errors.Count > 0) throw new ValidationException(errors);
        return new ScalerMetadata(pool!.Value, perSilo!.Value);
    }

    private static string Field(string key) => $"scalerMetadata.{key}";

    private static string Echo(string text) => text.Length <= Bounds.MaxEcho ? text : text[..Bounds.MaxEcho] + "…";
}
