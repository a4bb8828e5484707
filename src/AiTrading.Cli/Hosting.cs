using AiTrading.Gateway;
using AiTrading.Hosts;
using AiTrading.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiTrading.Cli;

/// <summary>What `aitrading run|silo|gateway` were asked for.</summary>
public sealed record HostSettings : FeedSettings
{
    public GatewayOptions Gateway { get; init; } = new();
    public int SiloPort { get; init; } = 11111;
    public int SiloGatewayPort { get; init; } = 30000;
    /// <summary>A lone silo's probes and metrics (Silo:HttpPort of the executable); 0, the default here, serves no HTTP.</summary>
    public int SiloHttpPort { get; init; }
    /// <summary>Extra configuration (tests, embedding); applied after appsettings and AITRADING__ variables.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();
    /// <summary>Trace exporters of the embedder's own (tests: in memory); with one, traces are recorded without OTLP too.</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? Tracing { get; init; }
    /// <summary>Console log format: <see cref="LogFormats.Text"/>, <see cref="LogFormats.Json"/>, or null for what the configuration says.</summary>
    public string? LogFormat { get; init; }
    /// <summary>The start banner and status lines of `aitrading run`; null (embedded in tests) prints neither.</summary>
    public ConsoleSettings? Console { get; init; }

    public SiloHostSettings Silo => new(this)
    {
        // A silo the CLI starts runs on this machine: its anonymous probes and metrics stay on loopback, as the gateway's --bind does.
        SiloPort = SiloPort, GatewayPort = SiloGatewayPort, HttpPort = SiloHttpPort, HttpBindAddress = "127.0.0.1",
        Configuration = Configuration, Tracing = Tracing, LogFormat = LogFormat,
    };

    public GatewayHostSettings GatewayHost => new()
    {
        Gateway = Gateway, SiloGatewayPort = SiloGatewayPort, Configuration = Configuration, Tracing = Tracing, LogFormat = LogFormat,
    };
}

/// <summary>The CLI's hosts: a lone silo and a lone gateway are built as their executables build them; `run` holds both.</summary>
public static class Hosting
{
    /// <summary>One process: a silo (by default localhost clustering, in-memory storage and streams), the feed, and the gateway.</summary>
    public static WebApplication BuildEmbedded(HostSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = HostConfiguration.ContentRoot });
        HostConfiguration.Apply(builder, settings.Configuration, settings.LogFormat);
        SiloHost.AddSilo(builder, settings.Silo);
        builder.AddAiTradingGateway(settings.Gateway);
        builder.AddAiTradingTelemetry(TelemetryRole.Embedded, settings.Tracing);
        if (settings.Console is { } console)
        {
            builder.Services.AddSingleton(settings).AddSingleton(console);
            builder.Services.AddHostedService<ConsoleReport>();
        }
        var app = builder.Build();
        app.MapAiTradingGateway();
        app.MapGatewayMetrics();
        app.MapAiTradingDashboard();
        return app;
    }

    /// <summary>A silo with the feed, no API: gateways connect to it as Orleans clients.</summary>
    public static IHost BuildSilo(HostSettings settings) => SiloHost.Build(settings.Silo);

    /// <summary>The gateway alone, as an Orleans client of a silo's gateway port.</summary>
    public static WebApplication BuildGateway(HostSettings settings) => GatewayHost.Build(settings.GatewayHost);

    /// <summary>appsettings.json (beside the program, then the working directory) and AITRADING__ variables, for commands without a host.</summary>
    public static IConfiguration ReadConfiguration() => HostConfiguration.Read();

    public static IReadOnlyList<string> ParseSymbols(string text) => FeedSettings.ParseSymbols(text);
}
