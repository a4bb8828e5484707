using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// What the live instrument gives a strategy with models: the features the baseline model reads, computed on the
/// strategy's bars as the instrument computes them, and the model's probability of a rise after each bar.
/// </summary>
internal sealed class ModelFeed(Timeframe timeframe) : IBarPredictor
{
    private static readonly FeatureDefinition[] Features =
    [
        new("SMA", new Dictionary<string, double> { ["period"] = 20 }), new("EMA", new Dictionary<string, double> { ["period"] = 20 }),
        new("RSI", new Dictionary<string, double> { ["period"] = 14 }), new("ATR", new Dictionary<string, double> { ["period"] = 14 }),
    ];

    private readonly FeaturePipeline _pipeline = new(Features, timeframe);
    private readonly BaselineDirectionModel _model = new();

    public BarOutlook OnBar(Bar bar)
    {
        _pipeline.OnBar(bar);
        return new(_model.Predict(_pipeline.ToVector(bar.Symbol, bar.CloseTime), bar.Close).ProbabilityUp);
    }
}
