namespace AiTrading.Core.Tests.Feeds;

/// <summary>
/// A clock that never waits: creating a timer moves the clock to the timer's due time and fires it on the
/// thread pool. Paced feeds then run in no real time while their view of the clock stays exact.
/// </summary>
public sealed class AutoAdvancingTimeProvider : TimeProvider
{
    private long _now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
    private readonly long _origin;
    private int _timers;

    public AutoAdvancingTimeProvider() => _origin = _now;

    public int TimersCreated => Volatile.Read(ref _timers);
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _now) - _origin);

    public override DateTimeOffset GetUtcNow() => new(Volatile.Read(ref _now), TimeSpan.Zero);
    public override long GetTimestamp() => Volatile.Read(ref _now);
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period != Timeout.InfiniteTimeSpan) throw new NotSupportedException("periodic timers are not simulated");
        Interlocked.Increment(ref _timers);
        Interlocked.Add(ref _now, dueTime.Ticks);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A clock that fails the test if anything waits on it.</summary>
public sealed class NoWaitingTimeProvider : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new InvalidOperationException($"the feed waited {dueTime} although it should not wait");
}
