namespace AiTrading.Core.Indicators;

/// <summary>
/// Aroon up, down and oscillator, as TA-Lib's AROON and AROONOSC. Over the last <c>period+1</c> bars (the current
/// one included), <c>up = 100·(period − bars since the highest high)/period</c> and
/// <c>down = 100·(period − bars since the lowest low)/period</c>, in [0, 100]; the oscillator is <c>up − down</c>,
/// computed as TA-Lib does, <c>(100/period)·(bar of the highest − bar of the lowest)</c>. First values on bar
/// <c>period+1</c>. On ties the most recent bar holding the extreme counts, as in TA-Lib (it compares with
/// <c>&gt;=</c> and <c>&lt;=</c>). Flat prices give up = down = 100 and an oscillator of 0. The close is checked but
/// not used. <see cref="IIndicator.Value"/> is the oscillator. The extremes come from monotonic queues: amortized
/// O(1) per update, no allocation.
/// </summary>
public sealed class Aroon : IBarIndicator, IIndicatorOutputs
{
    private static readonly string[] Names = ["oscillator", "up", "down"];

    private readonly WindowExtreme _highest;
    private readonly WindowExtreme _lowest;
    private readonly double _factor;
    private long _samples;

    public Aroon(int period = 14)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _highest = new WindowExtreme(period + 1, highest: true);
        _lowest = new WindowExtreme(period + 1, highest: false);
        _factor = 100.0 / period;
        Name = $"AROONOSC_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period + 1;
    public bool IsReady => _samples > Period;

    /// <summary>The Aroon oscillator, up − down, in [−100, 100].</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Aroon up: 100 on the bar of a new highest high, falling by 100/period a bar after it.</summary>
    public double Up { get; private set; } = double.NaN;

    /// <summary>Aroon down: 100 on the bar of a new lowest low, falling by 100/period a bar after it.</summary>
    public double Down { get; private set; } = double.NaN;

    public IReadOnlyList<string> OutputNames => Names;

    public double Output(int index) => index switch
    {
        0 => Value,
        1 => Up,
        2 => Down,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Names.Length} outputs"),
    };

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        var today = _samples++;
        _highest.Add(today, high);
        _lowest.Add(today, low);
        if (today < Period) return;

        var highestBar = _highest.Position;
        var lowestBar = _lowest.Position;
        Up = _factor * (Period - (today - highestBar));
        Down = _factor * (Period - (today - lowestBar));
        Value = _factor * (highestBar - lowestBar);
    }

    public void Reset()
    {
        _samples = 0;
        _highest.Reset();
        _lowest.Reset();
        Value = Up = Down = double.NaN;
    }

    /// <summary>The oscillator, up and down lines of the bars, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        Span<double> oscillator, Span<double> up, Span<double> down, int period)
    {
        var indicator = new Aroon(period);
        if (high.Length != close.Length || low.Length != close.Length)
            throw new ArgumentException($"high ({high.Length}), low ({low.Length}) and close ({close.Length}) must have the same length", nameof(close));
        IndicatorBatch.RequireOutput(close.Length, oscillator.Length);
        IndicatorBatch.RequireOutput(close.Length, up.Length);
        IndicatorBatch.RequireOutput(close.Length, down.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            oscillator[i] = indicator.Value;
            up[i] = indicator.Up;
            down[i] = indicator.Down;
        }
    }
}
