namespace AiTrading.Core.Indicators;

/// <summary>
/// Chande momentum oscillator, as TA-Lib's CMO: gains and losses smoothed like <see cref="Rsi"/> (plain means of the
/// first <c>period</c> changes, then <c>avg = (avg·(period−1) + x)/period</c>), first value on input
/// <c>period+1</c>; CMO = 100·(avgGain − avgLoss)/(avgGain + avgLoss), in [−100, 100].
/// When both averages are zero (flat prices) the value is 0, as in TA-Lib; TA-Lib compares the sum with a small
/// fixed epsilon, this tests for exactly zero so the value does not depend on the price scale. Never NaN once ready.
/// </summary>
public sealed class Cmo : ISeriesIndicator
{
    private int _samples;
    private double _previous;
    private double _avgGain;
    private double _avgLoss;

    public Cmo(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        Name = $"CMO_{period}";
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
        Value = total == 0 ? 0 : 100 * ((_avgGain - _avgLoss) / total);
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
        IndicatorBatch.Run(new Cmo(period), input, output);
}
