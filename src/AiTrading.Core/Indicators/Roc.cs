namespace AiTrading.Core.Indicators;

/// <summary>
/// Rate of change in percent, as TA-Lib's ROC: <c>(x / x[period ago] − 1)·100</c>, first value on input
/// <c>period+1</c>. When the value <c>period</c> inputs ago is zero the result is 0, as in TA-Lib, so it is never
/// NaN or infinite once ready. O(1) per update with a ring buffer of the last <c>period</c> values.
/// </summary>
public sealed class Roc(int period) : WindowIndicator($"ROC_{period}", period, period + 1)
{
    protected override double Step(double value, double periodAgo) => periodAgo != 0 ? (value / periodAgo - 1.0) * 100.0 : 0;
}
