namespace AiTrading.Core.Indicators;

/// <summary>
/// A streaming indicator: O(1) time and memory per update. <see cref="Value"/> is NaN until
/// <see cref="IsReady"/>; it becomes ready on exactly the <see cref="WarmUpPeriod"/>-th input.
/// </summary>
public interface IIndicator
{
    string Name { get; }
    int WarmUpPeriod { get; }
    bool IsReady { get; }
    double Value { get; }
    void Reset();
}
