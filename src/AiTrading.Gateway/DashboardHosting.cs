using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace AiTrading.Gateway;

/// <summary>
/// The Orleans dashboard under <see cref="DashboardSession.Path"/>: its page and data API, for the admin role only
/// (a bearer header, or the session cookie of <see cref="DashboardSession"/> for a browser). Silos host its grains.
/// </summary>
public static class DashboardHosting
{
    /// <summary>The dashboard's client side, for a gateway that runs as its own process (the silos add the rest).</summary>
    public static IClientBuilder AddAiTradingDashboard(this IClientBuilder client, IConfiguration configuration)
    {
        var settings = DashboardSettings.From(configuration);
        return settings.Enabled ? client.AddDashboard(options => options.HideTrace = !settings.TraceStreaming) : client;
    }

    /// <summary>Serves the dashboard when "Dashboard:Enabled" (the default); the host must have added the dashboard (silo or client side).</summary>
    public static WebApplication MapAiTradingDashboard(this WebApplication app)
    {
        if (!DashboardSettings.From(app.Configuration).Enabled) return app;
        var dashboard = app.MapOrleansDashboard(DashboardSession.Path).RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        dashboard.AddEndpointFilter(async (context, next) =>
        {
            // The silo views name a silo in the path; anything else would fail inside the cluster as a 500.
            if (SiloAddressIn(context.HttpContext) is { } text && !IsSiloAddress(text))
            {
                await ErrorMapping.WriteProblemAsync(context.HttpContext, new ValidationException(
                    "address", $"'{(text.Length > 80 ? text[..80] + "…" : text)}' is not a silo address (ip:port@generation, as the dashboard lists them)"));
                return Results.Empty;
            }
            return await next(context);
        });
        // Orleans' grain state view activates any grain and calls its parameterless methods, which may act: not served here.
        // The lower order wins over the dashboard's own route of the same pattern.
        app.MapGet($"{DashboardSession.Path}/GrainState", RefuseGrainState).RequireAuthorization(Policies.Admin).WithOrder(-1).ExcludeFromDescription();
        app.MapDashboardSession();
        return app;
    }

    private static string? SiloAddressIn(HttpContext http)
    {
        var route = http.Request.RouteValues;
        if (route.TryGetValue("address", out var address)) return address as string ?? "";
        return http.Request.Path.StartsWithSegments($"{DashboardSession.Path}/HistoricalStats") && route.TryGetValue("path", out var path) ? path as string ?? "" : null;
    }

    private static bool IsSiloAddress(string text)
    {
        try
        {
            SiloAddress.FromParsableString(text);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
    }

    private static Task RefuseGrainState(HttpContext http) => ErrorMapping.WriteProblemAsync(http, new RequestRefusedException(
        StatusCodes.Status403Forbidden, "the grain state view is not served: it calls grain methods, which may act on the grain"));
}
