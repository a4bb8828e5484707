using AiTrading.Contracts;

namespace AiTrading.Grains;

/// <summary>A persisted sorted set of names: the audit streams, the strategies.</summary>
public sealed class NameIndexGrain([PersistentState("name-index")] IPersistentState<SortedSet<string>> names) : Grain, INameIndexGrain
{
    public async Task RegisterAsync(string name)
    {
        if (names.State.Add(name)) await names.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(names.State.ToList());
}
