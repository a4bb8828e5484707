namespace AiTrading.Core.Indicators;

/// <summary>
/// Triple exponential moving average, as TA-Lib's TEMA: <c>3·e1 − 3·e2 + e3</c> with <c>e1 = EMA(x)</c>,
/// <c>e2 = EMA(e1)</c>, <c>e3 = EMA(e2)</c>, each <see cref="Ema"/> seeded with the SMA of its first
/// <c>period</c> inputs, so the first value is on input <c>3·period−2</c>. O(1) per update.
/// </summary>
public sealed class Tema : ISeriesIndicator
{
    private readonly Ema _ema1;
    private readonly Ema _ema2;
    private readonly Ema _ema3;

    public Tema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _ema1 = new Ema(period);
        _ema2 = new Ema(period);
        _ema3 = new Ema(period);
        Name = $"TEMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => 3 * Period - 2;
    public bool IsReady => _ema3.IsReady;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        _ema1.Update(value);
        if (!_ema1.IsReady) return;
        _ema2.Update(_ema1.Value);
        if (!_ema2.IsReady) return;
        _ema3.Update(_ema2.Value);
        if (!_ema3.IsReady) return;
        Value = _ema3.Value + (3.0 * _ema1.Value - 3.0 * _ema2.Value);
    }

    public void Reset()
    {
        _ema1.Reset();
        _ema2.Reset();
        _ema3.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Tema(period), input, output);
}
