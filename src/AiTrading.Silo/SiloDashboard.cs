using AiTrading.Contracts;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace AiTrading.Silo;

public static class SiloDashboard
{
    /// <summary>
    /// The Orleans dashboard's grains and per-silo statistics service (<see cref="DashboardSettings"/>, on unless
    /// "Dashboard:Enabled" is false). A silo that is also the gateway (`aitrading run`) serves the page from these
    /// registrations; a gateway of its own adds the client side (the gateway's AddAiTradingDashboard).
    /// </summary>
    public static ISiloBuilder AddAiTradingDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = DashboardSettings.From(configuration);
        if (!settings.Enabled) return silo;
        return silo.AddDashboard(options =>
        {
            options.HideTrace = !settings.TraceStreaming;
            options.CounterUpdateIntervalMs = (int)settings.CounterUpdateInterval.TotalMilliseconds;
            options.HistoryLength = settings.HistoryLength;
        });
    }
}
