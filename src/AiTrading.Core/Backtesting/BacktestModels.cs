using AiTrading.Core.MarketData;

namespace AiTrading.Core.Backtesting;

/// <summary>What the models say after a closed bar: the probability of a rise (NaN while they have nothing to say) and why they refuse entries on it, if they do.</summary>
public readonly record struct BarOutlook(double ProbabilityUp, string? Veto = null);

/// <summary>Scores one instrument's closed bars, in order, as the live strategy's models do.</summary>
public interface IBarPredictor
{
    BarOutlook OnBar(Bar bar);
}

/// <summary>Models from outside Core (a model registry's): the names a spec may then name, and a predictor per instrument.</summary>
public sealed record BacktestModels(IReadOnlySet<string> Names, Func<string, IBarPredictor> ForInstrument);
