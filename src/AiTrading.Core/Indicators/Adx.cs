namespace AiTrading.Core.Indicators;

/// <summary>
/// Wilder's average directional index with its +DI and −DI lines, as TA-Lib's ADX, PLUS_DI and MINUS_DI.
/// From the second bar, <c>+DM = high − previous high</c> when it is positive and larger than
/// <c>−DM = previous low − low</c> (else 0), and the reverse for −DM; TR is the true range. The smoothed sums start as
/// the plain sums of the first <c>period−1</c> bars' values (bars 2 to <c>period</c>); from bar <c>period+1</c> on,
/// <c>s = s − s/period + x</c> (TA-Lib's seeding, which sums one bar fewer than the period).
/// <c>±DI = 100·(±DM sum / TR sum)</c>, first on bar <c>period+1</c> (index <c>period</c>), and
/// <c>DX = 100·|−DI − +DI| / (−DI + +DI)</c>. The first ADX (index <c>2·period−1</c>) is the mean of the first
/// <c>period</c> DX values, later ones <c>adx = (adx·(period−1) + dx)/period</c>.
/// Zero cases as in TA-Lib: a zero TR sum gives ±DI = 0 and no DX; a DX with a zero DI sum is skipped — it adds
/// nothing to the first mean and leaves a later ADX unchanged. TA-Lib tests these with a fixed epsilon (1e-14);
/// this tests for exactly zero, so the values do not depend on the price scale. For period 1 TA-Lib's PLUS_DI and
/// MINUS_DI forget the factor 100; here ±DI are percentages for every period. Never NaN once ready.
/// <see cref="Indicator.Value"/> is the ADX.
/// </summary>
public sealed class Adx : BarIndicator
{
    private static readonly string[] Names = ["adx", "plusDi", "minusDi"];
    private double _previousHigh;
    private double _previousLow;
    private double _previousClose;
    private double _plusDm;   // smoothed +DM (the plain sum while seeding)
    private double _minusDm;  // smoothed −DM
    private double _trueRange; // smoothed TR
    private double _dxSum;

    public Adx(int period = 14) : base($"ADX_{RequirePeriod(period)}", 2 * period) => Period = period;

    public int Period { get; }

    /// <summary>+DI, from input <c>period+1</c> on.</summary>
    public double PlusDi { get; private set; } = double.NaN;

    /// <summary>−DI, from input <c>period+1</c> on.</summary>
    public double MinusDi { get; private set; } = double.NaN;

    public override IReadOnlyList<string> OutputNames => Names;

    public override double Output(int index) => index switch
    {
        1 => PlusDi,
        2 => MinusDi,
        _ => base.Output(index),
    };

    protected override double Step(double high, double low, double close)
    {
        var upMove = high - _previousHigh;
        var downMove = _previousLow - low;
        var previousClose = _previousClose;
        _previousHigh = high;
        _previousLow = low;
        _previousClose = close;
        if (Samples == 1) return double.NaN;

        double plusDm = 0, minusDm = 0;
        if (downMove > 0 && upMove < downMove) minusDm = downMove;
        else if (upMove > 0 && upMove > downMove) plusDm = upMove;
        var trueRange = Atr.TrueRange(high, low, previousClose);
        if (Samples <= Period)
        {
            _plusDm += plusDm;
            _minusDm += minusDm;
            _trueRange += trueRange;
            return double.NaN;
        }

        _minusDm -= _minusDm / Period;
        _plusDm -= _plusDm / Period;
        _minusDm += minusDm;
        _plusDm += plusDm;
        _trueRange = _trueRange - _trueRange / Period + trueRange;
        if (_trueRange == 0)
        {
            PlusDi = 0;
            MinusDi = 0;
        }
        else
        {
            MinusDi = 100.0 * (_minusDm / _trueRange);
            PlusDi = 100.0 * (_plusDm / _trueRange);
        }
        var diSum = MinusDi + PlusDi;
        var hasDx = diSum != 0;
        var dx = hasDx ? 100.0 * (Math.Abs(MinusDi - PlusDi) / diSum) : 0;
        if (Samples <= 2 * Period)
        {
            if (hasDx) _dxSum += dx;
            return _dxSum / Period; // discarded before input 2·period
        }
        return hasDx ? (Value * (Period - 1) + dx) / Period : Value;
    }

    protected override void OnReset()
    {
        _previousHigh = 0;
        _previousLow = 0;
        _previousClose = 0;
        _plusDm = 0;
        _minusDm = 0;
        _trueRange = 0;
        _dxSum = 0;
        PlusDi = double.NaN;
        MinusDi = double.NaN;
    }

    /// <summary>ADX, +DI and −DI of the bars, each NaN during its own warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> adx, Span<double> plusDi, Span<double> minusDi, int period)
    {
        var indicator = new Adx(period);
        RequireBar(high.Length, low.Length, close.Length);
        RequireOutput(close.Length, adx.Length);
        RequireOutput(close.Length, plusDi.Length);
        RequireOutput(close.Length, minusDi.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            adx[i] = indicator.Value;
            plusDi[i] = indicator.PlusDi;
            minusDi[i] = indicator.MinusDi;
        }
    }
}
