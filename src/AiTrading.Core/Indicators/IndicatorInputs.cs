namespace AiTrading.Core.Indicators;

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
