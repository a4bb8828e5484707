using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Trading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains;

/// <summary>
/// A kind of venue orders can go to: which venue names the configuration gives it, what it cannot take, and which
/// grain holds an order's book there. The recipe for a new kind is in docs/architecture.md ("Adding a venue").
/// </summary>
public interface IVenueKind
{
    /// <summary>The venues of this kind the configuration defines.</summary>
    IEnumerable<string> Venues(TradingOptions options);

    /// <summary>Why <paramref name="venue"/> cannot take <paramref name="request"/> (the field and the reason), or null.</summary>
    FieldError? Refuses(string venue, OrderRequest request);

    /// <summary>The grain an order of <paramref name="symbol"/> at <paramref name="venue"/> is placed with.</summary>
    IExecutionVenue Route(IGrainFactory grains, string venue, string symbol);
}

/// <summary>The paper venue: a simulated book per symbol, fed by the symbol's ticks.</summary>
public sealed class PaperVenues : IVenueKind
{
    public IEnumerable<string> Venues(TradingOptions options) => [TradingOptions.PaperVenue];

    public FieldError? Refuses(string venue, OrderRequest request) => null;

    public IExecutionVenue Route(IGrainFactory grains, string venue, string symbol) => grains.Ref<IVenueGrain>(IVenueGrain.KeyFor(venue, symbol));
}

/// <summary>MetaTrader 5 terminals ("Trading:Mt5Terminals"): one bridge grain per terminal serves every symbol.</summary>
public sealed class Mt5Venues : IVenueKind
{
    public IEnumerable<string> Venues(TradingOptions options) => options.Mt5Terminals.Keys;

    public FieldError? Refuses(string venue, OrderRequest request) => request.Bracket is null ? null
        : new("bracket", $"brackets are not supported on the MT5 venue '{venue}' yet (place the protective orders separately)");

    public IExecutionVenue Route(IGrainFactory grains, string venue, string symbol) => grains.Ref<IMt5BridgeGrain>(venue);
}

/// <summary>Every venue the silo routes to, by name: the one place that knows which kind each venue is.</summary>
public sealed class VenueRegistry
{
    private readonly Dictionary<string, IVenueKind> _venues = new(StringComparer.Ordinal);
    private readonly string _default;

    public VenueRegistry(IEnumerable<IVenueKind> kinds, IOptions<TradingOptions> options)
    {
        foreach (var kind in kinds)
            foreach (var venue in kind.Venues(options.Value))
                if (!_venues.TryAdd(venue, kind)) throw new InvalidOperationException($"venue '{venue}' is registered by {_venues[venue].GetType().Name} and {kind.GetType().Name}");
        _default = options.Value.DefaultVenue;
    }

    /// <summary>The venue names, sorted.</summary>
    public IReadOnlyList<string> Names => _venues.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The venue <paramref name="request"/> goes to (its own, or the default).</summary>
    /// <exception cref="ValidationException">The venue is unknown, or cannot take the order.</exception>
    public string Require(OrderRequest request)
    {
        var venue = request.Venue ?? _default;
        if (!_venues.TryGetValue(venue, out var kind)) throw new ValidationException("venue", $"unknown venue '{venue}' (known: {string.Join(", ", Names)})");
        if (kind.Refuses(venue, request) is { } refusal) throw new ValidationException([refusal]);
        return venue;
    }

    /// <summary>Where an order at <paramref name="venue"/> is held; a venue no longer configured is asked as the paper kind would be.</summary>
    public IExecutionVenue Route(IGrainFactory grains, string venue, string symbol) =>
        (_venues.TryGetValue(venue, out var kind) ? kind : new PaperVenues()).Route(grains, venue, symbol);
}

public static class VenueRegistration
{
    /// <summary>The venue kinds the product ships with, and the registry over them.</summary>
    public static IServiceCollection AddVenues(this IServiceCollection services)
    {
        services.AddSingleton<IVenueKind, PaperVenues>();
        services.AddSingleton<IVenueKind, Mt5Venues>();
        services.AddSingleton<VenueRegistry>();
        return services;
    }
}
