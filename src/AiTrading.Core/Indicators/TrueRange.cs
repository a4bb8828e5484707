namespace AiTrading.Core.Indicators;

/// <summary>
/// True range, as TA-Lib's TRANGE: the largest of high−low, |high−previous close| and |low−previous close|
/// (see <see cref="Atr.TrueRange"/>). It has no period; the first value is on the second bar.
/// </summary>
public sealed class TrueRange() : BarIndicator("TRANGE", 2)
{
    private double _previousClose;

    protected override double Step(double high, double low, double close)
    {
        var previousClose = _previousClose;
        _previousClose = close;
        return Atr.TrueRange(high, low, previousClose); // discarded on the first bar
    }

    protected override void OnReset() => _previousClose = 0;
}
