using System.Globalization;

namespace AiTrading.Core.Indicators;

/// <summary>
/// Wilder's parabolic stop and reverse, as TA-Lib's SAR. The first bar only seeds it; the first value is on the
/// second bar. The initial direction comes from the first two bars' directional movement: short when
/// <c>−DM = low₁ − low₂</c> is positive and larger than <c>+DM = high₂ − high₁</c>, long otherwise (ties are long).
/// A long trade starts with SAR = the first bar's low and extreme point (EP) = the second bar's high; a short one with
/// the first bar's high and the second bar's low. Each bar reports the SAR computed on the bar before; then, while
/// no reversal happens, a new extreme moves EP and raises the acceleration factor by <c>acceleration</c> (capped at
/// <c>maximum</c>), and <c>sar += af·(ep − sar)</c>, kept no higher (long) / no lower (short) than this bar's and the
/// previous bar's lows / highs. When the bar crosses the SAR the trade reverses: the reported SAR is the old EP
/// bounded by the two bars' highs (long→short) or lows (short→long), af restarts at <c>acceleration</c> and EP at
/// this bar's low / high. On the second bar "the previous bar" is the second bar itself, as in TA-Lib.
/// Uses the high and low only (the close is validated and ignored).
/// </summary>
public sealed class ParabolicSar : BarIndicator
{
    private bool _isLong;
    private double _sar;
    private double _extreme;
    private double _factor;
    private double _previousHigh;
    private double _previousLow;

    public ParabolicSar(double acceleration = 0.02, double maximum = 0.2) : base(NameOf(acceleration, maximum), 2)
    {
        Acceleration = acceleration;
        Maximum = maximum;
    }

    private static string NameOf(double acceleration, double maximum)
    {
        if (!double.IsFinite(acceleration) || acceleration <= 0)
            throw new ArgumentOutOfRangeException(nameof(acceleration), acceleration, "the acceleration must be a finite number > 0");
        if (!double.IsFinite(maximum) || maximum < acceleration)
            throw new ArgumentOutOfRangeException(nameof(maximum), maximum, "the maximum must be a finite number ≥ the acceleration");
        return string.Create(CultureInfo.InvariantCulture, $"SAR_{acceleration}_{maximum}");
    }

    public double Acceleration { get; }
    public double Maximum { get; }

    protected override double Step(double high, double low, double close)
    {
        if (Samples == 1)
        {
            _previousHigh = high;
            _previousLow = low;
            return double.NaN;
        }
        if (Samples == 2)
        {
            var downMove = _previousLow - low;
            var upMove = high - _previousHigh;
            _isLong = !(downMove > 0 && upMove < downMove);
            _sar = _isLong ? _previousLow : _previousHigh;
            _extreme = _isLong ? high : low;
            _factor = Acceleration;
            // TA-Lib bounds the second bar's SAR by that bar alone: it stands in for the previous bar.
            _previousHigh = high;
            _previousLow = low;
        }

        var previousHigh = _previousHigh;
        var previousLow = _previousLow;
        _previousHigh = high;
        _previousLow = low;
        double sar;
        if (_isLong)
        {
            if (low <= _sar)
            {
                _isLong = false;
                sar = Math.Max(Math.Max(_extreme, previousHigh), high);
                _factor = Acceleration;
                _extreme = low;
                _sar = Math.Max(Math.Max(sar + _factor * (_extreme - sar), previousHigh), high);
            }
            else
            {
                sar = _sar;
                if (high > _extreme)
                {
                    _extreme = high;
                    _factor = Math.Min(_factor + Acceleration, Maximum);
                }
                _sar = Math.Min(Math.Min(_sar + _factor * (_extreme - _sar), previousLow), low);
            }
        }
        else if (high >= _sar)
        {
            _isLong = true;
            sar = Math.Min(Math.Min(_extreme, previousLow), low);
            _factor = Acceleration;
            _extreme = high;
            _sar = Math.Min(Math.Min(sar + _factor * (_extreme - sar), previousLow), low);
        }
        else
        {
            sar = _sar;
            if (low < _extreme)
            {
                _extreme = low;
                _factor = Math.Min(_factor + Acceleration, Maximum);
            }
            _sar = Math.Max(Math.Max(_sar + _factor * (_extreme - _sar), previousHigh), high);
        }
        return sar;
    }

    protected override void OnReset()
    {
        _isLong = false;
        _sar = 0;
        _extreme = 0;
        _factor = 0;
        _previousHigh = 0;
        _previousLow = 0;
    }
}
