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
public sealed class UltimateOscillator : IBarIndicator
{
    private readonly int[] _sorted; // the periods, shortest first
    private readonly int _longest;
    private readonly RollingWindow _pressure; // bp and tr of the last `longest` bars
    private readonly RollingWindow _ranges;
    private readonly double[] _pressureSums = new double[3];
    private readonly double[] _rangeSums = new double[3];
    private readonly int[] _nonZeroRanges = new int[3];
    private long _samples;
    private double _previousClose;

    public UltimateOscillator(int period1 = 7, int period2 = 14, int period3 = 28)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period3);
        Period1 = period1;
        Period2 = period2;
        Period3 = period3;
        _sorted = [period1, period2, period3];
        Array.Sort(_sorted);
        _longest = _sorted[2];
        _pressure = new RollingWindow(_longest);
        _ranges = new RollingWindow(_longest);
        Name = $"ULTOSC_{period1}_{period2}_{period3}";
    }

    public int Period1 { get; }
    public int Period2 { get; }
    public int Period3 { get; }
    public string Name { get; }
    public int WarmUpPeriod => _longest + 1;
    public bool IsReady => _samples > _longest;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        var bar = _samples++; // 0-based
        var previousClose = _previousClose;
        _previousClose = close;
        if (bar == 0) return;

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
        if (bar < _longest) return;

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
        Value = 100.0 * (sum / 7.0);

        // Drop the oldest bar of each window (bar − p + 1), which sits `longest − p` places from the oldest kept.
        for (var j = 0; j < 3; j++)
        {
            var age = _longest - _sorted[j];
            _pressureSums[j] -= _pressure[age];
            var oldRange = _ranges[age];
            _rangeSums[j] -= oldRange;
            if (oldRange != 0) _nonZeroRanges[j]--;
        }
    }

    public void Reset()
    {
        _samples = 0;
        _previousClose = 0;
        _pressure.Reset();
        _ranges.Reset();
        Array.Clear(_pressureSums);
        Array.Clear(_rangeSums);
        Array.Clear(_nonZeroRanges);
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output,
        int period1, int period2, int period3) =>
        IndicatorBatch.Run(new UltimateOscillator(period1, period2, period3), high, low, close, output);
}
