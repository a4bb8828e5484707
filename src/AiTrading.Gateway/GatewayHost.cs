using AiTrading.Gateway.Security;
using AiTrading.Hosts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AiTrading.Gateway;

/// <summary>What one gateway process runs: where it listens, and the silo gateway port of localhost clustering.</summary>
public sealed record GatewayHostSettings
{
    public GatewayOptions Gateway { get; init; } = new();
    /// <summary>The local silo's gateway port (localhost clustering); with PostgreSQL membership the table lists the silos.</summary>
    public int SiloGatewayPort { get; init; } = 30000;
    /// <summary>Extra configuration (tests, embedding); applied after appsettings and AITRADING__ variables.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();
    /// <summary>Trace exporters of the embedder's own (tests: in memory); with one, traces are recorded without OTLP too.</summary>
    public Action<OpenTelemetry.Trace.TracerProviderBuilder>? Tracing { get; init; }
    /// <summary>Console log format: <see cref="LogFormats.Text"/>, <see cref="LogFormats.Json"/>, or null for what the configuration says.</summary>
    public string? LogFormat { get; init; }

    /// <summary>The executable's settings: section "Gateway" (AITRADING__Gateway__HttpPort, __GrpcPort, __BindAddress) and Silo:GatewayPort.</summary>
    public static GatewayHostSettings From(IConfiguration configuration)
    {
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var siloGatewayPort = configuration.GetValue("Silo:GatewayPort", 30000);
        return new GatewayHostSettings { Gateway = gateway, SiloGatewayPort = siloGatewayPort };
    }
}

/// <summary>The one way a gateway process is built: by `aitrading-gateway` and `aitrading gateway`.</summary>
public static class GatewayHost
{
    /// <summary>The gateway alone, as an Orleans client of the cluster.</summary>
    public static WebApplication Build(GatewayHostSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = HostConfiguration.ContentRoot });
        HostConfiguration.Apply(builder, settings.Configuration, settings.LogFormat);
        builder.UseOrleansClient(client => client
            .UseAiTradingClustering(builder.Configuration, settings.SiloGatewayPort)
            .AddAiTradingStreams(builder.Configuration)
            .AddAiTradingDashboard(builder.Configuration)
            .AddAiTradingTracing());
        builder.AddAiTradingGateway(settings.Gateway);
        builder.AddAiTradingTelemetry(TelemetryRole.Gateway, settings.Tracing);
        var app = builder.Build();
        app.MapAiTradingGateway();
        app.MapGatewayMetrics();
        app.MapAiTradingDashboard();
        return app;
    }

    /// <summary>Grain calls carry the caller's trace (Orleans' activity propagation).</summary>
    public static IClientBuilder AddAiTradingTracing(this IClientBuilder client) => client.AddActivityPropagation();

    /// <summary>The Prometheus scrape endpoint of the gateway (and of the embedded process, which it covers whole): any role may read it.</summary>
    public static IEndpointConventionBuilder MapGatewayMetrics(this WebApplication app) => app.MapAiTradingMetrics().RequireAuthorization(Policies.Read);
}
