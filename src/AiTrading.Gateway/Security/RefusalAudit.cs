using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AiTrading.Gateway.Security;

/// <summary>How refusals are audited (configuration section "Gateway:RefusalAudit").</summary>
public sealed class RefusalAuditOptions
{
    public const string Section = "Gateway:RefusalAudit";

    /// <summary>After the first refusal of a kind is recorded, more of that kind are counted for this long and recorded as one.</summary>
    public double WindowSeconds { get; set; } = 60;
    /// <summary>Kinds of refusal tracked per window; refusals beyond them are only counted, so a flood cannot grow the log.</summary>
    public int MaxKinds { get; set; } = 1000;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (!(WindowSeconds is >= 0.1 and <= 3600)) errors.Add(new($"{Section}:WindowSeconds", $"must be between 0.1 and 3600 (got {WindowSeconds})"));
        if (MaxKinds is < 10 or > 1_000_000) errors.Add(new($"{Section}:MaxKinds", $"must be between 10 and 1000000 (got {MaxKinds})"));
        return errors;
    }
}

/// <summary>One refused request: 401 (no valid token; <see cref="Principal"/> "anonymous") or 403 (a role or an account it lacks).</summary>
public sealed record Refusal(int Status, string Principal, IReadOnlyList<string> Roles, string? Remote, string Method, string Route, string Reason, string? Account = null)
{
    public const string Anonymous = "anonymous";

    /// <summary>What makes two refusals the same kind: everything but the roles, which come with the principal.</summary>
    [JsonIgnore]
    public (int, string, string?, string, string, string, string?) Kind => (Status, Principal, Remote, Method, Route, Reason, Account);
}

/// <summary>Refusals of one kind after its first in a window: how many, from when to when.</summary>
public sealed record RepeatedRefusal(Refusal Refusal, long Count, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Decides which refusals are recorded one by one: the first of each kind in a window is; the rest are counted and
/// summed up when the window is drained, and past <c>maxKinds</c> kinds a window only counts. So however many
/// requests are refused, a window adds at most 2 × maxKinds + 1 records.
/// </summary>
public sealed class RefusalTally(int maxKinds)
{
    private sealed class Entry(Refusal first, DateTimeOffset at)
    {
        public Refusal First { get; } = first;
        public long Repeats { get; set; }
        public DateTimeOffset From { get; set; } = at;
        public DateTimeOffset To { get; set; } = at;
    }

    private readonly Dictionary<(int, string, string?, string, string, string, string?), Entry> _kinds = [];

    /// <summary>Refusals beyond the kinds tracked in this window.</summary>
    public long Untracked { get; private set; }

    /// <returns>true for the first refusal of its kind in the window: record it now</returns>
    public bool Add(Refusal refusal, DateTimeOffset now)
    {
        if (_kinds.TryGetValue(refusal.Kind, out var entry))
        {
            if (entry.Repeats++ == 0) entry.From = now;
            entry.To = now;
            return false;
        }
        if (_kinds.Count >= maxKinds)
        {
            Untracked++;
            return false;
        }
        _kinds[refusal.Kind] = new Entry(refusal, now);
        return true;
    }

    /// <summary>Ends the window: the kinds refused again after their first, and the count of untracked ones (then zero).</summary>
    public (IReadOnlyList<RepeatedRefusal> Repeated, long Untracked) Drain()
    {
        var repeated = _kinds.Values.Where(e => e.Repeats > 0).Select(e => new RepeatedRefusal(e.First, e.Repeats, e.From, e.To)).ToList();
        var untracked = Untracked;
        _kinds.Clear();
        Untracked = 0;
        return (repeated, untracked);
    }
}

/// <summary>
/// Writes every refusal into the "security" audit stream (read by compliance), with the principal, its roles, the
/// remote address, the route and the reason, aggregated by a <see cref="RefusalTally"/> so a flood of refused
/// requests cannot grow the log without bound. Records are appended in the background, never on the request's path.
/// </summary>
public sealed class RefusalAudit(IClusterClient cluster, RefusalAuditOptions options, AuthOptions auth, TimeProvider clock, ILogger<RefusalAudit> logger)
    : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly Lock _gate = new();
    private readonly RefusalTally _tally = new(options.MaxKinds);
    // Bounded by the tally already (two records per kind and window); the capacity only guards a stalled cluster.
    private readonly Channel<AuditEntry> _pending = Channel.CreateBounded<AuditEntry>(
        new BoundedChannelOptions(4 * options.MaxKinds + 16) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Refused(HttpContext http, int status, string reason, string? account = null) => Refused(Describe(http, status, reason, account));

    public void Refused(Refusal refusal)
    {
        bool first;
        lock (_gate) first = _tally.Add(refusal, clock.GetUtcNow());
        if (first) Enqueue(AuditKinds.AccessRefused, refusal);
    }

    private Refusal Describe(HttpContext http, int status, string reason, string? account)
    {
        var user = http.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var principal = authenticated ? user.FindFirst(Claims.Subject)?.Value ?? "(no subject)" : Refusal.Anonymous;
        var roles = authenticated ? user.FindAll(auth.RoleClaim).Select(c => c.Value).Distinct().ToList() : [];
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } raw ? (raw.Length > 1 ? raw.TrimEnd('/') : raw) : "(no route)";
        return new Refusal(status, principal, roles, http.Connection.RemoteIpAddress?.ToString(), http.Request.Method, route, reason, account);
    }

    private void Enqueue(string kind, object payload)
    {
        if (!_pending.Writer.TryWrite(new AuditEntry(kind, JsonSerializer.Serialize(payload, Json))))
            logger.LogWarning("Security audit backlog full: a {Kind} record was dropped", kind);
    }

    private void EndWindow()
    {
        (IReadOnlyList<RepeatedRefusal> Repeated, long Untracked) window;
        lock (_gate) window = _tally.Drain();
        foreach (var repeated in window.Repeated)
            Enqueue(AuditKinds.AccessRefusedRepeated, new
            {
                repeated.Refusal.Status, repeated.Refusal.Principal, repeated.Refusal.Roles, repeated.Refusal.Remote, repeated.Refusal.Method,
                repeated.Refusal.Route, repeated.Refusal.Reason, repeated.Refusal.Account, repeated.Count, repeated.From, repeated.To,
            });
        if (window.Untracked > 0)
            Enqueue(AuditKinds.AccessRefusedRepeated, new { principal = "*", reason = $"refusals beyond the {options.MaxKinds} kinds tracked per window", count = window.Untracked });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writing = WriteAsync();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.WindowSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) EndWindow();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        EndWindow();
        _pending.Writer.TryComplete();
        // The cluster may be going away too: what is not written by then is only logged.
        await Task.WhenAny(writing, Task.Delay(TimeSpan.FromSeconds(5), clock));
    }

    private async Task WriteAsync()
    {
        var stream = cluster.GetGrain<IAuditStreamGrain>(PlatformStreams.Security);
        await foreach (var entry in _pending.Reader.ReadAllAsync())
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await stream.AppendAsync(entry);
                    break;
                }
                catch (Exception e) when (attempt < 3)
                {
                    logger.LogDebug(e, "Appending a {Kind} record to the security audit stream failed; trying again", entry.Kind);
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "A {Kind} record could not be appended to the security audit stream", entry.Kind);
                    break;
                }
            }
        }
    }
}

