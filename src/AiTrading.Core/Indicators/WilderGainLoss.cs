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
