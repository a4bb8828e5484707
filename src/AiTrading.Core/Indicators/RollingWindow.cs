namespace AiTrading.Core.Indicators;

/// <summary>
/// The last <c>capacity</c> values of a series in a ring buffer: O(1) per push, no allocation after construction.
/// </summary>
internal sealed class RollingWindow(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _next; // where the next value goes: the oldest slot once the window is full

    /// <summary>Values pushed since construction or the last reset (not capped at the capacity).</summary>
    public long Count { get; private set; }

    /// <summary>Adds a value and returns the one it displaces (pushed <c>capacity</c> inputs earlier), or 0 before that.</summary>
    public double Push(double value)
    {
        var displaced = _values[_next];
        _values[_next] = value;
        _next = _next + 1 == _values.Length ? 0 : _next + 1;
        Count++;
        return displaced;
    }

    /// <summary>The oldest value of a full window: the one the next push displaces.</summary>
    public double Oldest => _values[_next];

    /// <summary>The <paramref name="age"/>-th value of a full window counted from the oldest (0) to the newest.</summary>
    public double this[int age] => _values[(_next + age) % _values.Length];

    /// <summary>The values in storage order, for aggregates that do not depend on order.</summary>
    public ReadOnlySpan<double> Values => _values;

    public void Reset()
    {
        Array.Clear(_values);
        _next = 0;
        Count = 0;
    }
}