/// <summary>Audits the refusals of the role policies (and of the fallback policy) before answering them as ASP.NET Core does.</summary>
internal sealed class AuditingAuthorizationResultHandler(RefusalAudit audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result) =>
        result.Challenged || result.Forbidden ? AuditThenHandleAsync(next, context, policy, result) : _default.HandleAsync(next, context, policy, result);

    private async Task AuditThenHandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged) audit.Refused(context, StatusCodes.Status401Unauthorized, await ChallengeReasonAsync(context));
        else if (result.Forbidden) audit.Refused(context, StatusCodes.Status403Forbidden, ForbiddenReason(context, result));
        await _default.HandleAsync(next, context, policy, result);
    }

    /// <summary>Why the token was not accepted, never the token itself (the handler caches its result, so this authenticates nothing twice).</summary>
    internal static async Task<string> ChallengeReasonAsync(HttpContext context)
    {
        var failure = (await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme)).Failure;
        return failure switch
        {
            null => context.Request.Headers.Authorization.Count == 0 ? "no bearer token" : "no valid bearer token",
            SecurityTokenExpiredException => "the token has expired",
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the token's signature does not verify",
            SecurityTokenInvalidAudienceException => "the token is for another audience",
            SecurityTokenInvalidIssuerException => "the token is from another issuer",
            SecurityTokenNotYetValidException => "the token is not valid yet",
            _ => "the token is not valid",
        };
    }

    private static string ForbiddenReason(HttpContext context, PolicyAuthorizationResult result)
    {
        var roles = result.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToList() ?? [];
        var policies = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList() ?? [];
        var policy = policies.Count > 0 ? $" (policy {string.Join(", ", policies)})" : "";
        return roles.Count > 0 ? $"needs the role {string.Join(" or ", roles)}{policy}" : $"not authorized{policy}";
    }
}

public static class AuthorizationHosting
{
    /// <summary>The audit of refused requests: policy refusals through the authorization middleware, account refusals through <see cref="AccountAccess"/>.</summary>
    public static IServiceCollection AddAiTradingRefusalAudit(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new RefusalAuditOptions();
        configuration.GetSection(RefusalAuditOptions.Section).Bind(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
        services.AddSingleton(options);
        services.AddSingleton<RefusalAudit>();
        services.AddHostedService(sp => sp.GetRequiredService<RefusalAudit>());
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        return services;
    }
}
