using AiTrading.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>HTTP API v1: the venues that have been used, with their circuit breakers and, for MT5, the terminal's connection.</summary>
public static class VenueApi
{
    public static IEndpointRouteBuilder MapVenueApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/venues");

        api.MapGet("", (IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var keys = await cluster.GetGrain<INameIndexGrain>(NameIndexes.Venues).ListAsync();
            var venues = await Task.WhenAll(keys.GroupBy(VenueName).Select(g => DescribeAsync(cluster, g.Key, g.ToList())));
            return Results.Json(new { venues }, Views.Json);
        }));

        api.MapGet("/{venue}", (string venue, IClusterClient cluster) => ErrorMapping.Handle(async () =>
        {
            var keys = (await cluster.GetGrain<INameIndexGrain>(NameIndexes.Venues).ListAsync()).Where(k => VenueName(k) == venue).ToList();
            if (keys.Count == 0) throw new ResourceNotFoundException("venue", venue);
            return Results.Json(await DescribeAsync(cluster, venue, keys), Views.Json);
        }));
        return app;
    }

    private static string VenueName(string key) => key.Split('/')[0];

    /// <summary>A paper venue is its books, one circuit each; an MT5 venue is one terminal with one circuit.</summary>
    private static async Task<object> DescribeAsync(IClusterClient cluster, string venue, IReadOnlyList<string> keys)
    {
        if (keys.All(k => k.Contains('/')))
        {
            var books = await Task.WhenAll(keys.Select(async k => new { symbol = k[(k.IndexOf('/') + 1)..], circuit = await cluster.GetGrain<IVenueGrain>(k).GetCircuitAsync() }));
            return new { venue, kind = "paper", books };
        }
        var s = await cluster.GetGrain<IMt5BridgeGrain>(venue).GetStatusAsync();
        return new
        {
            venue, kind = "mt5", connected = s.Connected, terminal = s.Terminal, session = s.Session, lastHeartbeat = s.LastHeartbeat,
            pendingCommands = s.PendingCommands, workingOrders = s.WorkingOrders, positions = s.Positions, positionsAt = s.PositionsAt, circuit = s.Circuit,
            rejectedTicks = s.RejectedTicks,
        };
    }
}
