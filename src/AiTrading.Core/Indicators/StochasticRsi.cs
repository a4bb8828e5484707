namespace AiTrading.Core.Indicators;

/// <summary>
/// The stochastic RSI, as TA-Lib's STOCHRSI with SMA smoothing: the fast stochastic of the <see cref="Rsi"/>
/// (rsiPeriod), <c>%K = 100·(rsi − lowest rsi)/(highest rsi − lowest rsi)</c> over the last <c>fastKPeriod</c> RSI
/// values, and <c>%D = SMA(fastDPeriod)</c> of %K. As TA-Lib emits them, both lines first appear together, on input
/// <c>rsiPeriod + fastKPeriod + fastDPeriod − 1</c>. When the RSI range is zero (flat prices) %K is 0, as in TA-Lib
/// (an exact test). <see cref="Indicator.Value"/> is %K. Never NaN once ready; amortized O(1) per update.
/// </summary>
public sealed class StochasticRsi : SeriesIndicator
{
    private static readonly string[] Names = ["k", "d"];
    private readonly Rsi _rsi;
    private readonly WindowExtreme _highest;
    private readonly WindowExtreme _lowest;
    private readonly Sma _d;
    private long _rsiSamples;

    public StochasticRsi(int rsiPeriod = 14, int fastKPeriod = 14, int fastDPeriod = 3)
        : base($"STOCHRSIK_{RequirePeriod(rsiPeriod, nameof(rsiPeriod))}_{RequirePeriod(fastKPeriod, nameof(fastKPeriod))}_{RequirePeriod(fastDPeriod, nameof(fastDPeriod))}",
            rsiPeriod + fastKPeriod + fastDPeriod - 1)
    {
        RsiPeriod = rsiPeriod;
        FastKPeriod = fastKPeriod;
        FastDPeriod = fastDPeriod;
        _rsi = new Rsi(rsiPeriod);
        _highest = new WindowExtreme(fastKPeriod, highest: true);
        _lowest = new WindowExtreme(fastKPeriod, highest: false);
        _d = new Sma(fastDPeriod);
    }

    public int RsiPeriod { get; }
    public int FastKPeriod { get; }
    public int FastDPeriod { get; }

    public double D { get; private set; } = double.NaN;

    public override IReadOnlyList<string> OutputNames => Names;

    public override double Output(int index) => index == 1 ? D : base.Output(index);

    protected override double Step(double value)
    {
        _rsi.Update(value);
        if (!_rsi.IsReady) return double.NaN;
        var rsi = _rsi.Value;
        var highest = _highest.Add(_rsiSamples, rsi);
        var lowest = _lowest.Add(_rsiSamples, rsi);
        if (++_rsiSamples < FastKPeriod) return double.NaN;
        var k = Stochastic.FastK(rsi, highest, lowest);
        _d.Update(k);
        if (!_d.IsReady) return double.NaN;
        D = _d.Value;
        return k;
    }

    protected override void OnReset()
    {
        _rsiSamples = 0;
        _rsi.Reset();
        _highest.Reset();
        _lowest.Reset();
        _d.Reset();
        D = double.NaN;
    }

    /// <summary>%K and %D of the RSI of <paramref name="input"/>, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> input, Span<double> k, Span<double> d, int rsiPeriod, int fastKPeriod, int fastDPeriod)
    {
        var indicator = new StochasticRsi(rsiPeriod, fastKPeriod, fastDPeriod);
        RequireOutput(input.Length, k.Length);
        RequireOutput(input.Length, d.Length);
        for (var i = 0; i < input.Length; i++)
        {
            indicator.Update(input[i]);
            k[i] = indicator.Value;
            d[i] = indicator.D;
        }
    }
}
