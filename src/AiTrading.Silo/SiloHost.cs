using System.Globalization;
using System.Net;
using AiTrading.Connectors.Feeds;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Hosts;
using AiTrading.Storage.Postgres;
using AiTrading.Streaming.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace AiTrading.Silo;

/// <summary>The market data feed a silo runs, and whether it starts the demo strategies.</summary>
public record FeedSettings
{
    public const string NoFeed = "none";
    public string Feed { get; init; } = "synthetic";
    public IReadOnlyList<string> Symbols { get; init; } = ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"];
    public string? Path { get; init; }
    public double Speed { get; init; } = 60;
    public int Seed { get; init; } = 42;
    public bool Demo { get; init; } = true;

    public IMarketDataFeed CreateFeed() => Feed switch
    {
        "synthetic" => new SyntheticFeed(new SyntheticFeedOptions { Symbols = Symbols, Seed = Seed, Speed = Speed }),
        "csv" => new CsvReplayFeed(new CsvReplayOptions
        {
            Path = Path ?? throw new ValidationException("path", "is required with --feed csv"),
            Symbol = Symbols.Count == 1 ? Symbols[0] : null,
            Speed = Speed,
        }),
        _ => throw new ValidationException("feed", $"'{Feed}' is not a feed (use synthetic, csv or none)"),
    };

    public static IReadOnlyList<string> ParseSymbols(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(InstrumentCatalog.NormalizeSymbol).ToList();
}

/// <summary>
/// What one silo process runs (configuration section "Silo" for the `aitrading-silo` executable; the CLI fills it from
/// its options): the feed, the Orleans ports, and the HTTP port of its probes and metrics.
/// </summary>
public sealed record SiloHostSettings : FeedSettings
{
    public const string Section = "Silo";

    public SiloHostSettings() { }

    public SiloHostSettings(FeedSettings feed) : base(feed) { }

    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    /// <summary>/healthz, /readyz and /metrics, anonymous, nothing else; 0 serves no HTTP.</summary>
    public int HttpPort { get; init; } = 8080;
    public string HttpBindAddress { get; init; } = "0.0.0.0";
    /// <summary>Extra configuration (tests, embedding); applied after appsettings and AITRADING__ variables.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();
    /// <summary>Trace exporters of the embedder's own (tests: in memory); with one, traces are recorded without OTLP too.</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? Tracing { get; init; }
    /// <summary>Console log format: <see cref="LogFormats.Text"/>, <see cref="LogFormats.Json"/>, or null for what the configuration says.</summary>
    public string? LogFormat { get; init; }

    /// <summary>The executable's settings: section "Silo" (AITRADING__Silo__HttpPort, ...). Its feed is off unless configured.</summary>
    public static SiloHostSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var errors = new List<FieldError>();
        int Port(string key, int fallback)
        {
            if (section[key] is not { Length: > 0 } text) return fallback;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535) return port;
            errors.Add(new($"{Section}:{key}", $"must be a port between 0 and 65535 (got '{text}')"));
            return fallback;
        }
        double Number(string key, double fallback)
        {
            if (section[key] is not { Length: > 0 } text) return fallback;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
            errors.Add(new($"{Section}:{key}", $"'{text}' is not a number"));
            return fallback;
        }
        var defaults = new SiloHostSettings();
        var settings = new SiloHostSettings
        {
            Feed = section["Feed"] is { Length: > 0 } feed ? feed : NoFeed,
            Symbols = section["Symbols"] is { Length: > 0 } symbols ? ParseSymbols(symbols) : defaults.Symbols,
            Path = section["Path"],
            Speed = Number("Speed", defaults.Speed),
            Seed = (int)Number("Seed", defaults.Seed),
            Demo = section["Demo"] is not { Length: > 0 } demo || !bool.TryParse(demo, out var on) || on,
            SiloPort = Port("SiloPort", defaults.SiloPort),
            GatewayPort = Port("GatewayPort", defaults.GatewayPort),
            HttpPort = Port("HttpPort", defaults.HttpPort),
            HttpBindAddress = section["HttpBindAddress"] ?? defaults.HttpBindAddress,
        };
        if (!IPAddress.TryParse(settings.HttpBindAddress, out _))
            errors.Add(new($"{Section}:HttpBindAddress", $"'{settings.HttpBindAddress}' is not an IP address"));
        if (settings.Feed is not ("synthetic" or "csv" or NoFeed))
            errors.Add(new($"{Section}:Feed", $"'{settings.Feed}' is not a feed (use synthetic, csv or none)"));
        if (errors.Count > 0) throw new ValidationException(errors);
        return settings;
    }
}

