namespace AiTrading.Core.Indicators;

/// <summary>
/// Relative strength index with Wilder smoothing, seeded as TA-Lib does: the first value uses the plain averages
/// of the first period gains and losses (so it appears on input period+1). Flat prices give 0 like TA-Lib
/// (both averages zero); only gains give 100.
/// </summary>
public sealed class Rsi : IIndicator
{
    private readonly int _period;
    private int _count;
    private double _previous, _avgGain, _avgLoss;

    public Rsi(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        _period = period;
        Name = $"RSI_{period}";
    }

    public string Name { get; }
    public int WarmUpPeriod => _period + 1;
    public bool IsReady => _count > _period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        _count++;
        if (_count == 1) { _previous = value; return; }
        var change = value - _previous;
        _previous = value;
        var gain = change > 0 ? change : 0;
        var loss = change < 0 ? -change : 0;
        if (_count <= _period + 1)
        {
            _avgGain += gain / _period;
            _avgLoss += loss / _period;
            if (_count <= _period) return;
        }
        else
        {
            _avgGain = (_avgGain * (_period - 1) + gain) / _period;
            _avgLoss = (_avgLoss * (_period - 1) + loss) / _period;
        }
        var total = _avgGain + _avgLoss;
        Value = total == 0 ? 0 : 100 * _avgGain / total;
    }

    public void Reset()
    {
        _count = 0;
        _previous = _avgGain = _avgLoss = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period)
    {
        var rsi = new Rsi(period);
        for (var i = 0; i < input.Length; i++) { rsi.Update(input[i]); output[i] = rsi.Value; }
    }
}

/// <summary>
/// Average true range with Wilder smoothing (TA-Lib ATR): true ranges start on the second bar; the first ATR is
/// the plain average of the first period true ranges, on input period+1.
/// </summary>
public sealed class Atr : IIndicator
{
    private readonly int _period;
    private int _count;
    private double _previousClose, _sum;

    public Atr(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        _period = period;
        Name = $"ATR_{period}";
    }

    public string Name { get; }
    public int WarmUpPeriod => _period + 1;
    public bool IsReady => _count > _period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double high, double low, double close)
    {
        _count++;
        if (_count == 1) { _previousClose = close; return; }
        var trueRange = Math.Max(high, _previousClose) - Math.Min(low, _previousClose);
        _previousClose = close;
        if (_count <= _period + 1)
        {
            _sum += trueRange;
            if (_count == _period + 1) Value = _sum / _period;
            return;
        }
        Value = (Value * (_period - 1) + trueRange) / _period;
    }

    public void Reset()
    {
        _count = 0;
        _previousClose = _sum = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output, int period)
    {
        var atr = new Atr(period);
        for (var i = 0; i < close.Length; i++) { atr.Update(high[i], low[i], close[i]); output[i] = atr.Value; }
    }
}
