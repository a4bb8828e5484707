using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using AiTrading.Gateway;
using AiTrading.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

public static class Hosting
{
    /// <summary>One process: a silo (by default localhost clustering, in-memory storage and streams), the feed, and the gateway.</summary>
    public static WebApplication BuildEmbedded(HostSettings settings)
    {
        var builder = CreateBuilder(settings);
        builder.UseOrleans(silo => silo
            .UseAiTradingClustering(builder.Configuration, settings.SiloPort, settings.SiloGatewayPort)
            .AddAiTradingGrains(builder.Configuration));
        AddFeed(builder.Services, settings);
        builder.AddAiTradingGateway(settings.Gateway);
        var app = builder.Build();
        app.MapAiTradingGateway();
        return app;
    }

    /// <summary>A silo with the feed, no HTTP/gRPC: gateways connect to it as Orleans clients.</summary>
    public static IHost BuildSilo(HostSettings settings)
    {
        var builder = Host.CreateApplicationBuilder();
        AddConfiguration(builder.Configuration, settings);
        builder.UseOrleans(silo => silo
            .UseAiTradingClustering(builder.Configuration, settings.SiloPort, settings.SiloGatewayPort)
            .AddAiTradingGrains(builder.Configuration));
        AddFeed(builder.Services, settings);
        return builder.Build();
    }

    /// <summary>The gateway alone, as an Orleans client of a silo's gateway port.</summary>
    public static WebApplication BuildGateway(HostSettings settings)
    {
        var builder = CreateBuilder(settings);
        builder.UseOrleansClient(client => client
            .UseAiTradingClustering(builder.Configuration, settings.SiloGatewayPort)
            .AddAiTradingStreams(builder.Configuration));
        builder.AddAiTradingGateway(settings.Gateway);
        var app = builder.Build();
        app.MapAiTradingGateway();
        return app;
    }

    private static WebApplicationBuilder CreateBuilder(HostSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        AddConfiguration(builder.Configuration, settings);
        return builder;
    }

    /// <summary>appsettings.json (beside the program, then the working directory) and AITRADING__ variables, for commands without a host.</summary>
    public static IConfiguration ReadConfiguration() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables("AITRADING__")
        .Build();

    private static void AddConfiguration(IConfigurationManager configuration, HostSettings settings)
    {
        // Orleans places every activation through a Polly pipeline whose telemetry logs each attempt at Information.
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Polly"] = "Warning" });
        configuration.AddEnvironmentVariables("AITRADING__");
        configuration.AddInMemoryCollection(settings.Configuration);
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
