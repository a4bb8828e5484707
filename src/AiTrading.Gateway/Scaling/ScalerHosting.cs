using System.Net;
using AiTrading.Contracts;
using AiTrading.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Gateway.Scaling;

/// <summary>
/// Configuration section <c>Gateway:Scaler</c>: the KEDA external scaler's own h2c listener (<see cref="Port"/>; 0 or
/// unset: off) and how its <c>StreamIsActive</c> watches the backlog.
/// </summary>
public sealed class ScalerOptions
{
    public const string Section = "Gateway:Scaler";

    public int Port { get; set; }
    /// <summary>How often an open <c>StreamIsActive</c> reads the backlog: how late KEDA can hear of a change.</summary>
    public TimeSpan PollPeriod { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>An unchanged answer is sent again after this long, so KEDA sees the stream is alive.</summary>
    public TimeSpan RepeatPeriod { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => Port != 0;

    public IReadOnlyList<FieldError> Validate(GatewayOptions gateway)
    {
        var errors = new List<FieldError>();
        if (Port is < 0 or > 65535) errors.Add(new($"{Section}:Port", $"must be between 0 (off) and 65535 (got {Port})"));
        else if (Enabled && (Port == gateway.HttpPort || Port == gateway.GrpcPort))
            errors.Add(new($"{Section}:Port", $"must differ from the gateway's HTTP and gRPC ports (got {Port})"));
        if (PollPeriod < TimeSpan.FromMilliseconds(50) || PollPeriod > TimeSpan.FromMinutes(1))
            errors.Add(new($"{Section}:PollPeriod", $"must be between 00:00:00.050 and 00:01:00 (got {PollPeriod})"));
        if (RepeatPeriod < PollPeriod || RepeatPeriod > TimeSpan.FromMinutes(10))
            errors.Add(new($"{Section}:RepeatPeriod", $"must be between the poll period and 00:10:00 (got {RepeatPeriod})"));
        return errors;
    }
}

public static class ScalerHosting
{
    private const string ServicePath = "/externalscaler.ExternalScaler";

    /// <summary>
    /// Counts this gateway's waiting network inference calls for the backlog and, with <c>Gateway:Scaler:Port</c>
    /// set, opens the scaler's listener: HTTP/2 cleartext, anonymous (KEDA sends no bearer token), serving
    /// <c>externalscaler.ExternalScaler</c> and nothing else, which is served nowhere else.
    /// </summary>
    public static WebApplicationBuilder AddAiTradingScaler(this WebApplicationBuilder builder, GatewayOptions gateway)
    {
        builder.Services.AddInferenceBacklog();
        var options = new ScalerOptions();
        builder.Configuration.GetSection(ScalerOptions.Section).Bind(options);
        var errors = options.Validate(gateway);
        if (errors.Count > 0) throw new ValidationException(errors);
        builder.Services.AddSingleton(options);
        if (!options.Enabled) return builder;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(gateway.BindAddress), options.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<IStartupFilter>(new ScalerPortGate(options.Port));
        return builder;
    }

    public static WebApplication MapAiTradingScaler(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ScalerOptions>().Enabled)
            app.MapGrpcService<KedaScalerService>().AllowAnonymous();
        return app;
    }

    /// <summary>
    /// First in the pipeline, before authentication and every endpoint: a request on the scaler's port that is not
    /// for the scaler, or one for the scaler on another port, is answered 404 (gRPC: UNIMPLEMENTED) and goes no further.
    /// </summary>
    private sealed class ScalerPortGate(int port) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                var onScalerPort = http.Connection.LocalPort == port;
                var forScaler = http.Request.Path.StartsWithSegments(ServicePath, StringComparison.Ordinal);
                if (onScalerPort == forScaler) return nextMiddleware(http);
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            next(app);
        };
    }
}
