namespace AiTrading.Core.Indicators;

/// <summary>
/// Kaufman adaptive moving average, as TA-Lib's KAMA (fast 2, slow 30, fixed): the efficiency ratio
/// <c>ER = |x − x[period ago]| / Σ|Δx|</c> over the last <c>period</c> changes sets the smoothing
/// <c>sc = (ER·(2/3 − 2/31) + 2/31)²</c>, and <c>kama += sc·(x − kama)</c>, starting from the previous input.
/// First value on input <c>period+1</c>. When the changes sum to zero (flat prices) ER is 1, as in TA-Lib (which
/// compares with a small fixed epsilon; this tests for zero, so the value does not depend on the price scale).
/// O(1) per update: a running sum of the absolute changes over a ring buffer.
/// </summary>
public sealed class Kama(int period) : WindowIndicator($"KAMA_{period}", period, period + 1)
{
    private const double Slowest = 2.0 / (30.0 + 1.0);
    private const double Range = 2.0 / (2.0 + 1.0) - Slowest;
    private double _previous;
    private double _trailing; // the value period+1 inputs ago, whose change leaves the sum next
    private double _changeSum;
    private double _kama;

    protected override double Step(double value, double periodAgo)
    {
        var previous = _previous;
        _previous = value;
        if (Samples == 1) return double.NaN;
        if (Samples <= Period + 1)
        {
            _changeSum += Math.Abs(previous - value);
            if (Samples <= Period) return double.NaN;
            _kama = previous; // TA-Lib starts from the input before the first value
        }
        else
        {
            _changeSum -= Math.Abs(_trailing - periodAgo);
            _changeSum += Math.Abs(value - previous);
        }
        _trailing = periodAgo;
        var direction = value - periodAgo;
        var efficiency = _changeSum <= direction || _changeSum == 0 ? 1.0 : Math.Abs(direction / _changeSum);
        var smoothing = efficiency * Range + Slowest;
        smoothing *= smoothing;
        return _kama = (value - _kama) * smoothing + _kama;
    }

    protected override void OnReset()
    {
        base.OnReset();
        _previous = 0;
        _trailing = 0;
        _changeSum = 0;
        _kama = 0;
    }
}
