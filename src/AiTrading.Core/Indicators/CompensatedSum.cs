namespace AiTrading.Core.Indicators;

/// <summary>
/// A running sum with Neumaier compensation: the low-order bits that each addition rounds away are kept in a
/// second term, so a value added and later subtracted cancels to within about ε² of its size instead of leaving a
/// residue of ε times its size. That matters for rolling sums whose terms span many orders of magnitude (a trade
/// of 2,000 lots leaving a window of 0.05-lot trades), and for window sums of prices: a plain running sum drifts by
/// up to an ulp per update, which over a live series of millions of bars turns two equal averages into a crossover.
/// A mutable struct: keep it in a field, never a copy.
/// </summary>
internal struct CompensatedSum
{
    private double _sum;
    private double _compensation;

    public readonly double Value => _sum + _compensation;

    public void Add(double value)
    {
        var total = _sum + value;
        _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - total) + value : (value - total) + _sum;
        _sum = total;
    }

    public void Clear() => _sum = _compensation = 0;
}
