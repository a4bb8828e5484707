namespace AiTrading.Core.Indicators;

/// <summary>
/// Triple exponential moving average, as TA-Lib's TEMA: <c>3·e1 − 3·e2 + e3</c> with <c>e1 = EMA(x)</c>,
/// <c>e2 = EMA(e1)</c>, <c>e3 = EMA(e2)</c>, each <see cref="Ema"/> seeded with the SMA of its first
/// <c>period</c> inputs, so the first value is on input <c>3·period−2</c>. O(1) per update.
/// </summary>
public sealed class Tema : ISeriesIndicator
{
    private readonly EmaCascade _emas;

    public Tema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _emas = new EmaCascade(period, 3);
        Name = $"TEMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => 3 * Period - 2;
    public bool IsReady => _emas.IsReady;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        if (!_emas.Update(value)) return;
        Value = _emas[2] + (3.0 * _emas[0] - 3.0 * _emas[1]);
    }

    public void Reset()
    {
        _emas.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Tema(period), input, output);
}
