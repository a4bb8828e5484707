namespace AiTrading.Core.Indicators;

/// <summary>
/// TRIX, as TA-Lib's: the one-input rate of change in percent of a triple <see cref="Ema"/> (each seeded with the
/// SMA of its first <c>period</c> inputs), <c>(e3/e3[previous] − 1)·100</c>, first value on input
/// <c>3·period−1</c>. A zero previous e3 gives 0, as in TA-Lib's ROC. O(1) per update.
/// </summary>
public sealed class Trix : SeriesIndicator
{
    private readonly EmaCascade _emas;
    private double _previous;

    public Trix(int period) : base($"TRIX_{RequirePeriod(period)}", 3 * period - 1)
    {
        Period = period;
        _emas = new EmaCascade(period, 3);
    }

    public int Period { get; }

    protected override double Step(double value)
    {
        if (!_emas.Update(value)) return double.NaN;
        var current = _emas[2];
        var previous = _previous;
        _previous = current;
        return previous != 0 ? (current / previous - 1.0) * 100.0 : 0; // discarded on the first triple-smoothed value
    }

    protected override void OnReset()
    {
        _emas.Reset();
        _previous = 0;
    }
}
