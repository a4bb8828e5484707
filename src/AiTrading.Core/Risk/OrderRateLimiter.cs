namespace AiTrading.Core.Risk;

/// <summary>
/// At most <see cref="Limit"/> orders in any sliding <see cref="Window"/> (by the times given, so backtests use bar
/// time and live trading the clock). O(1) amortised; holds at most <see cref="Limit"/> times.
/// </summary>
public sealed class OrderRateLimiter
{
    private readonly Queue<DateTimeOffset> _sent = new();

    public OrderRateLimiter(int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window), window, "the window must be positive");
        Limit = limit;
        Window = window;
    }

    public int Limit { get; }
    public TimeSpan Window { get; }

    /// <summary>Orders counted in the window ending at <paramref name="now"/>.</summary>
    public int CountAt(DateTimeOffset now)
    {
        while (_sent.Count > 0 && _sent.Peek() <= now - Window) _sent.Dequeue();
        return _sent.Count;
    }

    /// <summary>Counts an order at <paramref name="now"/> if the window has room; false (and nothing counted) when it is full.</summary>
    public bool TryAcquire(DateTimeOffset now)
    {
        if (CountAt(now) >= Limit) return false;
        _sent.Enqueue(now);
        return true;
    }
}
