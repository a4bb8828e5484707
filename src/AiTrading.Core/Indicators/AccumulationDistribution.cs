namespace AiTrading.Core.Indicators;

/// <summary>
/// Chaikin's accumulation/distribution line, as TA-Lib's AD: the running total of
/// <c>((close − low) − (high − close))/(high − low) · volume</c>, first value on the first bar.
/// A bar with no range (high = low) adds nothing, as in TA-Lib, so flat prices and zero volume never give NaN.
/// </summary>
public sealed class AccumulationDistribution() : VolumeBarIndicator("AD", 1)
{
    private double _total;

    protected override double Step(double high, double low, double close, double volume) =>
        _total += MoneyFlowVolume(high, low, close, volume);

    /// <summary>The bar's close location in its range, (close−low − (high−close))/(high−low), times its volume; 0 for a bar with no range.</summary>
    internal static double MoneyFlowVolume(double high, double low, double close, double volume)
    {
        var range = high - low;
        return range > 0 ? ((close - low) - (high - close)) / range * volume : 0;
    }

    protected override void OnReset() => _total = 0;
}
