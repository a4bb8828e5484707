namespace AiTrading.Core.Indicators;

/// <summary>
/// Donchian channels: <c>upper</c> = the highest high and <c>lower</c> = the lowest low of the last <c>period</c>
/// bars, the current one included (TA-Lib's MAX of the highs and MIN of the lows), and <c>middle = (upper + lower)/2</c>;
/// first values on the <c>period</c>-th bar. TA-Lib has no Donchian function. Flat prices give three equal lines.
/// The close is checked but not used. <see cref="Indicator.Value"/> is the middle line. The extremes come from
/// monotonic queues: amortized O(1) per update, no allocation.
/// </summary>
public sealed class DonchianChannels : BarIndicator
{
    private static readonly string[] Names = ["upper", "middle", "lower"];
    private readonly WindowRange _range;

    public DonchianChannels(int period = 20) : base($"DC_{RequirePeriod(period)}", period)
    {
        Period = period;
        _range = new WindowRange(period);
    }

    public int Period { get; }

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
        var (highest, lowest) = _range.Add(high, low);
        if (Samples < Period) return double.NaN;
        Upper = highest;
        Lower = lowest;
        return (highest + lowest) / 2;
    }

    protected override void OnReset()
    {
        _range.Reset();
        Upper = Lower = double.NaN;
    }

    /// <summary>The three channel lines of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> upper, Span<double> middle, Span<double> lower, int period)
    {
        var indicator = new DonchianChannels(period);
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
