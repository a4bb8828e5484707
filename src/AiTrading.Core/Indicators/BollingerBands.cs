using System.Globalization;

namespace AiTrading.Core.Indicators;

/// <summary>
/// Bollinger bands, as TA-Lib's BBANDS with an SMA: <c>middle = SMA(period)</c> of the input,
/// <c>upper/lower = middle ± deviations·σ</c> with σ the population standard deviation of the same
/// <c>period</c> values, <c>sqrt(mean(x²) − middle²)</c> from running sums in TA-Lib's order; all lines first on the
/// <c>period</c>-th input. Two derived lines: <c>%B = (input − lower)/(upper − lower)</c> and
/// <c>bandwidth = (upper − lower)/middle</c>. <see cref="IIndicator.Value"/> is the middle band.
/// Zero cases: a window of identical values (tracked exactly by monotonic queues, so rounding residue in the running
/// sums cannot leave a sliver of width) and a variance that rounding leaves at or below zero give σ = 0; TA-Lib zeroes
/// σ below a fixed 1e-8 variance, this does not, so the bands do not depend on the price scale. With zero width, %B
/// is 0.5 (the input sits at the middle of a band of no width); with a zero middle, the bandwidth is 0.
/// Never NaN or infinite once ready.
/// </summary>
public sealed class BollingerBands : ISeriesIndicator, IIndicatorOutputs
{
    private static readonly string[] Names = ["upper", "middle", "lower", "percentB", "bandwidth"];

    private readonly RollingWindow _window;
    private readonly WindowExtreme _highest;
    private readonly WindowExtreme _lowest;
    // Sums of the newest period-1 values and of their squares between updates.
    private CompensatedSum _sum;
    private CompensatedSum _sumOfSquares;

    public BollingerBands(int period = 20, double deviations = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        if (!double.IsFinite(deviations) || deviations <= 0)
            throw new ArgumentOutOfRangeException(nameof(deviations), deviations, "the band width in standard deviations must be a positive finite number");
        Period = period;
        Deviations = deviations;
        _window = new RollingWindow(period);
        _highest = new WindowExtreme(period, highest: true);
        _lowest = new WindowExtreme(period, highest: false);
        Name = $"BB_{period}_{deviations.ToString(CultureInfo.InvariantCulture)}";
    }

    public int Period { get; }
    public double Deviations { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period;
    public bool IsReady => _window.Count >= Period;

    /// <summary>The middle band, SMA(period).</summary>
    public double Value => Middle;

    public double Upper { get; private set; } = double.NaN;
    public double Middle { get; private set; } = double.NaN;
    public double Lower { get; private set; } = double.NaN;

    /// <summary>Where the latest input sits in the bands: 0 on the lower, 1 on the upper; 0.5 when they have no width.</summary>
    public double PercentB { get; private set; } = double.NaN;

    /// <summary>The width of the bands relative to the middle, <c>(upper − lower)/middle</c>; 0 when the middle is 0.</summary>
    public double Bandwidth { get; private set; } = double.NaN;

    public IReadOnlyList<string> OutputNames => Names;

    public double Output(int index) => index switch
    {
        0 => Upper,
        1 => Middle,
        2 => Lower,
        3 => PercentB,
        4 => Bandwidth,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Names.Length} outputs"),
    };

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        var position = _window.Count;
        var highest = _highest.Add(position, value);
        var lowest = _lowest.Add(position, value);
        _window.Push(value);
        _sum.Add(value);
        _sumOfSquares.Add(value * value);
        if (_window.Count < Period) return;

        var middle = _sum.Value / Period;
        var variance = _sumOfSquares.Value / Period - middle * middle;
        var deviation = highest != lowest && variance > 0 ? Math.Sqrt(variance) * Deviations : 0;
        var oldest = _window.Oldest;
        _sum.Add(-oldest);
        _sumOfSquares.Add(-oldest * oldest);

        Middle = middle;
        Upper = middle + deviation;
        Lower = middle - deviation;
        var width = Upper - Lower;
        PercentB = width > 0 ? (value - Lower) / width : 0.5;
        Bandwidth = middle != 0 ? width / middle : 0;
    }

    public void Reset()
    {
        _window.Reset();
        _highest.Reset();
        _lowest.Reset();
        _sum.Reset();
        _sumOfSquares.Reset();
        Upper = Middle = Lower = PercentB = Bandwidth = double.NaN;
    }

    /// <summary>The five lines of <paramref name="input"/>, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> input, Span<double> upper, Span<double> middle, Span<double> lower,
        Span<double> percentB, Span<double> bandwidth, int period, double deviations)
    {
        var indicator = new BollingerBands(period, deviations);
        IndicatorBatch.RequireOutput(input.Length, upper.Length);
        IndicatorBatch.RequireOutput(input.Length, middle.Length);
        IndicatorBatch.RequireOutput(input.Length, lower.Length);
        IndicatorBatch.RequireOutput(input.Length, percentB.Length);
        IndicatorBatch.RequireOutput(input.Length, bandwidth.Length);
        for (var i = 0; i < input.Length; i++)
        {
            indicator.Update(input[i]);
            upper[i] = indicator.Upper;
            middle[i] = indicator.Middle;
            lower[i] = indicator.Lower;
            percentB[i] = indicator.PercentB;
            bandwidth[i] = indicator.Bandwidth;
        }
    }
}