/// <summary>The one way a silo process is built: by `aitrading-silo`, `aitrading silo`, and (its silo part) `aitrading run`.</summary>
public static class SiloHost
{
    /// <summary>A silo with its feed; with an HTTP port, a web host serving only its probes and metrics.</summary>
    public static IHost Build(SiloHostSettings settings)
    {
        if (settings.HttpPort == 0)
        {
            var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = HostConfiguration.ContentRoot });
            Configure(plain, settings, web: false);
            return plain.Build();
        }
        var address = IPAddress.Parse(settings.HttpBindAddress);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = HostConfiguration.ContentRoot });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, settings.HttpPort, listen => listen.Protocols = HttpProtocols.Http1));
        Configure(builder, settings, web: true);
        builder.Services.AddHealthChecks().AddCheck<ActiveSiloCheck>("silo", tags: [Readiness.Tag]).AddDependencyChecks(builder.Configuration);
        // The web server starts after every other hosted service by default, so after the silo has joined; the probes
        // must answer while it waits for PostgreSQL or Kafka and joins. (ConfigureContainer runs once the server is added.)
        builder.Host.ConfigureContainer<IServiceCollection>((_, services) => StartServerFirst(services));
        var app = builder.Build();
        app.MapProbes();
        app.MapAiTradingMetrics();
        return app;
    }

    private static void Configure(IHostApplicationBuilder builder, SiloHostSettings settings, bool web)
    {
        HostConfiguration.Apply(builder, settings.Configuration, settings.LogFormat);
        if (KubernetesPod.Detect(ClusteringSettings.From(builder.Configuration), Environment.GetEnvironmentVariable) is not null)
            KubernetesPod.RequireServiceAccountToken();
        AddSilo(builder, settings);
        builder.AddAiTradingTelemetry(TelemetryRole.Silo, settings.Tracing, web);
    }

    /// <summary>The silo (clustering, grains, tracing) and the feed, into a host being built (configuration already applied).</summary>
    public static void AddSilo(IHostApplicationBuilder builder, SiloHostSettings settings)
    {
        builder.UseOrleans(silo => silo
            .UseAiTradingClustering(builder.Configuration, settings.SiloPort, settings.GatewayPort)
            .AddAiTradingGrains(builder.Configuration)
            .AddAiTradingDashboard(builder.Configuration)
            .AddAiTradingTracing());
        if (settings.Feed == SiloHostSettings.NoFeed) return;
        builder.Services.AddSingleton(settings.CreateFeed());
        builder.Services.AddSingleton(new LiveFeedSettings { StartDemoStrategies = settings.Demo });
        builder.Services.AddSingleton<LiveFeedService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFeedService>());
    }

    private static void StartServerFirst(IServiceCollection services)
    {
        var server = services.LastOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "GenericWebHostService")
            ?? throw new InvalidOperationException("the web server's hosted service was not found");
        services.Remove(server);
        services.Insert(0, server);
    }

    /// <summary>Grain calls carry the caller's trace (Orleans' activity propagation) and stream deliveries the publisher's.</summary>
    public static ISiloBuilder AddAiTradingTracing(this ISiloBuilder silo) => silo.AddActivityPropagation().AddStreamTracing();

    /// <summary>
    /// Applies the PostgreSQL migrations (`aitrading migrate`, `aitrading-silo migrate`) to the given connection string,
    /// or ConnectionStrings:Postgres of the configuration; the line to print.
    /// </summary>
    public static async Task<string> MigrateAsync(string? connectionString, IConfiguration configuration, CancellationToken cancellationToken)
    {
        connectionString ??= configuration.GetConnectionString(ProviderSettings.PostgresConnectionName)
            ?? throw new ValidationException(ProviderSettings.PostgresConnectionKey, "is not set: pass --connection-string or set AITRADING__ConnectionStrings__Postgres");
        var applied = await PostgresMigrations.ApplyAsync(connectionString, cancellationToken: cancellationToken);
        return applied.Count == 0
            ? $"database is up to date ({PostgresMigrations.Scripts.Count} migrations)"
            : $"applied {applied.Count} of {PostgresMigrations.Scripts.Count} migrations: {string.Join(", ", applied)}";
    }

    /// <summary>Ready only while this silo is Active in the cluster membership: not while joining, nor once it is shutting down.</summary>
    private sealed class ActiveSiloCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
            return Task.FromResult(status == SiloStatus.Active
                ? HealthCheckResult.Healthy($"silo {silo.Name} is active in the cluster")
                : HealthCheckResult.Unhealthy($"silo {silo.Name} is {status}, not active in the cluster"));
        }
    }
}
