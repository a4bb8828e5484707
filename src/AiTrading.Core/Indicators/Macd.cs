namespace AiTrading.Core.Indicators;

/// <summary>
/// Moving average convergence/divergence, as TA-Lib's MACD: <c>macd = EMA(fast) − EMA(slow)</c> of the input,
/// <c>signal = EMA(signalPeriod)</c> of the MACD line and <c>histogram = macd − signal</c>; every EMA uses
/// <c>k = 2/(period+1)</c> and is seeded with an SMA (<see cref="Ema"/>). As in TA-Lib, the two EMAs start aligned:
/// the slow one is seeded with the mean of the first <c>slowPeriod</c> inputs and the fast one with the mean of the
/// <c>fastPeriod</c> inputs ending at that same input (it ignores the <c>slowPeriod − fastPeriod</c> earliest
/// inputs), so the MACD line starts on input <c>slowPeriod</c>. The signal EMA is seeded with the mean of the first
/// <c>signalPeriod</c> MACD values, and all three lines appear together, on input
/// <c>slowPeriod + signalPeriod − 1</c>, as TA-Lib emits them. <see cref="Indicator.Value"/> is the MACD line.
/// TA-Lib silently swaps a fast period longer than the slow one; that is refused here (equal periods give 0).
/// </summary>
public sealed class Macd : SeriesIndicator
{
    private static readonly string[] Names = ["macd", "signal", "histogram"];
    private readonly Ema _fast;
    private readonly Ema _slow;
    private readonly Ema _signal;

    public Macd(int fastPeriod = 12, int slowPeriod = 26, int signalPeriod = 9)
        : base(NameOf(fastPeriod, slowPeriod, signalPeriod), slowPeriod + signalPeriod - 1)
    {
        FastPeriod = fastPeriod;
        SlowPeriod = slowPeriod;
        SignalPeriod = signalPeriod;
        _fast = new Ema(fastPeriod);
        _slow = new Ema(slowPeriod);
        _signal = new Ema(signalPeriod);
    }

    private static string NameOf(int fastPeriod, int slowPeriod, int signalPeriod)
    {
        RequirePeriod(fastPeriod, nameof(fastPeriod));
        RequirePeriod(slowPeriod, nameof(slowPeriod));
        RequirePeriod(signalPeriod, nameof(signalPeriod));
        if (slowPeriod < fastPeriod)
            throw new ArgumentOutOfRangeException(nameof(slowPeriod), slowPeriod, $"the slow period must not be shorter than the fast period ({fastPeriod})");
        return $"MACD_{fastPeriod}_{slowPeriod}_{signalPeriod}";
    }

    public int FastPeriod { get; }
    public int SlowPeriod { get; }
    public int SignalPeriod { get; }

    public double Signal { get; private set; } = double.NaN;
    public double Histogram { get; private set; } = double.NaN;

    public override IReadOnlyList<string> OutputNames => Names;

    public override double Output(int index) => index switch
    {
        1 => Signal,
        2 => Histogram,
        _ => base.Output(index),
    };

    protected override double Step(double value)
    {
        _slow.Update(value);
        // The fast EMA sees only the inputs from slowPeriod−fastPeriod+1 on, so that both are seeded on the same input.
        if (Samples > SlowPeriod - FastPeriod) _fast.Update(value);
        if (!_slow.IsReady) return double.NaN;
        var macd = _fast.Value - _slow.Value;
        _signal.Update(macd);
        if (!_signal.IsReady) return double.NaN;
        Signal = _signal.Value;
        Histogram = macd - Signal;
        return macd;
    }

    protected override void OnReset()
    {
        _fast.Reset();
        _slow.Reset();
        _signal.Reset();
        Signal = double.NaN;
        Histogram = double.NaN;
    }

    /// <summary>The three lines of <paramref name="input"/>, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> input, Span<double> macd, Span<double> signal, Span<double> histogram,
        int fastPeriod, int slowPeriod, int signalPeriod)
    {
        var indicator = new Macd(fastPeriod, slowPeriod, signalPeriod);
        RequireOutput(input.Length, macd.Length);
        RequireOutput(input.Length, signal.Length);
        RequireOutput(input.Length, histogram.Length);
        for (var i = 0; i < input.Length; i++)
        {
            indicator.Update(input[i]);
            macd[i] = indicator.Value;
            signal[i] = indicator.Signal;
            histogram[i] = indicator.Histogram;
        }
    }
}
