namespace AiTrading.Core.Indicators;

/// <summary>
/// Double exponential moving average, as TA-Lib's DEMA: <c>2·EMA(x) − EMA(EMA(x))</c>, each <see cref="Ema"/>
/// seeded with the SMA of its first <c>period</c> inputs, so the first value is on input <c>2·period−1</c>.
/// O(1) per update.
/// </summary>
public sealed class Dema : ISeriesIndicator
{
    private readonly EmaCascade _emas;

    public Dema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _emas = new EmaCascade(period, 2);
        Name = $"DEMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => 2 * Period - 1;
    public bool IsReady => _emas.IsReady;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        if (!_emas.Update(value)) return;
        Value = 2.0 * _emas[0] - _emas[1];
    }

    public void Reset()
    {
        _emas.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Dema(period), input, output);
}
