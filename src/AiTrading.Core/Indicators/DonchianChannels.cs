namespace AiTrading.Core.Indicators;

/// <summary>
/// Donchian channels: <c>upper</c> = the highest high and <c>lower</c> = the lowest low of the last <c>period</c>
/// bars, the current one included (TA-Lib's MAX of the highs and MIN of the lows), and <c>middle = (upper + lower)/2</c>;
/// first values on the <c>period</c>-th bar. TA-Lib has no Donchian function. Flat prices give three equal lines.
/// The close is checked but not used. <see cref="IIndicator.Value"/> is the middle line. The extremes come from
/// monotonic queues: amortized O(1) per update, no allocation.
/// </summary>
public sealed class DonchianChannels : IBarIndicator, IIndicatorOutputs
{
    private static readonly string[] Names = ["upper", "middle", "lower"];

    private readonly WindowRange _range;

    public DonchianChannels(int period = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _range = new WindowRange(period);
        Name = $"DC_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period;
    public bool IsReady => _range.Count >= Period;

    /// <summary>The middle line, (upper + lower)/2.</summary>
    public double Value => Middle;

    /// <summary>The highest high of the window.</summary>
    public double Upper { get; private set; } = double.NaN;

    public double Middle { get; private set; } = double.NaN;

    /// <summary>The lowest low of the window.</summary>
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
        var (highest, lowest) = _range.Add(high, low);
        if (_range.Count < Period) return;
        Upper = highest;
        Lower = lowest;
        Middle = (highest + lowest) / 2;
    }

    public void Reset()
    {
        _range.Reset();
        Upper = Middle = Lower = double.NaN;
    }

    /// <summary>The three lines of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> upper, Span<double> middle, Span<double> lower, int period)
    {
        var indicator = new DonchianChannels(period);
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
