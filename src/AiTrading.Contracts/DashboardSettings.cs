using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AiTrading.Contracts;

/// <summary>
/// The Orleans dashboard (configuration section "Dashboard"; environment AITRADING__Dashboard__Enabled=false turns it
/// off). Silos host its grains and collect call statistics; the gateway serves its page and data under /dashboard.
/// Set it alike on silos and gateways: a gateway that serves the dashboard needs silos that host it.
/// </summary>
public sealed class DashboardSettings
{
    public const string Section = "Dashboard";

    public bool Enabled { get; init; } = true;
    /// <summary>The dashboard's live log page streams the serving host's log; off unless asked for.</summary>
    public bool TraceStreaming { get; init; }
    /// <summary>How often the cluster's counters are sampled (Orleans refuses less than a second).</summary>
    public TimeSpan CounterUpdateInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Samples kept per series (memory grows with it on every silo).</summary>
    public int HistoryLength { get; init; } = 100;

    public static DashboardSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var errors = new List<Core.FieldError>();
        var settings = new DashboardSettings
        {
            Enabled = ReadBool(section, "Enabled", true, errors),
            TraceStreaming = ReadBool(section, "TraceStreaming", false, errors),
            CounterUpdateInterval = ReadInterval(section, errors),
            HistoryLength = ReadHistoryLength(section, errors),
        };
        if (errors.Count > 0) throw new Core.ValidationException(errors);
        return settings;
    }

    private static bool ReadBool(IConfigurationSection section, string key, bool fallback, List<Core.FieldError> errors)
    {
        if (section[key] is not { } text || string.IsNullOrWhiteSpace(text)) return fallback;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add(new($"{Section}:{key}", $"must be true or false (got '{text}')"));
        return fallback;
    }

    private static TimeSpan ReadInterval(IConfigurationSection section, List<Core.FieldError> errors)
    {
        var fallback = TimeSpan.FromSeconds(1);
        if (section["CounterUpdateInterval"] is not { } text || string.IsNullOrWhiteSpace(text)) return fallback;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromMinutes(10))
            return value;
        errors.Add(new($"{Section}:CounterUpdateInterval", $"must be a time span between 00:00:01 and 00:10:00 (got '{text}')"));
        return fallback;
    }

    private static int ReadHistoryLength(IConfigurationSection section, List<Core.FieldError> errors)
    {
        if (section["HistoryLength"] is not { } text || string.IsNullOrWhiteSpace(text)) return 100;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 10 and <= 10_000) return value;
        errors.Add(new($"{Section}:HistoryLength", $"must be a whole number between 10 and 10000 (got '{text}')"));
        return 100;
    }
}
