namespace AiTrading.Core.Indicators;

/// <summary>
/// Momentum, as TA-Lib's MOM: <c>x − x[period ago]</c>, first value on input <c>period+1</c>.
/// O(1) per update with a ring buffer of the last <c>period</c> values.
/// </summary>
public sealed class Momentum(int period) : WindowIndicator($"MOM_{period}", period, period + 1)
{
    protected override double Step(double value, double periodAgo) => value - periodAgo;
}
