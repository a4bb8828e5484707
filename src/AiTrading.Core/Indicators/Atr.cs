namespace AiTrading.Core.Indicators;

/// <summary>
/// Average true range with Wilder smoothing, as TA-Lib's ATR. The true range needs the previous close, so it
/// starts on the second bar; the first ATR (on input <c>period+1</c>) is the plain mean of the first
/// <c>period</c> true ranges, later ones <c>atr = (atr·(period−1) + tr)/period</c>.
/// </summary>
public sealed class Atr : BarIndicator
{
    private double _previousClose;
    private double _seedSum;

    public Atr(int period) : base($"ATR_{RequirePeriod(period)}", period + 1) => Period = period;

    public int Period { get; }

    protected override double Step(double high, double low, double close)
    {
        var previousClose = _previousClose;
        _previousClose = close;
        if (Samples == 1) return double.NaN;

        var trueRange = TrueRange(high, low, previousClose);
        if (Samples <= Period)
        {
            _seedSum += trueRange;
            return double.NaN;
        }
        if (Samples == Period + 1) return (_seedSum + trueRange) / Period;
        return (Value * (Period - 1) + trueRange) / Period;
    }

    /// <summary>TA-Lib's TRANGE: the largest of high−low, |high−previous close| and |low−previous close|.</summary>
    public static double TrueRange(double high, double low, double previousClose)
    {
        var greatest = high - low;
        var toHigh = Math.Abs(previousClose - high);
        if (toHigh > greatest) greatest = toHigh;
        var toLow = Math.Abs(previousClose - low);
        if (toLow > greatest) greatest = toLow;
        return greatest;
    }

    protected override void OnReset()
    {
        _previousClose = 0;
        _seedSum = 0;
    }
}
