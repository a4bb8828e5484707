namespace AiTrading.Core.Indicators;

/// <summary>
/// Normalized average true range, as TA-Lib's NATR: <c>ATR/close·100</c> with Wilder's <see cref="Atr"/>, first
/// value on input <c>period+1</c>. A zero close gives 0, as in TA-Lib (which tests against a small fixed epsilon;
/// this tests for exactly zero, so the value does not depend on the price scale). Never NaN once ready.
/// </summary>
public sealed class Natr : IBarIndicator
{
    private readonly Atr _atr;

    public Natr(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        _atr = new Atr(period);
        Period = period;
        Name = $"NATR_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => _atr.WarmUpPeriod;
    public bool IsReady => _atr.IsReady;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        _atr.Update(high, low, close);
        if (!_atr.IsReady) return;
        Value = close != 0 ? _atr.Value / close * 100.0 : 0;
    }

    public void Reset()
    {
        _atr.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output, int period) =>
        IndicatorBatch.Run(new Natr(period), high, low, close, output);
}
