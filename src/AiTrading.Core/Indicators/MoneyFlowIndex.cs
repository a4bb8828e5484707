namespace AiTrading.Core.Indicators;

/// <summary>
/// Money flow index, as TA-Lib's MFI: with the typical price <c>tp = (high+low+close)/3</c> and the money flow
/// <c>tp·volume</c>, a bar whose tp rose from the previous bar's adds its flow to the positive side, one whose tp
/// fell to the negative side (an unchanged tp adds to neither). Over the last <c>period</c> bars,
/// <c>MFI = 100·positive/(positive + negative)</c>, first value on bar <c>period+1</c>.
/// A window with no money flow at all (flat prices, zero volume) gives 0, as in TA-Lib. TA-Lib 0.6 gives 0 whenever
/// the total is below 1.0, a threshold in price·volume units that would zero a healthy index for an instrument quoted
/// small enough; this tests for an empty window instead (as later TA-Lib releases do). The window sums are running
/// sums; a side whose window holds no flow is reset to exactly 0 (it would otherwise keep rounding residue of either
/// sign), and the positive sum is clamped into [0, total], so the value stays in [0, 100]. O(1) per update.
/// </summary>
public sealed class MoneyFlowIndex : VolumeBarIndicator
{
    private readonly RollingWindow _positive;
    private readonly RollingWindow _negative;
    private double _previousTypical;
    private double _positiveSum;
    private double _negativeSum;
    private int _positiveCount; // non-zero flows in the window, per side
    private int _negativeCount;

    public MoneyFlowIndex(int period = 14) : base($"MFI_{RequirePeriod(period)}", period + 1)
    {
        Period = period;
        _positive = new RollingWindow(period);
        _negative = new RollingWindow(period);
    }

    public int Period { get; }

    protected override double Step(double high, double low, double close, double volume)
    {
        var typical = (high + low + close) / 3.0;
        var change = typical - _previousTypical;
        _previousTypical = typical;
        if (Samples == 1) return double.NaN;
        var flow = typical * volume;
        var positive = change > 0 ? flow : 0;
        var negative = change < 0 ? flow : 0;
        var leavingPositive = _positive.Push(positive);
        var leavingNegative = _negative.Push(negative);
        _positiveSum -= leavingPositive;
        _negativeSum -= leavingNegative;
        _positiveSum += positive;
        _negativeSum += negative;
        _positiveCount += (positive != 0 ? 1 : 0) - (leavingPositive != 0 ? 1 : 0);
        _negativeCount += (negative != 0 ? 1 : 0) - (leavingNegative != 0 ? 1 : 0);
        if (_positiveCount == 0) _positiveSum = 0;
        if (_negativeCount == 0) _negativeSum = 0;
        var total = _positiveSum + _negativeSum;
        return total > 0 ? 100.0 * (Math.Clamp(_positiveSum, 0, total) / total) : 0;
    }

    protected override void OnReset()
    {
        _positive.Reset();
        _negative.Reset();
        _previousTypical = 0;
        _positiveSum = 0;
        _negativeSum = 0;
        _positiveCount = 0;
        _negativeCount = 0;
    }
}
