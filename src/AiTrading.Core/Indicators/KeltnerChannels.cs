using System.Globalization;

namespace AiTrading.Core.Indicators;

/// <summary>
/// Keltner channels: <c>middle = EMA(period)</c> of the close (TA-Lib's EMA, seeded with an SMA; <see cref="Ema"/>),
/// <c>upper/lower = middle ± multiplier·ATR(atrPeriod)</c> (TA-Lib's Wilder ATR; <see cref="Atr"/>). The lines
/// appear together once both averages are ready, on bar <c>max(period, atrPeriod + 1)</c>. TA-Lib has no Keltner
/// function. Flat prices give three equal lines (a zero ATR). <see cref="Indicator.Value"/> is the middle line.
/// </summary>
public sealed class KeltnerChannels : BarIndicator
{
    private static readonly string[] Names = ["upper", "middle", "lower"];
    private readonly Ema _ema;
    private readonly Atr _atr;

    public KeltnerChannels(int period = 20, double multiplier = 2, int atrPeriod = 10)
        : base(NameOf(period, multiplier, atrPeriod), Math.Max(period, atrPeriod + 1))
    {
        Period = period;
        Multiplier = multiplier;
        AtrPeriod = atrPeriod;
        _ema = new Ema(period);
        _atr = new Atr(atrPeriod);
    }

    private static string NameOf(int period, double multiplier, int atrPeriod)
    {
        RequirePeriod(period);
        if (!double.IsFinite(multiplier) || multiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "the ATR multiplier must be a positive finite number");
        RequirePeriod(atrPeriod, nameof(atrPeriod));
        return $"KC_{period}_{multiplier.ToString(CultureInfo.InvariantCulture)}_{atrPeriod}";
    }

    public int Period { get; }
    public double Multiplier { get; }
    public int AtrPeriod { get; }

    public double Upper { get; private set; } = double.NaN;
    public double Middle => Value;
    public double Lower { get; private set; } = double.NaN;

    public override IReadOnlyList<string> OutputNames => Names;

    public override double Output(int index) => index switch
    {
        0 => Upper,
        1 => Middle,
        2 => Lower,
        _ => base.Output(index),
    };

    protected override double Step(double high, double low, double close)
    {
        _ema.Update(close);
        _atr.Update(high, low, close);
        if (!IsReady) return double.NaN;
        var middle = _ema.Value;
        var band = Multiplier * _atr.Value;
        Upper = middle + band;
        Lower = middle - band;
        return middle;
    }

    protected override void OnReset()
    {
        _ema.Reset();
        _atr.Reset();
        Upper = Lower = double.NaN;
    }

    /// <summary>The three channel lines of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> upper, Span<double> middle, Span<double> lower, int period, double multiplier, int atrPeriod)
    {
        var indicator = new KeltnerChannels(period, multiplier, atrPeriod);
        RequireBar(high.Length, low.Length, close.Length);
        RequireOutput(close.Length, upper.Length);
        RequireOutput(close.Length, middle.Length);
        RequireOutput(close.Length, lower.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            upper[i] = indicator.Upper;
            middle[i] = indicator.Middle;
            lower[i] = indicator.Lower;
        }
    }
}
