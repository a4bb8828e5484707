namespace AiTrading.Core.Indicators;

/// <summary>Simple moving average (TA-Lib SMA): first value on the period-th input.</summary>
public sealed class Sma : IIndicator
{
    private readonly double[] _window;
    private int _count, _next;
    private double _sum;

    public Sma(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        _window = new double[period];
        Name = $"SMA_{period}";
    }

    public string Name { get; }
    public int WarmUpPeriod => _window.Length;
    public bool IsReady => _count >= _window.Length;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        if (_count >= _window.Length) _sum -= _window[_next];
        _window[_next] = value;
        _sum += value;
        _next = (_next + 1) % _window.Length;
        _count++;
        if (IsReady) Value = _sum / _window.Length;
    }

    public void Reset()
    {
        _count = _next = 0;
        _sum = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period)
    {
        var sma = new Sma(period);
        for (var i = 0; i < input.Length; i++) { sma.Update(input[i]); output[i] = sma.Value; }
    }
}

/// <summary>Exponential moving average (TA-Lib EMA): seeded with the SMA of the first period inputs, k = 2/(period+1).</summary>
public sealed class Ema : IIndicator
{
    private readonly int _period;
    private readonly double _k;
    private int _count;
    private double _seedSum;

    public Ema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        _period = period;
        _k = 2.0 / (period + 1);
        Name = $"EMA_{period}";
    }

    public string Name { get; }
    public int WarmUpPeriod => _period;
    public bool IsReady => _count >= _period;
    public double Value { get; private set; } = double.NaN;

    public void Update(double value)
    {
        _count++;
        if (_count < _period) { _seedSum += value; return; }
        if (_count == _period) { Value = (_seedSum + value) / _period; return; }
        Value += _k * (value - Value);
    }

    public void Reset()
    {
        _count = 0;
        _seedSum = 0;
        Value = double.NaN;
    }

    public static void Compute(ReadOnlySpan<double> input, Span<double> output, int period)
    {
        var ema = new Ema(period);
        for (var i = 0; i < input.Length; i++) { ema.Update(input[i]); output[i] = ema.Value; }
    }
}
