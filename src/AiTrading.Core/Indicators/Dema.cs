namespace AiTrading.Core.Indicators;

/// <summary>
/// Double exponential moving average, as TA-Lib's DEMA: <c>2·EMA(x) − EMA(EMA(x))</c>, each <see cref="Ema"/>
/// seeded with the SMA of its first <c>period</c> inputs, so the first value is on input <c>2·period−1</c>.
/// O(1) per update.
/// </summary>
public sealed class Dema : ISeriesIndicator
{
    private readonly Ema _ema1;
    private readonly Ema _ema2;

    public Dema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _ema1 = new Ema(period);
        _ema2 = new Ema(period);
        Name = $"DEMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => 2 * Period - 1;
    public bool IsReady => _ema2.IsReady;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        _ema1.Update(value);
        if (!_ema1.IsReady) return;
        _ema2.Update(_ema1.Value);
        if (!_ema2.IsReady) return;
        Value = 2.0 * _ema1.Value - _ema2.Value;
    }

    public void Reset()
    {
        _ema1.Reset();
        _ema2.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Dema(period), input, output);
}
