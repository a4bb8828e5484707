namespace AiTrading.Core.Indicators;

/// <summary>
/// Williams' ultimate oscillator, as TA-Lib's ULTOSC. From the second bar, the buying pressure
/// <c>bp = close − min(low, previous close)</c> and the true range <c>tr</c> (<see cref="Atr.TrueRange"/>); over the
/// last <c>p</c> bars of each of the three periods, the ratio <c>Σbp/Σtr</c>, and
/// <c>ULTOSC = 100·(4·ratio(shortest) + 2·ratio(middle) + ratio(longest))/7</c>, first value on bar
/// <c>longest + 1</c>. As in TA-Lib the weights go by length (the periods may be given in any order), and the sums
/// are running sums in TA-Lib's order. A window whose true ranges are all zero (flat prices) adds nothing to the
/// value, as in TA-Lib; TA-Lib tests the sum against a fixed 1e-8, this counts the non-zero true ranges in the window
/// instead (and drops the sums' rounding residue when there is none), so the value does not depend on the price
/// scale. Flat prices give 0. Never NaN once ready. O(1) per update.
/// </summary>
public sealed class UltimateOscillator : BarIndicator
{
    private readonly int[] _sorted; // the periods, shortest first
    private readonly int _longest;
    private readonly RollingWindow _pressure; // bp and tr of the last `longest` bars
    private readonly RollingWindow _ranges;
    private readonly double[] _pressureSums = new double[3];
    private readonly double[] _rangeSums = new double[3];
    private readonly int[] _nonZeroRanges = new int[3];
    private double _previousClose;

    public UltimateOscillator(int period1 = 7, int period2 = 14, int period3 = 28)
        : base($"ULTOSC_{RequirePeriod(period1, nameof(period1))}_{RequirePeriod(period2, nameof(period2))}_{RequirePeriod(period3, nameof(period3))}",
            Math.Max(period1, Math.Max(period2, period3)) + 1)
    {
        Period1 = period1;
        Period2 = period2;
        Period3 = period3;
        _sorted = [period1, period2, period3];
        Array.Sort(_sorted);
        _longest = _sorted[2];
        _pressure = new RollingWindow(_longest);
        _ranges = new RollingWindow(_longest);
    }

    public int Period1 { get; }
    public int Period2 { get; }
    public int Period3 { get; }

    protected override double Step(double high, double low, double close)
    {
        var bar = Samples - 1; // 0-based
        var previousClose = _previousClose;
        _previousClose = close;
        if (bar == 0) return double.NaN;

        var pressure = close - Math.Min(low, previousClose);
        var range = Atr.TrueRange(high, low, previousClose);
        _pressure.Push(pressure);
        _ranges.Push(range);
        for (var j = 0; j < 3; j++)
        {
            // TA-Lib primes each sum from the first bar of its window at the first output (bar `longest`).
            if (bar <= _longest - _sorted[j]) continue;
            _pressureSums[j] += pressure;
            _rangeSums[j] += range;
            if (range != 0) _nonZeroRanges[j]++;
        }
        if (bar < _longest) return double.NaN;

        var sum = 0.0;
        for (var j = 0; j < 3; j++)
        {
            if (_nonZeroRanges[j] == 0)
            {
                _pressureSums[j] = 0;
                _rangeSums[j] = 0;
            }
            else if (_rangeSums[j] > 0)
            {
                sum += (j == 0 ? 4.0 : j == 1 ? 2.0 : 1.0) * (_pressureSums[j] / _rangeSums[j]);
            }
        }
        // Drop the oldest bar of each window (bar − p + 1), which sits `longest − p` places from the oldest kept.
        for (var j = 0; j < 3; j++)
        {
            var age = _longest - _sorted[j];
            _pressureSums[j] -= _pressure[age];
            var oldRange = _ranges[age];
            _rangeSums[j] -= oldRange;
            if (oldRange != 0) _nonZeroRanges[j]--;
        }
        return 100.0 * (sum / 7.0);
    }

    protected override void OnReset()
    {
        _previousClose = 0;
        _pressure.Reset();
        _ranges.Reset();
        Array.Clear(_pressureSums);
        Array.Clear(_rangeSums);
        Array.Clear(_nonZeroRanges);
    }
}
