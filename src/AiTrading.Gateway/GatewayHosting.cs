using System.Net;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Gateway.Apis;
using AiTrading.Gateway.Grpc;
using AiTrading.Gateway.Mt5;
using AiTrading.Gateway.Scaling;
using AiTrading.Gateway.Security;
using AiTrading.Hosts;
using AiTrading.Streaming.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiTrading.Gateway;

public static class GatewayHosting
{
    /// <summary>Kestrel endpoints (HTTP/1.1 API, HTTP/2 cleartext gRPC), gRPC and health checks.</summary>
    public static WebApplicationBuilder AddAiTradingGateway(this WebApplicationBuilder builder, GatewayOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
        var address = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, options.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddAiTradingAuthentication(AuthOptions.From(builder.Configuration));
        builder.Services.AddAiTradingRefusalAudit(builder.Configuration);
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<ErrorMappingInterceptor>());
        // Stateless: one instance each, instead of gRPC activating (and disposing) a service and an interceptor per call.
        builder.Services.AddSingleton<ErrorMappingInterceptor>();
        builder.Services.AddSingleton<MarketDataService>().AddSingleton<OrdersService>().AddSingleton<StrategiesService>()
            .AddSingleton<BacktestService>().AddSingleton<ModelsService>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(); // the standard grpc.health.v1 service, answering from the checks below
        builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [Readiness.Tag]).AddDependencyChecks(builder.Configuration);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddAiTradingOpenApi();
        builder.Services.AddAiTradingRateLimits(builder.Configuration);
        builder.Services.AddMt5Bridge(builder.Configuration);
        builder.AddAiTradingScaler(options);
        return builder;
    }

    public static WebApplication MapAiTradingGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Answers without a body (401, 403, 404 of an unknown route, 405, 415, ...) get a problem body too; gRPC keeps its own statuses.
        app.UseStatusCodePages(async context =>
        {
            if (ErrorMapping.IsGrpc(context.HttpContext)) return;
            await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>()
                .TryWriteAsync(new ProblemDetailsContext { HttpContext = context.HttpContext });
        });
        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication, so limits count by principal; before authorization, so a refused flood is limited too
        app.UseAuthorization();
        app.MapAiTradingApiDescription(app.Configuration.GetValue<bool>(ApiDescription.AnonymousSetting));
        app.MapTradingApiV1();
        app.MapAccountApiV1();
        app.MapStrategyApiV1();
        app.MapVenueApiV1();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        app.MapMt5Bridge();
        app.MapBacktestApiV1();
        app.MapModelApiV1();
        app.MapGrpcService<MarketDataService>();
        app.MapGrpcService<OrdersService>();
        app.MapGrpcService<StrategiesService>();
        app.MapGrpcService<BacktestService>();
        app.MapGrpcService<ModelsService>();
        app.MapGrpcReflectionService().RequireAuthorization(Policies.Read);
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapAiTradingScaler();
        app.MapProbes();
        return app;
    }

    /// <summary>
    /// How the gateway finds silos (<see cref="ClusteringSettings"/>): the local silo's gateway port by default, or
    /// the active gateways listed in the PostgreSQL membership table, re-read every
    /// "Clustering:GatewayList:GatewayListRefreshPeriod" (Orleans' default: a minute) so a dead silo's gateway is dropped.
    /// </summary>
    public static IClientBuilder UseAiTradingClustering(this IClientBuilder client, IConfiguration configuration, int siloGatewayPort)
    {
        var clustering = ClusteringSettings.From(configuration);
        if (clustering.Provider == ProviderKind.Memory)
            return client.UseLocalhostClustering(siloGatewayPort, clustering.ServiceId, clustering.ClusterId);
        client.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = clustering.ClusterId;
            o.ServiceId = clustering.ServiceId;
        });
        client.Services.Configure<Orleans.Configuration.GatewayOptions>(configuration.GetSection($"{ClusteringSettings.Section}:GatewayList"));
        return client.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = clustering.ConnectionString;
        });
    }

    /// <summary>The client side of the silo's stream provider, for a gateway that runs as its own process.</summary>
    public static IClientBuilder AddAiTradingStreams(this IClientBuilder client, IConfiguration configuration)
    {
        var streams = StreamSettings.From(configuration);
        return streams.IsKafka
            ? client.AddKafkaStreams(StreamNames.Provider, kafka => kafka.Bind(configuration))
            : client.AddMemoryStreams(StreamNames.Provider, b => b.ConfigurePartitioning(streams.Queues));
    }

    private sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await cluster.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                return HealthCheckResult.Healthy("cluster answers");
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("cluster does not answer", e);
            }
        }
    }
}
