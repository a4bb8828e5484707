using AiTrading.Core.Backtesting;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;

namespace AiTrading.ML;

/// <summary>
/// A pattern validator replayed on one instrument's history: the models' own feature rows built bar by bar, each
/// model's score, and the ensemble's verdict, as the live strategy's validator gives them. A failed verdict vetoes
/// entries on its bar.
/// </summary>
public sealed class ValidatorReplay : IBarPredictor
{
    private readonly IReadOnlyList<TrainedModel> _models;
    private readonly Ensemble _ensemble;
    private readonly FeatureRowWindow _rows;
    private readonly double[] _scores;

    public ValidatorReplay(IReadOnlyList<TrainedModel> models, Ensemble ensemble, Timeframe timeframe)
    {
        _models = models;
        _ensemble = ensemble;
        _rows = new FeatureRowWindow(models.SelectMany(m => m.Header.Definitions), timeframe, models.Max(m => m.Window));
        _scores = new double[models.Count];
    }

    public BarOutlook OnBar(Bar bar)
    {
        _rows.OnBar(bar);
        if (!_rows.Full) return new BarOutlook(double.NaN);
        var rows = _rows.Rows;
        for (var i = 0; i < _models.Count; i++) _scores[i] = _models[i].Score(rows);
        var verdict = _ensemble.Judge(_scores);
        return new BarOutlook(verdict.ProbabilityUp, verdict.Passed ? null : Veto(verdict.Reason));
    }

    /// <summary>Why a failed verdict refuses a strategy's entries (live and replayed alike).</summary>
    public static string Veto(string reason) => $"the pattern validator refused: {reason}";
}
