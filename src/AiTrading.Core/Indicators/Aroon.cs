namespace AiTrading.Core.Indicators;

/// <summary>
/// Aroon up, down and oscillator, as TA-Lib's AROON and AROONOSC. Over the last <c>period+1</c> bars (the current
/// one included), <c>up = 100·(period − bars since the highest high)/period</c> and
/// <c>down = 100·(period − bars since the lowest low)/period</c>, in [0, 100]; the oscillator is <c>up − down</c>,
/// computed as TA-Lib does, <c>(100/period)·(bar of the highest − bar of the lowest)</c>. First values on bar
/// <c>period+1</c>. On ties the most recent bar holding the extreme counts, as in TA-Lib (it compares with
/// <c>&gt;=</c> and <c>&lt;=</c>). Flat prices give up = down = 100 and an oscillator of 0. The close is checked but
/// not used. <see cref="Indicator.Value"/> is the oscillator. The extremes come from monotonic queues: amortized
/// O(1) per update, no allocation.
/// </summary>
public sealed class Aroon : BarIndicator
{
    private static readonly string[] Names = ["oscillator", "up", "down"];
    private readonly WindowExtreme _highest;
    private readonly WindowExtreme _lowest;
    private readonly double _factor;

    public Aroon(int period = 14) : base($"AROONOSC_{RequirePeriod(period)}", period + 1)
    {
        Period = period;
        _highest = new WindowExtreme(period + 1, highest: true);
        _lowest = new WindowExtreme(period + 1, highest: false);
        _factor = 100.0 / period;
    }

    public int Period { get; }

    public double Up { get; private set; } = double.NaN;
    public double Down { get; private set; } = double.NaN;

    public override IReadOnlyList<string> OutputNames => Names;

    public override double Output(int index) => index switch
    {
        1 => Up,
        2 => Down,
        _ => base.Output(index),
    };

    protected override double Step(double high, double low, double close)
    {
        var today = Samples - 1;
        _highest.Add(today, high);
        _lowest.Add(today, low);
        if (today < Period) return double.NaN;
        var highestBar = _highest.Position;
        var lowestBar = _lowest.Position;
        Up = _factor * (Period - (today - highestBar));
        Down = _factor * (Period - (today - lowestBar));
        return _factor * (highestBar - lowestBar);
    }

    protected override void OnReset()
    {
        _highest.Reset();
        _lowest.Reset();
        Up = Down = double.NaN;
    }

    /// <summary>The oscillator, Aroon up and Aroon down of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> oscillator, Span<double> up, Span<double> down, int period)
    {
        var indicator = new Aroon(period);
        RequireBar(high.Length, low.Length, close.Length);
        RequireOutput(close.Length, oscillator.Length);
        RequireOutput(close.Length, up.Length);
        RequireOutput(close.Length, down.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            oscillator[i] = indicator.Value;
            up[i] = indicator.Up;
            down[i] = indicator.Down;
        }
    }
}
