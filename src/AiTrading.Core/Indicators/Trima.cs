namespace AiTrading.Core.Indicators;

/// <summary>
/// Triangular moving average, as TA-Lib's TRIMA: weights rising 1, 2, … to the middle of the window and falling
/// back to 1, which is an SMA of an SMA: of lengths <c>(period+1)/2</c> twice for an odd period, and
/// <c>period/2</c> then <c>period/2+1</c> for an even one. First value on the <c>period</c>-th input; O(1) per update.
/// </summary>
public sealed class Trima : ISeriesIndicator
{
    private readonly Sma _inner;
    private readonly Sma _outer;

    public Trima(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        var innerLength = period % 2 == 1 ? (period + 1) / 2 : period / 2;
        _inner = new Sma(innerLength);
        _outer = new Sma(period + 1 - innerLength);
        Name = $"TRIMA_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period;
    public bool IsReady => _outer.IsReady;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        _inner.Update(value);
        if (!_inner.IsReady) return;
        _outer.Update(_inner.Value);
        if (_outer.IsReady) Value = _outer.Value;
    }

    public void Reset()
    {
        _inner.Reset();
        _outer.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Trima(period), input, output);
}
