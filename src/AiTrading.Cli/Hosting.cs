using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Gateway;
using AiTrading.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace AiTrading.Cli;

/// <summary>What `aitrading run|silo|gateway` were asked for.</summary>
public sealed record HostSettings
{
    public const string NoFeed = "none";
    public string Feed { get; init; } = "synthetic";
    public IReadOnlyList<string> Symbols { get; init; } = ["EURUSD", "GBPUSD", "USDJPY", "XAUUSD"];
    public string? Path { get; init; }
    public double Speed { get; init; } = 60;
    public int Seed { get; init; } = 42;
    public bool Demo { get; init; } = true;
    public GatewayOptions Gateway { get; init; } = new();
    public int SiloPort { get; init; } = 11111;
    public int SiloGatewayPort { get; init; } = 30000;
    /// <summary>Extra configuration (tests, embedding); applied after appsettings and AITRADING__ variables.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();
    /// <summary>Trace exporters of the embedder's own (tests: in memory); with one, traces are recorded without OTLP too.</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? Tracing { get; init; }
    /// <summary>Console log format: <see cref="LogFormats.Text"/>, <see cref="LogFormats.Json"/>, or null for what the configuration says.</summary>
    public string? LogFormat { get; init; }
    /// <summary>The start banner and status lines of `aitrading run`; null (embedded in tests) prints neither.</summary>
    public ConsoleSettings? Console { get; init; }

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
}

/// <summary>`--log-format`: text for a person at a terminal, JSON (one object a line) for log collectors.</summary>
public static class LogFormats
{
    public const string Text = "text";
    public const string Json = "json";

    public static string FormatterOf(string format) => format switch
    {
        Text => "simple",
        Json => "json",
        _ => throw new ValidationException("log-format", $"'{format}' is not a log format (use text or json)"),
    };
}

public static class Hosting
{
    /// <summary>One process: a silo (by default localhost clustering, in-memory storage and streams), the feed, and the gateway.</summary>
    public static WebApplication BuildEmbedded(HostSettings settings)
    {
        var builder = CreateBuilder(settings);
        builder.UseOrleans(silo => silo
            .UseAiTradingClustering(builder.Configuration, settings.SiloPort, settings.SiloGatewayPort)
            .AddAiTradingGrains(builder.Configuration)
            .AddAiTradingDashboard(builder.Configuration)
            .AddAiTradingTracing());
        AddFeed(builder.Services, settings);
        builder.AddAiTradingGateway(settings.Gateway);
        builder.AddAiTradingTelemetry(TelemetryRole.Embedded, settings.Tracing);
        if (settings.Console is { } console)
        {
            builder.Services.AddSingleton(settings).AddSingleton(console);
            builder.Services.AddHostedService<ConsoleReport>();
        }
        var app = builder.Build();
        app.MapAiTradingGateway();
        app.MapAiTradingMetrics();
        app.MapAiTradingDashboard();
        return app;
    }

    /// <summary>A silo with the feed, no HTTP/gRPC: gateways connect to it as Orleans clients.</summary>
    public static IHost BuildSilo(HostSettings settings)
    {
        var builder = Host.CreateApplicationBuilder();
        AddConfiguration(builder, settings);
        builder.UseOrleans(silo => silo
            .UseAiTradingClustering(builder.Configuration, settings.SiloPort, settings.SiloGatewayPort)
            .AddAiTradingGrains(builder.Configuration)
            .AddAiTradingDashboard(builder.Configuration)
            .AddAiTradingTracing());
        AddFeed(builder.Services, settings);
        builder.AddAiTradingTelemetry(TelemetryRole.Silo, settings.Tracing);
        return builder.Build();
    }

    /// <summary>The gateway alone, as an Orleans client of a silo's gateway port.</summary>
    public static WebApplication BuildGateway(HostSettings settings)
    {
        var builder = CreateBuilder(settings);
        builder.UseOrleansClient(client => client
            .UseAiTradingClustering(builder.Configuration, settings.SiloGatewayPort)
            .AddAiTradingStreams(builder.Configuration)
            .AddAiTradingDashboard(builder.Configuration)
            .AddAiTradingTracing());
        builder.AddAiTradingGateway(settings.Gateway);
        builder.AddAiTradingTelemetry(TelemetryRole.Gateway, settings.Tracing);
        var app = builder.Build();
        app.MapAiTradingGateway();
        app.MapAiTradingMetrics();
        app.MapAiTradingDashboard();
        return app;
    }

    private static WebApplicationBuilder CreateBuilder(HostSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        AddConfiguration(builder, settings);
        return builder;
    }

    /// <summary>appsettings.json (beside the program, then the working directory) and AITRADING__ variables, for commands without a host.</summary>
    public static IConfiguration ReadConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables("AITRADING__")
        .Build();

    /// <summary>
    /// Framework categories log at Warning, ours at Information: the first minute of `aitrading run` was ~470 framework
    /// lines. The first source, so appsettings.json, AITRADING__Logging__LogLevel__* and --log-format override it.
    /// (Orleans also places every activation through a Polly pipeline whose telemetry logs each attempt at Information.)
    /// </summary>
    private static readonly Dictionary<string, string?> LogDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
        ["Logging:LogLevel:System.Net.Http"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:AiTrading"] = "Information",
    };

    private static void AddConfiguration(IHostApplicationBuilder builder, HostSettings settings)
    {
        var configuration = builder.Configuration;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LogDefaults });
        // JSON records carry a UTC timestamp unless the configuration names a format of its own.
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        configuration.AddEnvironmentVariables("AITRADING__");
        configuration.AddInMemoryCollection(settings.Configuration);
        if (settings.LogFormat is { } format)
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = LogFormats.FormatterOf(format) });
    }

    /// <summary>The feed and the demo strategies; `--feed none` leaves them out (further silos of a cluster whose first silo runs the feed).</summary>
    private static void AddFeed(IServiceCollection services, HostSettings settings)
    {
        if (settings.Feed == HostSettings.NoFeed) return;
        services.AddSingleton(settings.CreateFeed());
        services.AddSingleton(new LiveFeedSettings { StartDemoStrategies = settings.Demo });
        services.AddSingleton<LiveFeedService>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeedService>());
    }

    public static IReadOnlyList<string> ParseSymbols(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(InstrumentCatalog.NormalizeSymbol).ToList();
}
