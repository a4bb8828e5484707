namespace AiTrading.Grains;

/// <summary>
/// Writes one grain's persistent state one at a time. A reentrant grain's calls interleave, and two overlapping
/// writes of one state would conflict on its etag.
/// </summary>
internal sealed class SerializedWrites<T>(IPersistentState<T> state)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WriteAsync()
    {
        await _gate.WaitAsync();
        try { await state.WriteStateAsync(); }
        finally { _gate.Release(); }
    }
}
