namespace AiTrading.Core.Indicators;

/// <summary>
/// Moving average convergence/divergence, as TA-Lib's MACD: <c>macd = EMA(fast) − EMA(slow)</c> of the input,
/// <c>signal = EMA(signalPeriod)</c> of the MACD line and <c>histogram = macd − signal</c>; every EMA uses
/// <c>k = 2/(period+1)</c> and is seeded with an SMA (<see cref="Ema"/>). As in TA-Lib, the two EMAs start aligned:
/// the slow one is seeded with the mean of the first <c>slowPeriod</c> inputs and the fast one with the mean of the
/// <c>fastPeriod</c> inputs ending at that same input (it ignores the <c>slowPeriod − fastPeriod</c> earliest
/// inputs), so the MACD line starts on input <c>slowPeriod</c>. The signal EMA is seeded with the mean of the first
/// <c>signalPeriod</c> MACD values, and all three lines appear together, on input
/// <c>slowPeriod + signalPeriod − 1</c>, as TA-Lib emits them. <see cref="IIndicator.Value"/> is the MACD line.
/// TA-Lib silently swaps a fast period longer than the slow one; that is refused here (equal periods give 0).
/// </summary>
public sealed class Macd : ISeriesIndicator, IIndicatorOutputs
{
    private static readonly string[] Names = ["macd", "signal", "histogram"];

    private readonly Ema _fast;
    private readonly Ema _slow;
    private readonly Ema _signal;
    private int _samples; // capped at the slow period: it only decides when the fast EMA starts

    public Macd(int fastPeriod = 12, int slowPeriod = 26, int signalPeriod = 9)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fastPeriod);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slowPeriod);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(signalPeriod);
        if (slowPeriod < fastPeriod)
            throw new ArgumentOutOfRangeException(nameof(slowPeriod), slowPeriod, $"the slow period must not be shorter than the fast period ({fastPeriod})");
        FastPeriod = fastPeriod;
        SlowPeriod = slowPeriod;
        SignalPeriod = signalPeriod;
        _fast = new Ema(fastPeriod);
        _slow = new Ema(slowPeriod);
        _signal = new Ema(signalPeriod);
        Name = $"MACD_{fastPeriod}_{slowPeriod}_{signalPeriod}";
    }

    public int FastPeriod { get; }
    public int SlowPeriod { get; }
    public int SignalPeriod { get; }
    public string Name { get; }
    public int WarmUpPeriod => SlowPeriod + SignalPeriod - 1;
    public bool IsReady => _signal.IsReady;

    /// <summary>The MACD line, EMA(fast) − EMA(slow); NaN until all three lines are ready.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>The signal line, EMA(signalPeriod) of the MACD line.</summary>
    public double Signal { get; private set; } = double.NaN;

    /// <summary>The MACD line minus the signal line.</summary>
    public double Histogram { get; private set; } = double.NaN;

    public IReadOnlyList<string> OutputNames => Names;

    public double Output(int index) => index switch
    {
        0 => Value,
        1 => Signal,
        2 => Histogram,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Names.Length} outputs"),
    };

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        if (_samples < SlowPeriod) _samples++;
        _slow.Update(value);
        // The fast EMA sees only the inputs from slowPeriod−fastPeriod+1 on, so that both are seeded on the same input.
        if (_samples > SlowPeriod - FastPeriod) _fast.Update(value);
        if (!_slow.IsReady) return;

        var macd = _fast.Value - _slow.Value;
        _signal.Update(macd);
        if (!_signal.IsReady) return;
        Value = macd;
        Signal = _signal.Value;
        Histogram = macd - Signal;
    }

    public void Reset()
    {
        _samples = 0;
        _fast.Reset();
        _slow.Reset();
        _signal.Reset();
        Value = double.NaN;
        Signal = double.NaN;
        Histogram = double.NaN;
    }

    /// <summary>The three lines of <paramref name="input"/>, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> input, Span<double> macd, Span<double> signal, Span<double> histogram,
        int fastPeriod, int slowPeriod, int signalPeriod)
    {
        var indicator = new Macd(fastPeriod, slowPeriod, signalPeriod);
        IndicatorBatch.RequireOutput(input.Length, macd.Length);
        IndicatorBatch.RequireOutput(input.Length, signal.Length);
        IndicatorBatch.RequireOutput(input.Length, histogram.Length);
        for (var i = 0; i < input.Length; i++)
        {
            indicator.Update(input[i]);
            macd[i] = indicator.Value;
            signal[i] = indicator.Signal;
            histogram[i] = indicator.Histogram;
        }
    }
}
