namespace AiTrading.Core.Indicators;

/// <summary>
/// Chaikin's accumulation/distribution line, as TA-Lib's AD: the running total of
/// <c>((close − low) − (high − close))/(high − low) · volume</c>, first value on the first bar.
/// A bar with no range (high = low) adds nothing, as in TA-Lib, so flat prices and zero volume never give NaN.
/// </summary>
public sealed class AccumulationDistribution : IVolumeBarIndicator
{
    private int _samples;
    private double _total;

    public string Name => "AD";
    public int WarmUpPeriod => 1;
    public bool IsReady => _samples >= 1;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close, double volume)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        RequireVolume(volume, Name);
        _samples++;
        _total += MoneyFlowVolume(high, low, close, volume);
        Value = _total;
    }

    /// <summary>One bar's contribution: the close location in the range times the volume; 0 when the range is not positive.</summary>
    internal static double MoneyFlowVolume(double high, double low, double close, double volume)
    {
        var range = high - low;
        return range > 0 ? ((close - low) - (high - close)) / range * volume : 0;
    }

    /// <summary>Volume must be a finite number ≥ 0 (an argument named <c>volume</c>).</summary>
    internal static void RequireVolume(double volume, string name)
    {
        if (!double.IsFinite(volume) || volume < 0)
            throw new ArgumentOutOfRangeException(nameof(volume), volume, $"{name}: volume must be a finite number ≥ 0");
    }

    public void Reset()
    {
        _samples = 0;
        _total = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume, Span<double> output) =>
        IndicatorBatch.Run(new AccumulationDistribution(), high, low, close, volume, output);
}
