namespace AiTrading.Core.Indicators;

/// <summary>
/// Granville's on-balance volume, as TA-Lib's OBV: starts at the first bar's volume (first value on the first bar),
/// then adds the volume of a bar that closes above the previous close and subtracts that of one that closes below;
/// an unchanged close leaves it as it is.
/// </summary>
public sealed class OnBalanceVolume : IVolumeBarIndicator
{
    private int _samples;
    private double _previousClose;

    public string Name => "OBV";
    public int WarmUpPeriod => 1;
    public bool IsReady => _samples >= 1;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close, double volume)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        AccumulationDistribution.RequireVolume(volume, Name);
        var previousClose = _previousClose;
        _previousClose = close;
        if (++_samples == 1) Value = volume;
        else if (close > previousClose) Value += volume;
        else if (close < previousClose) Value -= volume;
    }

    public void Reset()
    {
        _samples = 0;
        _previousClose = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume, Span<double> output) =>
        IndicatorBatch.Run(new OnBalanceVolume(), high, low, close, volume, output);
}
