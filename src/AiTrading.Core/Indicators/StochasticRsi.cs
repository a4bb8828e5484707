namespace AiTrading.Core.Indicators;

/// <summary>
/// The stochastic RSI, as TA-Lib's STOCHRSI with SMA smoothing: the fast stochastic of the <see cref="Rsi"/>
/// (rsiPeriod), <c>%K = 100·(rsi − lowest rsi)/(highest rsi − lowest rsi)</c> over the last <c>fastKPeriod</c> RSI
/// values, and <c>%D = SMA(fastDPeriod)</c> of %K. As TA-Lib emits them, both lines first appear together, on input
/// <c>rsiPeriod + fastKPeriod + fastDPeriod − 1</c>. When the RSI range is zero (flat prices) %K is 0, as in TA-Lib
/// (an exact test). <see cref="IIndicator.Value"/> is %K. Never NaN once ready; amortized O(1) per update.
/// </summary>
public sealed class StochasticRsi : ISeriesIndicator, IIndicatorOutputs
{
    private static readonly string[] Names = ["k", "d"];

    private readonly Rsi _rsi;
    private readonly WindowExtreme _highest;
    private readonly WindowExtreme _lowest;
    private readonly Sma _d;
    private long _rsiSamples;

    public StochasticRsi(int rsiPeriod = 14, int fastKPeriod = 14, int fastDPeriod = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rsiPeriod);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fastKPeriod);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fastDPeriod);
        RsiPeriod = rsiPeriod;
        FastKPeriod = fastKPeriod;
        FastDPeriod = fastDPeriod;
        _rsi = new Rsi(rsiPeriod);
        _highest = new WindowExtreme(fastKPeriod, highest: true);
        _lowest = new WindowExtreme(fastKPeriod, highest: false);
        _d = new Sma(fastDPeriod);
        Name = $"STOCHRSIK_{rsiPeriod}_{fastKPeriod}_{fastDPeriod}";
    }

    public int RsiPeriod { get; }
    public int FastKPeriod { get; }
    public int FastDPeriod { get; }
    public string Name { get; }
    public int WarmUpPeriod => RsiPeriod + FastKPeriod + FastDPeriod - 1;
    public bool IsReady => _d.IsReady;

    /// <summary>%K: the fast stochastic of the RSI.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>%D: SMA(fastDPeriod) of %K.</summary>
    public double D { get; private set; } = double.NaN;

    public IReadOnlyList<string> OutputNames => Names;

    public double Output(int index) => index switch
    {
        0 => Value,
        1 => D,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Names.Length} outputs"),
    };

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        _rsi.Update(value);
        if (!_rsi.IsReady) return;

        var rsi = _rsi.Value;
        var highest = _highest.Add(_rsiSamples, rsi);
        var lowest = _lowest.Add(_rsiSamples, rsi);
        if (++_rsiSamples < FastKPeriod) return;

        var k = Stochastic.FastK(rsi, highest, lowest);
        _d.Update(k);
        if (!_d.IsReady) return;
        Value = k;
        D = _d.Value;
    }

    public void Reset()
    {
        _rsiSamples = 0;
        _rsi.Reset();
        _highest.Reset();
        _lowest.Reset();
        _d.Reset();
        Value = double.NaN;
        D = double.NaN;
    }

    /// <summary>%K and %D of <paramref name="input"/>, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> input, Span<double> k, Span<double> d, int rsiPeriod, int fastKPeriod, int fastDPeriod)
    {
        var indicator = new StochasticRsi(rsiPeriod, fastKPeriod, fastDPeriod);
        IndicatorBatch.RequireOutput(input.Length, k.Length);
        IndicatorBatch.RequireOutput(input.Length, d.Length);
        for (var i = 0; i < input.Length; i++)
        {
            indicator.Update(input[i]);
            k[i] = indicator.Value;
            d[i] = indicator.D;
        }
    }
}
