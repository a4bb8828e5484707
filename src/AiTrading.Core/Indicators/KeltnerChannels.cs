using System.Globalization;

namespace AiTrading.Core.Indicators;

/// <summary>
/// Keltner channels: <c>middle = EMA(period)</c> of the close (TA-Lib's EMA, seeded with an SMA; <see cref="Ema"/>),
/// <c>upper/lower = middle ± multiplier·ATR(atrPeriod)</c> (TA-Lib's Wilder ATR; <see cref="Atr"/>). The lines
/// appear together once both averages are ready, on bar <c>max(period, atrPeriod + 1)</c>. TA-Lib has no Keltner
/// function. Flat prices give three equal lines (a zero ATR). <see cref="IIndicator.Value"/> is the middle line.
/// </summary>
public sealed class KeltnerChannels : IBarIndicator, IIndicatorOutputs
{
    private static readonly string[] Names = ["upper", "middle", "lower"];

    private readonly Ema _ema;
    private readonly Atr _atr;

    public KeltnerChannels(int period = 20, double multiplier = 2, int atrPeriod = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        if (!double.IsFinite(multiplier) || multiplier <= 0)
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "the ATR multiplier must be a positive finite number");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(atrPeriod);
        Period = period;
        Multiplier = multiplier;
        AtrPeriod = atrPeriod;
        _ema = new Ema(period);
        _atr = new Atr(atrPeriod);
        Name = $"KC_{period}_{multiplier.ToString(CultureInfo.InvariantCulture)}_{atrPeriod}";
    }

    public int Period { get; }
    public double Multiplier { get; }
    public int AtrPeriod { get; }
    public string Name { get; }
    public int WarmUpPeriod => Math.Max(Period, AtrPeriod + 1);
    public bool IsReady => _ema.IsReady && _atr.IsReady;

    /// <summary>The middle line, EMA(period) of the close.</summary>
    public double Value => Middle;

    public double Upper { get; private set; } = double.NaN;
    public double Middle { get; private set; } = double.NaN;
    public double Lower { get; private set; } = double.NaN;

    public IReadOnlyList<string> OutputNames => Names;

    public double Output(int index) => index switch
    {
        0 => Upper,
        1 => Middle,
        2 => Lower,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Names.Length} outputs"),
    };

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        _ema.Update(close);
        _atr.Update(high, low, close);
        if (!IsReady) return;
        var middle = _ema.Value;
        var band = Multiplier * _atr.Value;
        Middle = middle;
        Upper = middle + band;
        Lower = middle - band;
    }

    public void Reset()
    {
        _ema.Reset();
        _atr.Reset();
        Upper = Middle = Lower = double.NaN;
    }

    /// <summary>The three lines of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> upper, Span<double> middle, Span<double> lower, int period, double multiplier, int atrPeriod)
    {
        var indicator = new KeltnerChannels(period, multiplier, atrPeriod);
        if (high.Length != close.Length || low.Length != close.Length)
            throw new ArgumentException($"high ({high.Length}), low ({low.Length}) and close ({close.Length}) must have the same length", nameof(close));
        IndicatorBatch.RequireOutput(close.Length, upper.Length);
        IndicatorBatch.RequireOutput(close.Length, middle.Length);
        IndicatorBatch.RequireOutput(close.Length, lower.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            upper[i] = indicator.Upper;
            middle[i] = indicator.Middle;
            lower[i] = indicator.Lower;
        }
    }
}
