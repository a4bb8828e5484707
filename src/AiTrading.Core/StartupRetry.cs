namespace AiTrading.Core;

/// <summary>
/// Waits for a dependency at start-up (a database, a broker) instead of dying at the first refusal: retries a step
/// while its failure is transient, backing off 1 s, 2 s, 4 s … up to <see cref="MaxDelay"/>, saying each time what is
/// unreachable and when the next try comes, and gives up with the last error once <paramref name="timeout"/> has passed.
/// </summary>
public static class StartupRetry
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    /// <summary>The wait before try <paramref name="attempt"/> + 1 (attempts count from 1).</summary>
    public static TimeSpan DelayAfter(int attempt) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(attempt - 1, 20)));

    /// <param name="what">the dependency, as a person reads it: "PostgreSQL at db:5432"</param>
    /// <param name="report">told about each failed try: the message to log</param>
    public static async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> step, Func<Exception, bool> isTransient, TimeSpan timeout,
        Action<string> report, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step(cancellationToken);
            }
            catch (Exception e) when (isTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                var delay = DelayAfter(attempt);
                if (time.GetUtcNow() + delay > deadline)
                    throw new DependencyUnavailableException($"{what} is unreachable after {attempt} tries over {timeout.TotalSeconds:0} s: {e.Message}", e);
                report($"{what} is unreachable ({e.Message}); try {attempt} failed, retrying in {delay.TotalSeconds:0} s (giving up after {timeout.TotalSeconds:0} s)");
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }
}

/// <summary>A dependency the product needs stayed out of reach for as long as it was allowed to wait.</summary>
public sealed class DependencyUnavailableException(string message, Exception inner) : Exception(message, inner);
