using AiTrading.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>HTTP API v1: the venues that have been used, with their circuit breakers and, for MT5, the terminal's connection.</summary>
public static class VenueApi
{
    public static IEndpointRouteBuilder MapVenueApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/venues").WithTags("Venues").RequireAuthorization(Security.Policies.Read);
        api.MapGet("", ListVenuesAsync);
        api.MapGet("/{venue}", GetVenueAsync).WithProblems(404);
        return app;
    }

    public static async Task<Ok<VenueListResponse>> ListVenuesAsync(IClusterClient cluster)
    {
        var keys = await cluster.GetGrain<INameIndexGrain>(NameIndexes.Venues).ListAsync();
        return TypedResults.Ok(new VenueListResponse(await Task.WhenAll(keys.GroupBy(VenueName).Select(g => DescribeAsync(cluster, g.Key, g.ToList())))));
    }

    public static async Task<Ok<VenueResponse>> GetVenueAsync(string venue, IClusterClient cluster)
    {
        var keys = (await cluster.GetGrain<INameIndexGrain>(NameIndexes.Venues).ListAsync()).Where(k => VenueName(k) == venue).ToList();
        if (keys.Count == 0) throw new ResourceNotFoundException("venue", venue);
        return TypedResults.Ok(await DescribeAsync(cluster, venue, keys));
    }

    private static string VenueName(string key) => key.Split('/')[0];

    /// <summary>A paper venue is its books, one circuit each; an MT5 venue is one terminal with one circuit.</summary>
    private static async Task<VenueResponse> DescribeAsync(IClusterClient cluster, string venue, IReadOnlyList<string> keys)
    {
        if (keys.All(k => k.Contains('/')))
            return new PaperVenueResponse(venue, await Task.WhenAll(keys.Select(async k =>
                new PaperBook(k[(k.IndexOf('/') + 1)..], await cluster.GetGrain<IVenueGrain>(k).GetCircuitAsync()))));
        return Mt5VenueResponse.From(await cluster.GetGrain<IMt5BridgeGrain>(venue).GetStatusAsync());
    }
}
