using Microsoft.Extensions.Configuration;

namespace AiTrading.Contracts;

/// <summary>Where a host keeps a concern: in the process (the embedded default) or in PostgreSQL.</summary>
public enum ProviderKind { Memory, Postgres }

/// <summary>
/// Which membership the silos and gateways use (configuration section "Clustering"; environment
/// AITRADING__Clustering__Provider=Postgres). With Postgres, silos register in PostgreSQL and gateways find them
/// there; <see cref="ClusterId"/> and <see cref="ServiceId"/> must be the same on every host of one cluster.
/// </summary>
public sealed class ClusteringSettings
{
    public const string Section = "Clustering";

    public ProviderKind Provider { get; init; }
    public string ClusterId { get; init; } = "aitrading";
    /// <summary>Names the stored state: a cluster started again with the same service id finds its grains' state.</summary>
    public string ServiceId { get; init; } = "aitrading";
    /// <summary>The address a silo publishes in the membership table (with Postgres clustering).</summary>
    public string AdvertisedAddress { get; init; } = "127.0.0.1";
    /// <summary>The PostgreSQL connection string when <see cref="Provider"/> is Postgres.</summary>
    public string? ConnectionString { get; init; }
    /// <summary>
    /// Grain locations a silo caches. Every order is a grain of its own, so Orleans' default (a million) is a slow leak
    /// of about 300 B an order; the hot grains (instruments, strategies, accounts, venues) are few.
    /// </summary>
    public int DirectoryCacheSize { get; init; } = DefaultDirectoryCacheSize;
    public const int DefaultDirectoryCacheSize = 20_000;
    /// <summary>Orleans' Kubernetes hosting for a silo: true or false when set, else on when the silo runs in a pod (docs/kubernetes-hosting.md).</summary>
    public bool? Kubernetes { get; init; }

    public static ClusteringSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var errors = new List<Core.FieldError>();
        var provider = ProviderSettings.ReadProvider(section, errors);
        var cacheSize = DefaultDirectoryCacheSize;
        if (section["DirectoryCacheSize"] is { } text && (!int.TryParse(text, out cacheSize) || cacheSize is < 1_000 or > 10_000_000))
            errors.Add(new($"{Section}:DirectoryCacheSize", $"must be a whole number between 1000 and 10000000 (got '{text}')"));
        bool? kubernetes = null;
        if (section["Kubernetes"] is { Length: > 0 } flag)
        {
            if (bool.TryParse(flag, out var on)) kubernetes = on;
            else errors.Add(new($"{Section}:Kubernetes", $"must be true or false (got '{flag}')"));
        }
        var settings = new ClusteringSettings
        {
            Provider = provider,
            Kubernetes = kubernetes,
            ClusterId = section["ClusterId"] ?? "aitrading",
            ServiceId = section["ServiceId"] ?? "aitrading",
            AdvertisedAddress = section["AdvertisedAddress"] ?? "127.0.0.1",
            ConnectionString = provider == ProviderKind.Postgres ? ProviderSettings.PostgresConnectionString(configuration, $"{Section}:Provider", errors) : null,
            DirectoryCacheSize = cacheSize,
        };
        if (string.IsNullOrWhiteSpace(settings.ClusterId)) errors.Add(new($"{Section}:ClusterId", "must not be empty"));
        if (string.IsNullOrWhiteSpace(settings.ServiceId)) errors.Add(new($"{Section}:ServiceId", "must not be empty"));
        if (!System.Net.IPAddress.TryParse(settings.AdvertisedAddress, out _))
            errors.Add(new($"{Section}:AdvertisedAddress", $"'{settings.AdvertisedAddress}' is not an IP address"));
        if (errors.Count > 0) throw new Core.ValidationException(errors);
        return settings;
    }
}

/// <summary>
/// Where grain state, reminders and the audit log live (configuration section "Storage"; environment
/// AITRADING__Storage__Provider=Postgres). Audit records older than <see cref="AuditRetentionYears"/> may be
/// dropped a whole month partition at a time.
/// </summary>
public sealed class StorageSettings
{
    public const string Section = "Storage";
    public const int DefaultAuditRetentionYears = 7;

    public ProviderKind Provider { get; init; }
    public int AuditRetentionYears { get; init; } = DefaultAuditRetentionYears;
    public string? ConnectionString { get; init; }

    public static StorageSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var errors = new List<Core.FieldError>();
        var provider = ProviderSettings.ReadProvider(section, errors);
        var years = DefaultAuditRetentionYears;
        if (section["AuditRetentionYears"] is { } text && (!int.TryParse(text, out years) || years < 1))
            errors.Add(new($"{Section}:AuditRetentionYears", $"must be a whole number of years, at least 1 (got '{text}')"));
        var settings = new StorageSettings
        {
            Provider = provider,
            AuditRetentionYears = years,
            ConnectionString = provider == ProviderKind.Postgres ? ProviderSettings.PostgresConnectionString(configuration, $"{Section}:Provider", errors) : null,
        };
        if (errors.Count > 0) throw new Core.ValidationException(errors);
        return settings;
    }
}

public static class ProviderSettings
{
    /// <summary>The connection string's name: ConnectionStrings:Postgres, or AITRADING__ConnectionStrings__Postgres.</summary>
    public const string PostgresConnectionName = "Postgres";
    public const string PostgresConnectionKey = "ConnectionStrings:" + PostgresConnectionName;

    internal static ProviderKind ReadProvider(IConfigurationSection section, List<Core.FieldError> errors)
    {
        var text = section["Provider"];
        if (string.IsNullOrWhiteSpace(text)) return ProviderKind.Memory;
        if (Enum.TryParse<ProviderKind>(text, ignoreCase: true, out var kind) && Enum.IsDefined(kind)) return kind;
        errors.Add(new($"{section.Path}:Provider", $"'{text}' is not a provider (use Memory or Postgres)"));
        return ProviderKind.Memory;
    }

    internal static string? PostgresConnectionString(IConfiguration configuration, string requiredBy, List<Core.FieldError> errors)
    {
        var value = configuration.GetConnectionString(PostgresConnectionName);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        errors.Add(new(PostgresConnectionKey,
            $"is required when {requiredBy} is Postgres (set it in appsettings.json or as AITRADING__ConnectionStrings__Postgres)"));
        return null;
    }
}
