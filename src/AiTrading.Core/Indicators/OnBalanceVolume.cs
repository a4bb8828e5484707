namespace AiTrading.Core.Indicators;

/// <summary>
/// Granville's on-balance volume, as TA-Lib's OBV: starts at the first bar's volume (first value on the first bar),
/// then adds the volume of a bar that closes above the previous close and subtracts that of one that closes below;
/// an unchanged close leaves it as it is.
/// </summary>
public sealed class OnBalanceVolume() : VolumeBarIndicator("OBV", 1)
{
    private double _previousClose;
    private double _total;

    protected override double Step(double high, double low, double close, double volume)
    {
        var previousClose = _previousClose;
        _previousClose = close;
        if (Samples == 1) _total = volume;
        else if (close > previousClose) _total += volume;
        else if (close < previousClose) _total -= volume;
        return _total;
    }

    protected override void OnReset()
    {
        _previousClose = 0;
        _total = 0;
    }
}
