using AiTrading.Core.Indicators;

namespace AiTrading.Core.Features.Microstructure;

/// <summary>
/// The sum of the last <c>capacity</c> pushed values, updated in O(1) (add the new value, subtract the displaced one)
/// with a compensated (Neumaier) running sum. Drift control: besides the compensation, every <c>capacity</c> pushes
/// the sum is recomputed from the ring buffer (amortized O(1)), so no error carries over more than one window. The number of non-zero
/// values is kept exactly: when the window holds only zeros the sum is exactly 0 (no residue of removed values).
/// For a series of non-negative values a sum that rounding pushed to ≤ 0 while non-zero values remain is recomputed
/// at once, so a ratio over it is never 0/0. No allocation after construction.
/// </summary>
internal sealed class WindowSum
{
    private readonly RollingWindow _values;
    private readonly int _capacity;
    private readonly bool _nonNegative;
    private int _sinceRecompute;
    private CompensatedSum _sum;

    public WindowSum(int capacity, bool nonNegative)
    {
        _capacity = capacity;
        _nonNegative = nonNegative;
        _values = new RollingWindow(capacity);
    }

    public double Sum => _sum.Value;

    /// <summary>How many of the values in the window are not zero.</summary>
    public int NonZeroCount { get; private set; }

    public void Push(double value)
    {
        var displaced = _values.Push(value); // 0 until the window is full: empty slots hold zeros
        if (value != 0) NonZeroCount++;
        if (displaced != 0) NonZeroCount--;
        if (++_sinceRecompute == _capacity)
        {
            Recompute();
            return;
        }
        if (NonZeroCount == 0) _sum.Clear();
        else
        {
            _sum.Add(value);
            _sum.Add(-displaced);
            if (_nonNegative && _sum.Value <= 0) Recompute();
        }
    }

    public void Reset()
    {
        _values.Reset();
        _sinceRecompute = 0;
        _sum.Clear();
        NonZeroCount = 0;
    }

    private void Recompute()
    {
        _sinceRecompute = 0;
        _sum.Clear();
        var nonZero = 0;
        foreach (var value in _values.Values)
        {
            _sum.Add(value);
            if (value != 0) nonZero++;
        }
        NonZeroCount = nonZero;
    }
}
