namespace AiTrading.Core.Indicators;

/// <summary>
/// The slow stochastic oscillator, as TA-Lib's STOCH with SMA smoothing: the fast %K
/// <c>100·(close − lowest low)/(highest high − lowest low)</c> over the last <c>fastKPeriod</c> bars (the current one
/// included), the slow %K = SMA(slowKPeriod) of the fast %K and %D = SMA(slowDPeriod) of the slow %K. As TA-Lib
/// emits them, both lines first appear together, on bar <c>fastKPeriod + slowKPeriod + slowDPeriod − 2</c>.
/// When the range is zero (flat prices) the fast %K is 0, as in TA-Lib (an exact test, so scale-free).
/// <see cref="Indicator.Value"/> is the slow %K. Never NaN once ready. The extremes come from monotonic queues:
/// amortized O(1) per update, no allocation.
/// </summary>
public sealed class Stochastic : BarIndicator
{
    private static readonly string[] Names = ["k", "d"];
    private readonly WindowRange _range;
    private readonly Sma _slowK;
    private readonly Sma _slowD;

    public Stochastic(int fastKPeriod = 14, int slowKPeriod = 3, int slowDPeriod = 3)
        : base($"STOCHK_{RequirePeriod(fastKPeriod, nameof(fastKPeriod))}_{RequirePeriod(slowKPeriod, nameof(slowKPeriod))}_{RequirePeriod(slowDPeriod, nameof(slowDPeriod))}",
            fastKPeriod + slowKPeriod + slowDPeriod - 2)
    {
        FastKPeriod = fastKPeriod;
        SlowKPeriod = slowKPeriod;
        SlowDPeriod = slowDPeriod;
        _range = new WindowRange(fastKPeriod);
        _slowK = new Sma(slowKPeriod);
        _slowD = new Sma(slowDPeriod);
    }

    public int FastKPeriod { get; }
    public int SlowKPeriod { get; }
    public int SlowDPeriod { get; }

    public double D { get; private set; } = double.NaN;

    public override IReadOnlyList<string> OutputNames => Names;

    public override double Output(int index) => index == 1 ? D : base.Output(index);

    protected override double Step(double high, double low, double close)
    {
        var (highest, lowest) = _range.Add(high, low);
        if (_range.Count < FastKPeriod) return double.NaN;
        _slowK.Update(FastK(close, highest, lowest));
        if (!_slowK.IsReady) return double.NaN;
        _slowD.Update(_slowK.Value);
        if (!_slowD.IsReady) return double.NaN;
        D = _slowD.Value;
        return _slowK.Value;
    }

    /// <summary>Raw %K: where the close sits in the range, 0..100; 0 when the range is empty (TA-Lib's convention).</summary>
    internal static double FastK(double close, double highest, double lowest)
    {
        var range = (highest - lowest) / 100.0;
        return range != 0 ? (close - lowest) / range : 0;
    }

    protected override void OnReset()
    {
        _range.Reset();
        _slowK.Reset();
        _slowD.Reset();
        D = double.NaN;
    }

    /// <summary>%K and %D of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> k, Span<double> d, int fastKPeriod, int slowKPeriod, int slowDPeriod)
    {
        var indicator = new Stochastic(fastKPeriod, slowKPeriod, slowDPeriod);
        RequireBar(high.Length, low.Length, close.Length);
        RequireOutput(close.Length, k.Length);
        RequireOutput(close.Length, d.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            k[i] = indicator.Value;
            d[i] = indicator.D;
        }
    }
}
