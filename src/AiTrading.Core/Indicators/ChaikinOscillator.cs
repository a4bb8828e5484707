namespace AiTrading.Core.Indicators;

/// <summary>
/// Chaikin's A/D oscillator, as TA-Lib's ADOSC: <c>EMA(fast) − EMA(slow)</c> of the accumulation/distribution line
/// (<see cref="AccumulationDistribution"/>, summed from the first bar). Unlike TA-Lib's EMA, both averages are seeded
/// with the first A/D value (not an SMA) and then follow <c>ema = k·ad + (1−k)·ema</c>, <c>k = 2/(period+1)</c>, from
/// the second bar; the first value is on bar <c>max(fastPeriod, slowPeriod)</c>, as in TA-Lib.
/// Flat prices and zero volume give 0 (the A/D line does not move).
/// </summary>
public sealed class ChaikinOscillator : VolumeBarIndicator
{
    private readonly double _fastK;
    private readonly double _fastKeep;
    private readonly double _slowK;
    private readonly double _slowKeep;
    private double _ad;
    private double _fast;
    private double _slow;

    public ChaikinOscillator(int fastPeriod = 3, int slowPeriod = 10)
        : base($"ADOSC_{RequirePeriod(fastPeriod, nameof(fastPeriod))}_{RequirePeriod(slowPeriod, nameof(slowPeriod))}", Math.Max(fastPeriod, slowPeriod))
    {
        FastPeriod = fastPeriod;
        SlowPeriod = slowPeriod;
        _fastK = 2.0 / (fastPeriod + 1);
        _fastKeep = 1.0 - _fastK;
        _slowK = 2.0 / (slowPeriod + 1);
        _slowKeep = 1.0 - _slowK;
    }

    public int FastPeriod { get; }
    public int SlowPeriod { get; }

    protected override double Step(double high, double low, double close, double volume)
    {
        _ad += AccumulationDistribution.MoneyFlowVolume(high, low, close, volume);
        if (Samples == 1)
        {
            _fast = _ad;
            _slow = _ad;
        }
        else
        {
            _fast = _fastK * _ad + _fastKeep * _fast;
            _slow = _slowK * _ad + _slowKeep * _slow;
        }
        return _fast - _slow;
    }

    protected override void OnReset()
    {
        _ad = 0;
        _fast = 0;
        _slow = 0;
    }
}
