namespace AiTrading.Core.Indicators;

/// <summary>
/// The largest (or smallest) of the last <c>period</c> values of a series: a monotonic queue of (position, value)
/// pairs in a ring buffer, amortized O(1) per value, no allocation after construction. A new value evicts every
/// queued value it equals or beats, so on ties the newest position holds the extreme — as TA-Lib's MAX, MIN and
/// AROON track it (<c>&gt;=</c> / <c>&lt;=</c>).
/// </summary>
internal sealed class WindowExtreme(int period, bool highest)
{
    private readonly long[] _positions = new long[period];
    private readonly double[] _values = new double[period];
    private int _head;
    private int _count;

    /// <summary>
    /// Adds the value at <paramref name="position"/> (positions must grow by one per call) and returns the extreme
    /// of the values at positions <c>position−period+1</c> to <c>position</c>.
    /// </summary>
    public double Add(long position, double value)
    {
        // Drop the front once it has left the window, then every queued value the new one dominates.
        if (_count > 0 && _positions[_head] <= position - period)
        {
            _head = _head + 1 == period ? 0 : _head + 1;
            _count--;
        }
        while (_count > 0)
        {
            var back = (_head + _count - 1) % period;
            if (highest ? _values[back] > value : _values[back] < value) break;
            _count--;
        }
        var slot = (_head + _count) % period;
        _positions[slot] = position;
        _values[slot] = value;
        _count++;
        return _values[_head];
    }

    /// <summary>The newest position holding the current extreme (valid after the first <see cref="Add"/>).</summary>
    public long Position => _positions[_head];

    public void Reset()
    {
        _head = 0;
        _count = 0;
    }
}

/// <summary>The highest high and lowest low of the last <c>period</c> bars, and how many bars it has seen.</summary>
internal sealed class WindowRange(int period)
{
    private readonly WindowExtreme _highest = new(period, highest: true);
    private readonly WindowExtreme _lowest = new(period, highest: false);

    public long Count { get; private set; }

    public (double Highest, double Lowest) Add(double high, double low)
    {
        var range = (_highest.Add(Count, high), _lowest.Add(Count, low));
        Count++;
        return range;
    }

    public void Reset()
    {
        Count = 0;
        _highest.Reset();
        _lowest.Reset();
    }
}
