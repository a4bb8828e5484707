namespace AiTrading.Core.Indicators;

/// <summary>
/// Double exponential moving average, as TA-Lib's DEMA: <c>2·EMA(x) − EMA(EMA(x))</c>, each <see cref="Ema"/>
/// seeded with the SMA of its first <c>period</c> inputs, so the first value is on input <c>2·period−1</c>.
/// O(1) per update.
/// </summary>
public sealed class Dema : SeriesIndicator
{
    private readonly EmaCascade _emas;

    public Dema(int period) : base($"DEMA_{RequirePeriod(period)}", 2 * period - 1)
    {
        Period = period;
        _emas = new EmaCascade(period, 2);
    }

    public int Period { get; }

    protected override double Step(double value) => _emas.Update(value) ? 2.0 * _emas[0] - _emas[1] : double.NaN;

    protected override void OnReset() => _emas.Reset();
}
