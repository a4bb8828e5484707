namespace AiTrading.Core.Indicators;

/// <summary>
/// Normalized average true range, as TA-Lib's NATR: <c>ATR/close·100</c> with Wilder's <see cref="Atr"/>, first
/// value on input <c>period+1</c>. A zero close gives 0, as in TA-Lib (which tests against a small fixed epsilon;
/// this tests for exactly zero, so the value does not depend on the price scale). Never NaN once ready.
/// </summary>
public sealed class Natr : BarIndicator
{
    private readonly Atr _atr;

    public Natr(int period) : base($"NATR_{RequirePeriod(period)}", period + 1)
    {
        _atr = new Atr(period);
        Period = period;
    }

    public int Period { get; }

    protected override double Step(double high, double low, double close)
    {
        _atr.Update(high, low, close);
        return close != 0 ? _atr.Value / close * 100.0 : 0;
    }

    protected override void OnReset() => _atr.Reset();
}
