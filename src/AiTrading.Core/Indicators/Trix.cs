namespace AiTrading.Core.Indicators;

/// <summary>
/// TRIX, as TA-Lib's: the one-input rate of change in percent of a triple <see cref="Ema"/> (each seeded with the
/// SMA of its first <c>period</c> inputs), <c>(e3/e3[previous] − 1)·100</c>, first value on input
/// <c>3·period−1</c>. A zero previous e3 gives 0, as in TA-Lib's ROC. O(1) per update.
/// </summary>
public sealed class Trix : ISeriesIndicator
{
    private readonly EmaCascade _emas;
    private double _previous;
    private bool _hasPrevious;
    private bool _ready;

    public Trix(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        Period = period;
        _emas = new EmaCascade(period, 3);
        Name = $"TRIX_{period}";
    }

    public int Period { get; }
    public string Name { get; }
    public int WarmUpPeriod => 3 * Period - 1;
    public bool IsReady => _ready;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        IndicatorInput.RequireFinite(value, Name, nameof(value));
        if (!_emas.Update(value)) return;
        var current = _emas[2];
        if (_hasPrevious)
        {
            Value = _previous != 0 ? (current / _previous - 1.0) * 100.0 : 0;
            _ready = true;
        }
        _previous = current;
        _hasPrevious = true;
    }

    public void Reset()
    {
        _emas.Reset();
        _previous = 0;
        _hasPrevious = false;
        _ready = false;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period) =>
        IndicatorBatch.Run(new Trix(period), input, output);
}
