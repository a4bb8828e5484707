namespace AiTrading.Core.Indicators;

/// <summary>
/// Relative strength index with Wilder smoothing, as TA-Lib's RSI: the first value (on input
/// <c>period+1</c>) uses the plain means of the first <c>period</c> gains and losses; later ones
/// <c>avg = (avg·(period−1) + x)/period</c>. RSI = 100·avgGain/(avgGain+avgLoss).
/// When both averages are zero (flat prices) the value is 0, as in TA-Lib; when only the average loss is zero
/// it is 100. TA-Lib compares the sum with a small fixed epsilon; this tests for exactly zero, so the value does
/// not depend on the price scale (FX prices move in 1e-5 steps). Never NaN or infinite once ready.
/// </summary>
public sealed class Rsi : ISeriesIndicator
{
    private int _samples;
    private double _previous;
    private double _avgGain;
    private double _avgLoss;

    public Rsi(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        Name = $"RSI_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period + 1;
    public bool IsReady => _samples > Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        _samples++;
        var change = value - _previous;
        _previous = value;
        if (_samples == 1) return;

        if (_samples <= Period + 1)
        {
            // Seeding: sums of the first period changes, turned into means on the last one.
            if (change < 0) _avgLoss -= change;
            else _avgGain += change;
            if (_samples <= Period) return;
            _avgLoss /= Period;
            _avgGain /= Period;
        }
        else
        {
            _avgLoss *= Period - 1;
            _avgGain *= Period - 1;
            if (change < 0) _avgLoss -= change;
            else _avgGain += change;
            _avgLoss /= Period;
            _avgGain /= Period;
        }

        var total = _avgGain + _avgLoss;
        Value = total == 0 ? 0 : 100 * (_avgGain / total);
    }

    public void Reset()
    {
        _samples = 0;
        _previous = 0;
        _avgGain = 0;
        _avgLoss = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Rsi(period), input, output);
}
