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

/// <summary>An indicator fed one value per period (usually the close).</summary>
public interface ISeriesIndicator : IIndicator
{
    void Update(double value);
}

/// <summary>An indicator fed the high, low and close of each bar.</summary>
public interface IBarIndicator : IIndicator
{
    void Update(double high, double low, double close);
}

/// <summary>An indicator fed the high, low, close and traded volume of each bar.</summary>
public interface IVolumeBarIndicator : IIndicator
{
    void Update(double high, double low, double close, double volume);
}

/// <summary>
/// The readings of an indicator with several lines (MACD's line, signal and histogram; Bollinger's bands).
/// <see cref="OutputNames"/> are short, fixed names ("signal", "upper"); <see cref="Output"/> reads one line,
/// NaN while that line warms up. <see cref="IIndicator.Value"/> stays the indicator's main line.
/// </summary>
public interface IIndicatorOutputs
{
    IReadOnlyList<string> OutputNames { get; }
    double Output(int index);
}
