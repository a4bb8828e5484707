namespace AiTrading.Core.Indicators;

/// <summary>
/// Kaufman adaptive moving average, as TA-Lib's KAMA (fast 2, slow 30, fixed): the efficiency ratio
/// <c>ER = |x − x[period ago]| / Σ|Δx|</c> over the last <c>period</c> changes sets the smoothing
/// <c>sc = (ER·(2/3 − 2/31) + 2/31)²</c>, and <c>kama += sc·(x − kama)</c>, starting from the previous input.
/// First value on input <c>period+1</c>. When the changes sum to zero (flat prices) ER is 1, as in TA-Lib (which
/// compares with a small fixed epsilon; this tests for zero, so the value does not depend on the price scale).
/// O(1) per update: a running sum of the absolute changes over a ring buffer.
/// </summary>
public sealed class Kama : ISeriesIndicator
{
    private const double Slowest = 2.0 / (30.0 + 1.0);
    private const double Range = 2.0 / (2.0 + 1.0) - Slowest;

    private readonly RollingWindow _window;
    private double _previous;
    private double _trailing; // the value period+1 inputs ago, whose change leaves the sum next
    private double _changeSum;

    public Kama(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        Name = $"KAMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period + 1;
    public bool IsReady => _window.Count > Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        var periodAgo = _window.Push(value); // the value period inputs ago, once there are that many
        var previous = _previous;
        _previous = value;
        if (_window.Count == 1) return;

        if (_window.Count <= Period + 1)
        {
            _changeSum += Math.Abs(previous - value);
            if (_window.Count <= Period) return;
            Value = previous; // TA-Lib starts from the input before the first value
        }
        else
        {
            _changeSum -= Math.Abs(_trailing - periodAgo);
            _changeSum += Math.Abs(value - previous);
        }
        _trailing = periodAgo;

        var direction = value - periodAgo;
        var efficiency = _changeSum <= direction || _changeSum == 0 ? 1.0 : Math.Abs(direction / _changeSum);
        var smoothing = efficiency * Range + Slowest;
        smoothing *= smoothing;
        Value = (value - Value) * smoothing + Value;
    }

    public void Reset()
    {
        _window.Reset();
        _previous = 0;
        _trailing = 0;
        _changeSum = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Kama(period), input, output);
}
