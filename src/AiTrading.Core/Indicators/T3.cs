namespace AiTrading.Core.Indicators;

/// <summary>
/// Tillson's T3, as TA-Lib's: six EMAs in a chain (<c>k = 2/(period+1)</c>, <c>e = k·x + (1−k)·e</c>), each seeded
/// with the mean of its first <c>period</c> inputs, combined as <c>c1·e6 + c2·e5 + c3·e4 + c4·e3</c> with
/// <c>c1 = −v³</c>, <c>c2 = 3v² + 3v³</c>, <c>c3 = −6v² − 3v − 3v³</c>, <c>c4 = 1 + 3v + 3v² + v³</c> for the volume
/// factor <c>v</c> (default 0.7). First value on input <c>6·period−5</c>; O(1) per update.
/// </summary>
public sealed class T3 : SeriesIndicator
{
    private const int Stages = 6;
    private const double DefaultVolumeFactor = 0.7;
    private readonly double _k;
    private readonly double _oneMinusK;
    private readonly double _c1, _c2, _c3, _c4;
    private readonly double[] _ema = new double[Stages];
    private readonly double[] _seedSum = new double[Stages];
    private readonly int[] _count = new int[Stages];

    public T3(int period, double volumeFactor = DefaultVolumeFactor) : base(NameOf(RequirePeriod(period), volumeFactor), Stages * (period - 1) + 1)
    {
        if (!double.IsFinite(volumeFactor))
            throw new ArgumentOutOfRangeException(nameof(volumeFactor), volumeFactor, "the volume factor must be a finite number");
        Period = period;
        VolumeFactor = volumeFactor;
        _k = 2.0 / (period + 1.0);
        _oneMinusK = 1.0 - _k;
        var squared = volumeFactor * volumeFactor;
        _c1 = -squared * volumeFactor;
        _c2 = 3.0 * (squared - _c1);
        _c3 = -6.0 * squared - 3.0 * (volumeFactor - _c1);
        _c4 = 1.0 + 3.0 * volumeFactor - _c1 + 3.0 * squared;
    }

    public int Period { get; }
    public double VolumeFactor { get; }

    private static string NameOf(int period, double volumeFactor) =>
        volumeFactor == DefaultVolumeFactor ? $"T3_{period}" : $"T3_{period}_{volumeFactor.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    protected override double Step(double value)
    {
        var input = value;
        for (var stage = 0; stage < Stages; stage++)
        {
            if (_count[stage] < Period)
            {
                _seedSum[stage] += input;
                if (++_count[stage] < Period) return double.NaN; // this stage has no value yet, so neither have the later ones
                _ema[stage] = _seedSum[stage] / Period;
            }
            else
            {
                _ema[stage] = _k * input + _oneMinusK * _ema[stage];
            }
            input = _ema[stage];
        }
        return _c1 * _ema[5] + _c2 * _ema[4] + _c3 * _ema[3] + _c4 * _ema[2];
    }

    protected override void OnReset()
    {
        Array.Clear(_ema);
        Array.Clear(_seedSum);
        Array.Clear(_count);
    }
}
