namespace AiTrading.Core.Indicators;

/// <summary>
/// Exponential moving average, as TA-Lib's EMA (default compatibility): seeded with the SMA of the first
/// <c>period</c> values (first value on the <c>period</c>-th input), then <c>ema += k·(x − ema)</c> with
/// <c>k = 2/(period+1)</c>.
/// </summary>
public sealed class Ema : ISeriesIndicator
{
    private readonly double _k;
    private int _samples;
    private double _seedSum;

    public Ema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _k = 2.0 / (period + 1);
        Name = $"EMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period;
    public bool IsReady => _samples >= Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        _samples++;
        if (_samples < Period)
        {
            _seedSum += value;
        }
        else if (_samples == Period)
        {
            _seedSum += value;
            Value = _seedSum / Period;
        }
        else
        {
            Value = (value - Value) * _k + Value;
        }
    }

    public void Reset()
    {
        _samples = 0;
        _seedSum = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Ema(period), input, output);
}
