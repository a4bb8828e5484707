namespace AiTrading.Grains.Tests;

public static class Eventually
{
    /// <summary>
    /// Polls until the condition holds; stream delivery is asynchronous, so tests wait instead of asserting at once. The
    /// default limit is generous because a loaded 2-core machine can be many times slower; a passing wait ends early.
    /// </summary>
    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    public static Task True(Func<bool> condition, string what, TimeSpan? timeout = null) => True(() => Task.FromResult(condition()), what, timeout);
}
