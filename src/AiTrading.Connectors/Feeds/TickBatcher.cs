using System.Runtime.CompilerServices;
using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

/// <summary>
/// Turns a time-ordered tick sequence into batches. Speed 0 emits as fast as the consumer takes them. Otherwise
/// ticks before <c>paceFrom</c> (a backfill) go out at full speed, then simulated time runs at
/// <c>speed</c> × wall time from <c>paceFrom</c>, released once per <c>interval</c> of wall time.
/// </summary>
internal static class TickBatcher
{
    // 1024 ticks of 72 bytes stay below the 85 kB large-object threshold.
    public const int MaxBatchSize = 1024;

    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(10);

    public static async IAsyncEnumerable<IReadOnlyList<Tick>> ReadAsync(
        IEnumerable<Tick> source, double speed, DateTimeOffset? paceFrom, TimeSpan interval, TimeProvider clock,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var ticks = source.GetEnumerator();
        var buffer = new Tick[MaxBatchSize];
        var more = ticks.MoveNext();
        if (!more) yield break;

        if (speed == 0)
        {
            while (more)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Take(ticks, buffer, long.MaxValue, ref more);
            }
            yield break;
        }

        var origin = (paceFrom ?? ticks.Current.Time).UtcTicks;
        while (more && ticks.Current.Time.UtcTicks < origin)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Take(ticks, buffer, origin - 1, ref more);
        }

        var start = clock.GetTimestamp();
        while (more)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var elapsed = clock.GetElapsedTime(start);
            var due = SimulatedTicks(origin, elapsed, speed);
            var next = ticks.Current.Time.UtcTicks;
            if (next > due)
            {
                // Sleep to the first interval boundary at which the next tick is due (one wake-up per interval at most).
                var wallDue = (next - origin) / speed;
                var boundary = Math.Ceiling(wallDue / interval.Ticks) * interval.Ticks;
                // Whole milliseconds, at least one: shorter delays complete at once and would spin.
                var sleepMs = Math.Clamp(Math.Ceiling((boundary - elapsed.Ticks) / TimeSpan.TicksPerMillisecond), 1, MaxSleep.TotalMilliseconds);
                await Task.Delay(TimeSpan.FromMilliseconds(sleepMs), clock, cancellationToken).ConfigureAwait(false);
                continue;
            }
            yield return Take(ticks, buffer, due, ref more);
        }
    }

    private static long SimulatedTicks(long origin, TimeSpan elapsed, double speed)
    {
        var ticks = origin + elapsed.Ticks * speed;
        return ticks >= DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue.UtcTicks : (long)ticks;
    }

    /// <summary>Moves the ticks at or before <paramref name="until"/> (at most a batch) into a new array.</summary>
    private static Tick[] Take(IEnumerator<Tick> ticks, Tick[] buffer, long until, ref bool more)
    {
        var count = 0;
        while (more && count < buffer.Length && ticks.Current.Time.UtcTicks <= until)
        {
            buffer[count++] = ticks.Current;
            more = ticks.MoveNext();
        }
        return buffer.AsSpan(0, count).ToArray();
    }
}
