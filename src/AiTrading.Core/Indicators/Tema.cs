namespace AiTrading.Core.Indicators;

/// <summary>
/// Triple exponential moving average, as TA-Lib's TEMA: <c>3·e1 − 3·e2 + e3</c> with <c>e1 = EMA(x)</c>,
/// <c>e2 = EMA(e1)</c>, <c>e3 = EMA(e2)</c>, each <see cref="Ema"/> seeded with the SMA of its first
/// <c>period</c> inputs, so the first value is on input <c>3·period−2</c>. O(1) per update.
/// </summary>
public sealed class Tema : SeriesIndicator
{
    private readonly EmaCascade _emas;

    public Tema(int period) : base($"TEMA_{RequirePeriod(period)}", 3 * period - 2)
    {
        Period = period;
        _emas = new EmaCascade(period, 3);
    }

    public int Period { get; }

    protected override double Step(double value) =>
        _emas.Update(value) ? _emas[2] + (3.0 * _emas[0] - 3.0 * _emas[1]) : double.NaN;

    protected override void OnReset() => _emas.Reset();
}
