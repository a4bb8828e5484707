using System.Globalization;

namespace AiTrading.Core.Indicators;

/// <summary>
/// Bollinger bands, as TA-Lib's BBANDS with an SMA: <c>middle = SMA(period)</c> of the input,
/// <c>upper/lower = middle ± deviations·σ</c> with σ the population standard deviation of the same
/// <c>period</c> values, <c>sqrt(mean(x²) − middle²)</c> from running sums in TA-Lib's order; all lines first on the
/// <c>period</c>-th input. Two derived lines: <c>%B = (input − lower)/(upper − lower)</c> and
/// <c>bandwidth = (upper − lower)/middle</c>. <see cref="Indicator.Value"/> is the middle band.
/// Zero cases: a window of identical values (tracked exactly by monotonic queues, so rounding residue in the running
/// sums cannot leave a sliver of width) and a variance that rounding leaves at or below zero give σ = 0; TA-Lib zeroes
/// σ below a fixed 1e-8 variance, this does not, so the bands do not depend on the price scale. With zero width, %B
/// is 0.5 (the input sits at the middle of a band of no width); with a zero middle, the bandwidth is 0.
/// Never NaN or infinite once ready.
/// </summary>
public sealed class BollingerBands : WindowIndicator
{
    private static readonly string[] Names = ["upper", "middle", "lower", "percentB", "bandwidth"];

    private readonly WindowExtreme _highest;
    private readonly WindowExtreme _lowest;
    // Sums of the newest period-1 values and of their squares between updates.
    private CompensatedSum _sum;
    private CompensatedSum _sumOfSquares;

    public BollingerBands(int period = 20, double deviations = 2) : base(NameOf(period, deviations), period, period)
    {
        Deviations = deviations;
        _highest = new WindowExtreme(period, highest: true);
        _lowest = new WindowExtreme(period, highest: false);
    }

    private static string NameOf(int period, double deviations)
    {
        RequirePeriod(period);
        if (!double.IsFinite(deviations) || deviations <= 0)
            throw new ArgumentOutOfRangeException(nameof(deviations), deviations, "the band width in standard deviations must be a positive finite number");
        return $"BB_{period}_{deviations.ToString(CultureInfo.InvariantCulture)}";
    }

    public double Deviations { get; }

    public double Upper { get; private set; } = double.NaN;
    public double Middle => Value;
    public double Lower { get; private set; } = double.NaN;

    /// <summary>Where the input sits between the bands: 0 at the lower, 1 at the upper; 0.5 when the bands have no width.</summary>
    public double PercentB { get; private set; } = double.NaN;

    /// <summary>The width of the bands relative to the middle, <c>(upper − lower)/middle</c>; 0 when the middle is 0.</summary>
    public double Bandwidth { get; private set; } = double.NaN;

    public override IReadOnlyList<string> OutputNames => Names;

    public override double Output(int index) => index switch
    {
        0 => Upper,
        1 => Middle,
        2 => Lower,
        3 => PercentB,
        4 => Bandwidth,
        _ => base.Output(index),
    };

    protected override double Step(double value, double periodAgo)
    {
        var position = Samples - 1;
        var highest = _highest.Add(position, value);
        var lowest = _lowest.Add(position, value);
        _sum.Add(value);
        _sumOfSquares.Add(value * value);
        if (Samples < Period) return double.NaN;

        var middle = _sum.Value / Period;
        var variance = _sumOfSquares.Value / Period - middle * middle;
        var deviation = highest != lowest && variance > 0 ? Math.Sqrt(variance) * Deviations : 0;
        var oldest = Window.Oldest;
        _sum.Add(-oldest);
        _sumOfSquares.Add(-oldest * oldest);

        Upper = middle + deviation;
        Lower = middle - deviation;
        var width = Upper - Lower;
        PercentB = width > 0 ? (value - Lower) / width : 0.5;
        Bandwidth = middle != 0 ? width / middle : 0;
        return middle;
    }

    protected override void OnReset()
    {
        base.OnReset();
        _highest.Reset();
        _lowest.Reset();
        _sum.Clear();
        _sumOfSquares.Clear();
        Upper = Lower = PercentB = Bandwidth = double.NaN;
    }

    /// <summary>The five lines of <paramref name="input"/>, NaN during the warm-up.</summary>
    public static void Compute(ReadOnlySpan<double> input, Span<double> upper, Span<double> middle, Span<double> lower,
        Span<double> percentB, Span<double> bandwidth, int period, double deviations)
    {
        var indicator = new BollingerBands(period, deviations);
        RequireOutput(input.Length, upper.Length);
        RequireOutput(input.Length, middle.Length);
        RequireOutput(input.Length, lower.Length);
        RequireOutput(input.Length, percentB.Length);
        RequireOutput(input.Length, bandwidth.Length);
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
