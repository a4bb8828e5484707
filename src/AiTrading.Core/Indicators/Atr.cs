namespace AiTrading.Core.Indicators;

/// <summary>
/// Average true range with Wilder smoothing, as TA-Lib's ATR. The true range needs the previous close, so it
/// starts on the second bar; the first ATR (on input <c>period+1</c>) is the plain mean of the first
/// <c>period</c> true ranges, later ones <c>atr = (atr·(period−1) + tr)/period</c>.
/// </summary>
public sealed class Atr : IBarIndicator
{
    private int _samples;
    private double _previousClose;
    private double _seedSum;

    public Atr(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        Name = $"ATR_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period + 1;
    public bool IsReady => _samples > Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        _samples++;
        var previousClose = _previousClose;
        _previousClose = close;
        if (_samples == 1) return;

        var trueRange = TrueRange(high, low, previousClose);
        if (_samples <= Period)
        {
            _seedSum += trueRange;
        }
        else if (_samples == Period + 1)
        {
            _seedSum += trueRange;
            Value = _seedSum / Period;
        }
        else
        {
            Value = (Value * (Period - 1) + trueRange) / Period;
        }
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

    public void Reset()
    {
        _samples = 0;
        _previousClose = 0;
        _seedSum = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output, int period) =>
        IndicatorBatch.Run(new Atr(period), high, low, close, output);
}
