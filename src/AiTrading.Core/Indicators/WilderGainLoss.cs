namespace AiTrading.Core.Indicators;

/// <summary>
/// Wilder-smoothed average gain and loss of a series, seeded as TA-Lib seeds RSI and CMO: the plain means of the
/// first <c>period</c> changes (ready on input <c>period+1</c>), then <c>avg = (avg·(period−1) + x)/period</c>.
/// Operation order matches TA-Lib so results agree to the last bits.
/// </summary>
internal struct WilderGainLoss(int period)
{
    private int _samples;
    private double _previous;

    public double AverageGain { get; private set; }
    public double AverageLoss { get; private set; }
    public readonly bool IsReady => _samples > period;

    /// <summary>Adds one value; true once the averages are ready.</summary>
    public bool Update(double value)
    {
        _samples++;
        var change = value - _previous;
        _previous = value;
        if (_samples == 1) return false;

        if (_samples <= period + 1)
        {
            // Seeding: sums of the first period changes, turned into means on the last one.
            if (change < 0) AverageLoss -= change;
            else AverageGain += change;
            if (_samples <= period) return false;
            AverageLoss /= period;
            AverageGain /= period;
            return true;
        }

        var loss = AverageLoss * (period - 1);
        var gain = AverageGain * (period - 1);
        if (change < 0) loss -= change;
        else gain += change;
        AverageLoss = loss / period;
        AverageGain = gain / period;
        return true;
    }

    public void Reset() => this = new WilderGainLoss(period);
}

/// <summary>
/// An oscillator of the Wilder-smoothed average gain and loss (<see cref="Rsi"/>, <see cref="Cmo"/>): first value on
/// input <c>period+1</c>; a subclass writes only the formula.
/// </summary>
public abstract class GainLossOscillator : SeriesIndicator
{
    private WilderGainLoss _averages;

    private protected GainLossOscillator(string prefix, int period) : base($"{prefix}_{RequirePeriod(period)}", period + 1)
    {
        Period = period;
        _averages = new WilderGainLoss(period);
    }

    public int Period { get; }

    protected sealed override double Step(double value) =>
        _averages.Update(value) ? Oscillate(_averages.AverageGain, _averages.AverageLoss) : double.NaN;

    /// <summary>The oscillator from the two averages, each ≥ 0; finite even when both are 0.</summary>
    protected abstract double Oscillate(double averageGain, double averageLoss);

    protected override void OnReset() => _averages.Reset();
}
