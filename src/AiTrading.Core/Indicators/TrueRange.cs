namespace AiTrading.Core.Indicators;

/// <summary>
/// True range, as TA-Lib's TRANGE: the largest of high−low, |high−previous close| and |low−previous close|
/// (see <see cref="Atr.TrueRange"/>). It has no period; the first value is on the second bar.
/// </summary>
public sealed class TrueRange : IBarIndicator
{
    private int _samples;
    private double _previousClose;

    public string Name => "TRANGE";
    public int WarmUpPeriod => 2;
    public bool IsReady => _samples >= 2;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        IndicatorInput.RequireFiniteBar(high, low, close, Name);
        var previousClose = _previousClose;
        _previousClose = close;
        if (++_samples < 2) return;
        Value = Atr.TrueRange(high, low, previousClose);
    }

    public void Reset()
    {
        _samples = 0;
        _previousClose = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output) =>
        IndicatorBatch.Run(new TrueRange(), high, low, close, output);
}
