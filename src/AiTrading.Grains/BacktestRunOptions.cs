using AiTrading.Core;

namespace AiTrading.Grains;

/// <summary>
/// Configuration section <c>Backtests</c> (besides <c>DataDirectory</c>): how much one run may read, how many runs
/// one caller may have going at once across the cluster, and how long a finished run's result and report are kept.
/// </summary>
public sealed class BacktestRunOptions
{
    public const string Section = "Backtests";

    /// <summary>Data files one request may name.</summary>
    public int MaxFiles { get; set; } = 16;
    /// <summary>Bars and ticks one run may read, over all its files.</summary>
    public int MaxBars { get; set; } = 2_000_000;
    /// <summary>Runs one caller may have running at once.</summary>
    public int MaxConcurrentRuns { get; set; } = 2;
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromDays(7);

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (MaxFiles is < 1 or > 1000) errors.Add(new($"{Section}:MaxFiles", $"must be between 1 and 1000 (got {MaxFiles})"));
        if (MaxBars is < 1 or > 100_000_000) errors.Add(new($"{Section}:MaxBars", $"must be between 1 and 100000000 (got {MaxBars})"));
        if (MaxConcurrentRuns is < 1 or > 1000) errors.Add(new($"{Section}:MaxConcurrentRuns", $"must be between 1 and 1000 (got {MaxConcurrentRuns})"));
        if (ResultRetention < TimeSpan.FromSeconds(1) || ResultRetention > TimeSpan.FromDays(3650))
            errors.Add(new($"{Section}:ResultRetention", $"must be between 1 second and 3650 days (got {ResultRetention})"));
        return errors;
    }
}
