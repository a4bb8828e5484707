using System.Globalization;
using System.Threading.RateLimiting;
using AiTrading.Core;
using AiTrading.Gateway.Mt5;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiTrading.Gateway;

/// <summary>Who is calling: the authenticated principal's name, or <see cref="Anonymous"/>.</summary>
public static class Principals
{
    public const string Anonymous = Contracts.Callers.Anonymous;

    public static string Name(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : Anonymous;

    /// <summary>The principal's name, or for anonymous callers their remote address: what rate limits count by.</summary>
    public static Caller Partition(HttpContext http) =>
        Name(http) is var name && name != Anonymous ? new(name, Anonymous: false) : new($"{http.Connection.RemoteIpAddress}", Anonymous: true);
}

/// <summary>A caller as rate limits count it: a principal's name, or an anonymous caller's remote address.</summary>
public readonly record struct Caller(string Id, bool Anonymous);

/// <summary>One route class's limit: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/> per caller.</summary>
public sealed class RouteClassLimit
{
    public int PermitLimit { get; set; }
    public double WindowSeconds { get; set; } = 1;

    public IEnumerable<FieldError> Validate(string section)
    {
        if (PermitLimit is < 1 or > 10_000_000) yield return new($"{section}:PermitLimit", $"must be between 1 and 10000000 (got {PermitLimit})");
        if (!(WindowSeconds is >= 0.01 and <= 86_400)) yield return new($"{section}:WindowSeconds", $"must be between 0.01 and 86400 (got {WindowSeconds})");
    }
}

/// <summary>
/// Configuration section <c>Gateway:RateLimits</c>: requests per caller (principal, or remote address when anonymous)
/// and route class, over HTTP and gRPC alike. The defaults are far above what one trading client or the benchmarks send.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimits";

    public bool Enabled { get; set; } = true;
    /// <summary>Order writes: submit, cancel, replace.</summary>
    public RouteClassLimit Orders { get; set; } = new() { PermitLimit = 20_000, WindowSeconds = 1 };
    /// <summary>Reads: GETs, gRPC gets, lists and streams.</summary>
    public RouteClassLimit Reads { get; set; } = new() { PermitLimit = 20_000, WindowSeconds = 1 };
    /// <summary>Backtest runs and training jobs.</summary>
    public RouteClassLimit Heavy { get; set; } = new() { PermitLimit = 120, WindowSeconds = 60 };
    /// <summary>Every other write: strategy lifecycle, model promotion, configuration.</summary>
    public RouteClassLimit Admin { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    public RouteClassLimit For(string routeClass) => routeClass switch
    {
        RouteClasses.Orders => Orders,
        RouteClasses.Heavy => Heavy,
        RouteClasses.Admin => Admin,
        _ => Reads,
    };

    public IReadOnlyList<FieldError> Validate() =>
        [.. Orders.Validate($"{Section}:Orders"), .. Reads.Validate($"{Section}:Reads"), .. Heavy.Validate($"{Section}:Heavy"), .. Admin.Validate($"{Section}:Admin")];
}

/// <summary>Which limit a request counts against, from its path and method (HTTP) or its service and method (gRPC); null for none.</summary>
public static class RouteClasses
{
    public const string Orders = "orders", Reads = "reads", Heavy = "heavy", Admin = "admin";

    public static string? Of(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (ErrorMapping.IsGrpc(request.HttpContext)) return OfGrpc(path);
        if (path is "/healthz" or "/readyz" || path.StartsWith(Mt5BridgeEndpoint.Path, StringComparison.OrdinalIgnoreCase)) return null; // the bridge throttles its handshakes itself
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return Reads;
        if (path.StartsWith("/v1/orders", StringComparison.OrdinalIgnoreCase)) return Orders;
        if (path.StartsWith("/v1/backtests", StringComparison.OrdinalIgnoreCase)) return Heavy;
        return Admin;
    }

    // Spans, not substrings: this runs on every call.
    private static string? OfGrpc(string path)
    {
        var slash = path.LastIndexOf('/');
        var service = slash > 0 ? path.AsSpan(1, slash - 1) : path.AsSpan();
        var method = slash > 0 ? path.AsSpan(slash + 1) : [];
        if (service.StartsWith("grpc.health.")) return null;
        if (service is "aitrading.v1.Orders" && method is "Submit" or "Cancel" or "Replace") return Orders;
        if ((service is "aitrading.v1.BacktestService" && method is "Run") || (service is "aitrading.v1.Models" && method is "Train")) return Heavy;
        if (service.StartsWith("grpc.reflection.")) return Reads;
        if (method.StartsWith("Get") || method.StartsWith("List") || method.StartsWith("Stream") || method is "Subscribe" or "Predict") return Reads;
        return Admin;
    }
}

public static class RateLimitHosting
{
    /// <summary>The ASP.NET Core rate limiter with one fixed window per caller and route class (<see cref="RateLimitOptions"/>).</summary>
    public static IServiceCollection AddAiTradingRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RateLimitOptions>(configuration, RateLimitOptions.Section, o => o.Validate());
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, configured) =>
        {
            var limits = configured.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, LimitKey>(http =>
            {
                if (!limits.Enabled || RouteClasses.Of(http.Request) is not { } routeClass) return RateLimitPartition.GetNoLimiter(default(LimitKey));
                var limit = limits.For(routeClass);
                return RateLimitPartition.GetFixedWindowLimiter(new LimitKey(routeClass, Principals.Partition(http)), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = TimeSpan.FromSeconds(limit.WindowSeconds),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = (context, cancel) => RejectAsync(context, limits, cancel);
        });
        return services;
    }

    /// <summary>One fixed window: a route class of one caller (a value, so finding it allocates nothing).</summary>
    private readonly record struct LimitKey(string RouteClass, Caller Caller);

    /// <summary>HTTP: 429 with Retry-After and the error body; gRPC: a trailers-only answer with RESOURCE_EXHAUSTED.</summary>
    private static async ValueTask RejectAsync(OnRejectedContext context, RateLimitOptions limits, CancellationToken cancel)
    {
        var http = context.HttpContext;
        var routeClass = RouteClasses.Of(http.Request) ?? RouteClasses.Reads;
        var limit = limits.For(routeClass);
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(limit.WindowSeconds);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var message = $"rate limit exceeded: at most {limit.PermitLimit} '{routeClass}' requests per {limit.WindowSeconds.ToString(CultureInfo.InvariantCulture)} s per caller; retry after {seconds} s";
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (ErrorMapping.IsGrpc(http))
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = "8"; // RESOURCE_EXHAUSTED
            http.Response.Headers["grpc-message"] = message;
            return;
        }
        await ErrorMapping.WriteProblemAsync(http, new RequestRefusedException(StatusCodes.Status429TooManyRequests, message));
    }
}

internal static class ValidatedOptions
{
    /// <summary>Options bound from a configuration section and checked when the host starts, each problem naming its setting.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<T, IReadOnlyList<FieldError>> validate) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new Validator<T>(validate));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    private sealed class Validator<T>(Func<T, IReadOnlyList<FieldError>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            validate(options) is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors.Select(e => e.ToString())) : ValidateOptionsResult.Success;
    }
}
