namespace AiTrading.Core.Indicators;

/// <summary>
/// Commodity channel index, as TA-Lib's CCI: with the typical price <c>tp = (high+low+close)/3</c>,
/// <c>(tp − mean(tp))/(0.015·mean deviation)</c> over the last <c>period</c> bars, first value on the
/// <c>period</c>-th bar. When the price equals the mean or the mean deviation is zero (flat prices) the value is 0,
/// as in TA-Lib. Never NaN once ready. The mean deviation needs every value of the window against the current
/// mean, so an update is O(period) (no allocation); the sums run over the ring buffer in TA-Lib's order.
/// </summary>
public sealed class Cci : IBarIndicator
{
    private readonly RollingWindow _window;

    public Cci(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _window = new RollingWindow(period);
        Name = $"CCI_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => Period;
    public bool IsReady => _window.Count >= Period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        var typical = (high + low + close) / 3;
        _window.Push(typical);
        if (_window.Count < Period) return;

        var mean = 0.0;
        for (var i = 0; i < Period; i++) mean += _window.Values[i];
        mean /= Period;
        var deviation = 0.0;
        for (var i = 0; i < Period; i++) deviation += Math.Abs(_window.Values[i] - mean);
        var distance = typical - mean;
        Value = distance != 0 && deviation != 0 ? distance / (0.015 * (deviation / Period)) : 0;
    }

    public void Reset()
    {
        _window.Reset();
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output, int period) =>
        IndicatorBatch.Run(new Cci(period), high, low, close, output);
}
