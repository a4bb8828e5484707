namespace AiTrading.Contracts;

/// <summary>
/// Grain references by string key without Orleans' per-call type resolution: <c>GetGrain&lt;T&gt;(string)</c> reads the
/// interface's attributes by reflection on every call, which showed as several per cent of the CPU of an order. The
/// grain type and interface type of <typeparamref name="T"/> are resolved once per grain factory; the reference is the
/// same one <c>GetGrain</c> makes.
/// </summary>
public static class GrainReferences
{
    public static T Reference<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        var resolved = Resolved<T>.Last;
        if (resolved is not null && ReferenceEquals(resolved.Grains, grains))
            return (T)grains.GetGrain(GrainId.Create(resolved.Type, key), resolved.Interface);
        var grain = grains.GetGrain<T>(key);
        var reference = (GrainReference)(object)grain;
        Resolved<T>.Last = new Resolution(grains, reference.GrainId.Type, reference.InterfaceType);
        return grain;
    }

    private sealed record Resolution(IGrainFactory Grains, GrainType Type, GrainInterfaceType Interface);

    // One slot per interface: a process has one grain factory (tests with several clusters re-resolve when they alternate).
    private static class Resolved<T>
    {
        public static Resolution? Last;
    }
}
