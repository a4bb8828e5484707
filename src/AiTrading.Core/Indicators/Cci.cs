namespace AiTrading.Core.Indicators;

/// <summary>
/// Commodity channel index, as TA-Lib's CCI: with the typical price <c>tp = (high+low+close)/3</c>,
/// <c>(tp − mean(tp))/(0.015·mean deviation)</c> over the last <c>period</c> bars, first value on the
/// <c>period</c>-th bar. When the price equals the mean or the mean deviation is zero (flat prices) the value is 0,
/// as in TA-Lib. Never NaN once ready. The mean deviation needs every value of the window against the current
/// mean, so an update is O(period) (no allocation); the sums run over the ring buffer in TA-Lib's order.
/// </summary>
public sealed class Cci : BarIndicator
{
    private readonly RollingWindow _window;

    public Cci(int period) : base($"CCI_{RequirePeriod(period)}", period)
    {
        Period = period;
        _window = new RollingWindow(period);
    }

    public int Period { get; }

    protected override double Step(double high, double low, double close)
    {
        var typical = (high + low + close) / 3;
        _window.Push(typical);
        if (Samples < Period) return double.NaN;
        var mean = 0.0;
        for (var i = 0; i < Period; i++) mean += _window.Values[i];
        mean /= Period;
        var deviation = 0.0;
        for (var i = 0; i < Period; i++) deviation += Math.Abs(_window.Values[i] - mean);
        var distance = typical - mean;
        return distance != 0 && deviation != 0 ? distance / (0.015 * (deviation / Period)) : 0;
    }

    protected override void OnReset() => _window.Reset();
}
