namespace AiTrading.Core.Indicators;

/// <summary>
/// A running sum that carries the rounding error of every add in a second double (Knuth's two-sum), so a window sum
/// kept by adding the new value and subtracting the leaving one stays within an ulp of the exact sum of the window
/// however long the series runs. A plain running sum drifts by up to an ulp per update, which over a live series of
/// millions of bars is enough to turn two equal averages into a crossover.
/// </summary>
internal struct CompensatedSum
{
    private double _sum;
    private double _error;

    public readonly double Value => _sum + _error;

    public void Add(double value)
    {
        var sum = _sum + value;
        var addend = sum - _sum;
        _error += (_sum - (sum - addend)) + (value - addend);
        _sum = sum;
    }

    public void Reset() => this = default;
}
