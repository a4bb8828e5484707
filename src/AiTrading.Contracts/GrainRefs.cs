using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AiTrading.Contracts;

/// <summary>
/// Grain references for the silo's hot paths. <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string)"/>
/// resolves the interface's grain type by reflection on every call (a few per cent of an order's CPU when every hop
/// asks for its next grain); this resolves it once per interface and silo and builds later references from the grain
/// id. For grains only: a silo knows its grain classes from the start, where a client learns them from the cluster.
/// </summary>
public static class GrainRefs
{
    private static readonly ConditionalWeakTable<IGrainFactory, ConcurrentDictionary<Type, (GrainType, GrainInterfaceType)>> Kinds = new();

    public static T Ref<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        var kinds = Kinds.GetValue(grains, _ => new());
        if (kinds.TryGetValue(typeof(T), out var kind))
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key);
            return (T)grains.GetGrain(GrainId.Create(kind.Item1, key), kind.Item2);
        }
        var first = grains.GetGrain<T>(key);
        var reference = (GrainReference)(object)first;
        kinds.TryAdd(typeof(T), (reference.GrainId.Type, reference.InterfaceType));
        return first;
    }
}
