namespace AiTrading.Core.Indicators;

/// <summary>
/// The slow stochastic oscillator, as TA-Lib's STOCH with SMA smoothing: the fast %K
/// <c>100·(close − lowest low)/(highest high − lowest low)</c> over the last <c>fastKPeriod</c> bars (the current one
/// included), the slow %K = SMA(slowKPeriod) of the fast %K and %D = SMA(slowDPeriod) of the slow %K. As TA-Lib
/// emits them, both lines first appear together, on bar <c>fastKPeriod + slowKPeriod + slowDPeriod − 2</c>.
/// When the range is zero (flat prices) the fast %K is 0, as in TA-Lib (an exact test, so scale-free).
/// <see cref="IIndicator.Value"/> is the slow %K. Never NaN once ready. The extremes come from monotonic queues:
/// amortized O(1) per update, no allocation.
/// </summary>
public sealed class Stochastic : IBarIndicator, IIndicatorOutputs
{
    private static readonly string[] Names = ["k", "d"];

    private readonly WindowRange _range;
    private readonly Sma _slowK;
    private readonly Sma _slowD;

    public Stochastic(int fastKPeriod = 14, int slowKPeriod = 3, int slowDPeriod = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fastKPeriod);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slowKPeriod);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slowDPeriod);
        FastKPeriod = fastKPeriod;
        SlowKPeriod = slowKPeriod;
        SlowDPeriod = slowDPeriod;
        _range = new WindowRange(fastKPeriod);
        _slowK = new Sma(slowKPeriod);
        _slowD = new Sma(slowDPeriod);
        Name = $"STOCHK_{fastKPeriod}_{slowKPeriod}_{slowDPeriod}";
    }

    public int FastKPeriod { get; }
    public int SlowKPeriod { get; }
    public int SlowDPeriod { get; }
    public string Name { get; }
    public int WarmUpPeriod => FastKPeriod + SlowKPeriod + SlowDPeriod - 2;
    public bool IsReady => _slowD.IsReady;

    /// <summary>The slow %K: SMA(slowKPeriod) of the fast %K.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>%D: SMA(slowDPeriod) of the slow %K.</summary>
    public double D { get; private set; } = double.NaN;

    public IReadOnlyList<string> OutputNames => Names;

    public double Output(int index) => index switch
    {
        0 => Value,
        1 => D,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Names.Length} outputs"),
    };

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        var (highest, lowest) = _range.Add(high, low);
        if (_range.Count < FastKPeriod) return;

        _slowK.Update(FastK(close, highest, lowest));
        if (!_slowK.IsReady) return;
        _slowD.Update(_slowK.Value);
        if (!_slowD.IsReady) return;
        Value = _slowK.Value;
        D = _slowD.Value;
    }

    /// <summary>TA-Lib's fast %K: <c>(close − lowest)/((highest − lowest)/100)</c>, 0 for a zero range.</summary>
    internal static double FastK(double close, double highest, double lowest)
    {
        var range = (highest - lowest) / 100.0;
        return range != 0 ? (close - lowest) / range : 0;
    }

    public void Reset()
    {
        _range.Reset();
        _slowK.Reset();
        _slowD.Reset();
        Value = double.NaN;
        D = double.NaN;
    }

    /// <summary>The slow %K and %D of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> k, Span<double> d, int fastKPeriod, int slowKPeriod, int slowDPeriod)
    {
        var indicator = new Stochastic(fastKPeriod, slowKPeriod, slowDPeriod);
        if (high.Length != close.Length || low.Length != close.Length)
            throw new ArgumentException($"high ({high.Length}), low ({low.Length}) and close ({close.Length}) must have the same length", nameof(close));
        IndicatorBatch.RequireOutput(close.Length, k.Length);
        IndicatorBatch.RequireOutput(close.Length, d.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            k[i] = indicator.Value;
            d[i] = indicator.D;
        }
    }
}
