using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Streaming.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AiTrading.Hosts;

/// <summary>Which process the telemetry describes: it decides where metrics are served.</summary>
public enum TelemetryRole { Embedded, Silo, Gateway }

/// <summary>
/// Traces and metrics (configuration section "Telemetry"). Metrics: the gateway (and the embedded process) serve them
/// at /metrics; a silo on its own serves them at /metrics of its HTTP port (Silo:HttpPort; without one, metrics go
/// only to OTLP). Traces: recorded only when exported, to the OTLP endpoint of <see cref="OtlpSettings.Endpoint"/> or of the standard OTEL_EXPORTER_OTLP_ENDPOINT.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";
    private const string StandardOtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public string ServiceName { get; set; } = "aitrading";
    public OtlpSettings Otlp { get; set; } = new();

    public sealed class OtlpSettings
    {
        public string? Endpoint { get; set; }
        /// <summary>grpc (port 4317 by convention) or http/protobuf (4318).</summary>
        public string Protocol { get; set; } = "grpc";
    }

    public static TelemetryOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var errors = options.Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
        return options;
    }

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(ServiceName)) errors.Add(new($"{Section}:ServiceName", "must not be empty"));
        if (Otlp.Endpoint is { } endpoint && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            errors.Add(new($"{Section}:Otlp:Endpoint", $"'{endpoint}' is not an http(s) URL"));
        if (Otlp.Protocol is not ("grpc" or "http/protobuf"))
            errors.Add(new($"{Section}:Otlp:Protocol", $"'{Otlp.Protocol}' is not an OTLP protocol (use grpc or http/protobuf)"));
        return errors;
    }

    /// <summary>Whether anything is exported over OTLP: our setting, or the standard variable the exporter reads itself.</summary>
    public bool ExportsOtlp(IConfiguration configuration) => Otlp.Endpoint is not null || !string.IsNullOrEmpty(configuration[StandardOtlpEndpoint]);

    /// <summary>Our endpoint, when set, for one signal; http/protobuf endpoints name the signal's path.</summary>
    public void ConfigureOtlp(OtlpExporterOptions exporter, string signalPath)
    {
        if (Otlp.Endpoint is not { } endpoint) return;
        var http = Otlp.Protocol == "http/protobuf";
        exporter.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = new Uri(http ? endpoint.TrimEnd('/') + signalPath : endpoint);
    }
}

public static class Telemetry
{
    /// <summary>Orleans' activity source for application grain calls; its runtime source (system targets, stream agents) is left off.</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";
    public const string OrleansMeter = "Microsoft.Orleans";
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Metrics and traces of one process. <paramref name="tracing"/> adds exporters of its own (tests: an in-memory one);
    /// with one, traces are recorded even without OTLP. <paramref name="web"/>: the process serves HTTP (a silo with its
    /// HTTP port), so /metrics is one of its endpoints.
    /// </summary>
    public static IHostApplicationBuilder AddAiTradingTelemetry(this IHostApplicationBuilder builder, TelemetryRole role, Action<TracerProviderBuilder>? tracing = null, bool web = true)
    {
        var options = TelemetryOptions.From(builder.Configuration);
        web = web || role != TelemetryRole.Silo;
        var otlp = options.ExportsOtlp(builder.Configuration);
        if (!web && !otlp && tracing is null) return builder;

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource
            .AddService(options.ServiceName)
            .AddAttributes([new("aitrading.role", role.ToString().ToLowerInvariant())]));
        if (web || otlp)
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(MeterNames.Platform, OrleansMeter, "Npgsql").AddRuntimeInstrumentation();
                if (web) metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter(exporter => options.ConfigureOtlp(exporter, "/v1/metrics"));
            });
        if (otlp || tracing is not null)
            telemetry.WithTracing(traces =>
            {
                traces.AddSource(OrleansApplicationSource, StreamTracing.SourceName, "Npgsql");
                if (web) traces.AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbeOrScrape(context.Request.Path));
                if (otlp) traces.AddOtlpExporter(exporter => options.ConfigureOtlp(exporter, "/v1/traces"));
                tracing?.Invoke(traces);
            });
        return builder;
    }

    /// <summary>The Prometheus scrape endpoint; the gateway requires a reading role on it, a silo's HTTP port serves it anonymously.</summary>
    public static IEndpointConventionBuilder MapAiTradingMetrics(this IEndpointRouteBuilder endpoints) => endpoints.MapPrometheusScrapingEndpoint(MetricsPath);

    /// <summary>Probes, scrapes and the dashboard's polling (several calls a second while it is open) are not traced.</summary>
    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/dashboard");
}
