using System.Diagnostics;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;
using AiTrading.Core.Strategies;
using AiTrading.ML;
using Microsoft.Extensions.Logging;

namespace AiTrading.Grains;

/// <summary>
/// What the models say about one bar: the probability of a rise (NaN while they have nothing to say), why they
/// refuse entries on it if they do, and the audit sequence of the validator's verdict it came from.
/// </summary>
public readonly record struct BarPrediction(double ProbabilityUp, string? Veto, long? Verdict)
{
    public static readonly BarPrediction None = new(double.NaN, null, null);
}

/// <summary>
/// The predictions a live strategy's confidence gate reads. The built-in baseline scores the instrument's feature
/// vector. Registry models are combined by the strategy's pattern validator (keyed by the strategy id, auditing its
/// verdicts to the strategy's account) on rows built here, per instrument, from the active versions' own feature
/// definitions, so a model reads live the features it was trained on. A promotion that changes what a model reads
/// shows as the validator refusing the rows: the inputs are fetched again and the rows rebuilt from the
/// instrument's recent bars.
/// </summary>
public sealed class StrategyPredictions
{
    private static readonly KeyValuePair<string, object?> BaselineTag = TradingMetrics.Tag("model", BaselineDirectionModel.Name);
    private readonly IGrainFactory _grains;
    private readonly StrategySpec _spec;
    private readonly Timeframe _timeframe;
    private readonly string _strategyId;
    private readonly ILogger _logger;
    private readonly BaselineDirectionModel? _baseline;
    private readonly Dictionary<string, FeatureRowWindow> _rows = new(StringComparer.Ordinal);
    private IReadOnlyList<FeatureDefinition> _definitions = [];
    private int _window;

    private StrategyPredictions(IGrainFactory grains, StrategyProgram program, string strategyId, ILogger logger, bool baseline)
    {
        (_grains, _spec, _timeframe, _strategyId, _logger) = (grains, program.Spec, program.Timeframe, strategyId, logger);
        _baseline = baseline ? new BaselineDirectionModel() : null;
    }

    /// <summary>
    /// The predictions for a compiled spec (null when it names no models): checks that each registry model has an
    /// active direction version trained on the strategy's timeframe and configures the validator with the spec's
    /// models, weights and minimum confidence.
    /// </summary>
    /// <exception cref="ValidationException">A model cannot serve this strategy (the field names it).</exception>
    public static async Task<StrategyPredictions?> CreateAsync(IGrainFactory grains, StrategyProgram program, string strategyId, ILogger logger)
    {
        var spec = program.Spec;
        if (spec.Models.Count == 0) return null;
        if (spec.Models.Any(m => m.Model == BaselineDirectionModel.Name) && spec.Models.Count == 1)
            return new StrategyPredictions(grains, program, strategyId, logger, baseline: true);
        await RegistryModelsAsync(grains, spec, program.Timeframe);
        await grains.GetGrain<IPatternValidatorGrain>(strategyId).ConfigureAsync(ValidatorFor(spec));
        var predictions = new StrategyPredictions(grains, program, strategyId, logger, baseline: false);
        await predictions.LoadInputsAsync();
        return predictions;
    }

    /// <summary>
    /// The active versions of the registry models <paramref name="spec"/> names, in its order: each must have one, of
    /// a direction model trained on <paramref name="timeframe"/>; the baseline is scored on its own, never with them.
    /// </summary>
    /// <exception cref="ValidationException">A model cannot serve the spec (the field names it).</exception>
    public static async Task<IReadOnlyList<ModelVersionView>> RegistryModelsAsync(IGrainFactory grains, StrategySpec spec, Timeframe timeframe)
    {
        if (spec.Models.Any(m => m.Model == BaselineDirectionModel.Name))
            throw new ValidationException("models", $"'{BaselineDirectionModel.Name}' is scored on its own: name it alone, or only registry models (the pattern validator combines those)");
        var errors = new List<FieldError>();
        var models = await Task.WhenAll(spec.Models.Select(m => grains.GetGrain<IModelGrain>(m.Model).GetAsync()));
        var active = new List<ModelVersionView>();
        for (var i = 0; i < models.Length; i++)
        {
            var (name, field) = (spec.Models[i].Model, $"models[{i}].model");
            var version = models[i]?.ActiveVersion is { } v ? models[i]!.Versions.Single(x => x.Version == v) : null;
            if (version is null) errors.Add(new(field, $"model '{name}' has no active version: train one and promote it"));
            else if (version.Task != "direction") errors.Add(new(field, $"model '{name}' forecasts returns; strategies gate on direction models"));
            else if (version.Timeframe != timeframe.Name)
                errors.Add(new(field, $"model '{name}' v{version.Version} was trained on {version.Timeframe} bars; this strategy trades {timeframe.Name}"));
            else active.Add(version);
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return active;
    }

    /// <summary>The validator a strategy's spec describes: its models and weights, threshold = its minimum confidence, verdicts to its account.</summary>
    public static PatternValidatorConfig ValidatorFor(StrategySpec spec) =>
        new(spec.Models.Select(m => new ValidatorModel(m.Model, m.Weight)).ToList(), Threshold: spec.MinConfidence, AuditStream: spec.Account);

    /// <summary>Starts the instrument's rows over from its recent bars (oldest first).</summary>
    public void Warm(string symbol, IEnumerable<Bar> bars)
    {
        if (_baseline is not null) return;
        var rows = _rows[symbol] = new FeatureRowWindow(_definitions, _timeframe, _window);
        foreach (var bar in bars) rows.OnBar(bar);
    }

    /// <summary>The prediction for a closed bar (each bar once, in order).</summary>
    public async Task<BarPrediction> PredictAsync(BarClosed e)
    {
        var bar = e.Bar;
        if (_baseline is not null)
        {
            var started = Stopwatch.GetTimestamp();
            var probabilityUp = _baseline.Predict(e.Features, bar.Close).ProbabilityUp;
            TradingMetrics.Inference.RecordElapsed(started, BaselineTag);
            return new(probabilityUp, null, null);
        }
        if (!_rows.ContainsKey(bar.Symbol)) Warm(bar.Symbol, []);
        _rows[bar.Symbol].OnBar(bar);
        try
        {
            try
            {
                return await ValidateAsync(bar.Symbol);
            }
            catch (InvalidRequestException refused)
            {
                _logger.LogInformation("Strategy {StrategyId}: the validator refused the {Symbol} rows ({Reason}); reloading what the models read",
                    _strategyId, bar.Symbol, refused.Message);
                await LoadInputsAsync();
                var history = await _grains.GetGrain<IInstrumentGrain>(bar.Symbol).GetSnapshotAsync(InstrumentGrain.BarHistory);
                Warm(bar.Symbol, (_timeframe == Timeframe.M1 ? history.MinuteBars : history.FiveMinuteBars).Where(b => b.OpenTime <= bar.OpenTime));
                return await ValidateAsync(bar.Symbol);
            }
        }
        catch (Exception failure) when (failure is InvalidRequestException or ResourceNotFoundException or ConflictException or NoGpuSiloException)
        {
            _logger.LogWarning("Strategy {StrategyId}: the models cannot score {Symbol}: {Reason}", _strategyId, bar.Symbol, failure.Message);
            return new(double.NaN, $"the models cannot score: {failure.Message}", null);
        }
    }

    private async Task<BarPrediction> ValidateAsync(string symbol)
    {
        var rows = _rows[symbol];
        if (!rows.Full) return BarPrediction.None;
        var verdict = await _grains.GetGrain<IPatternValidatorGrain>(_strategyId).ValidateAsync(symbol, new ModelInput(rows.Rows));
        return new(verdict.ProbabilityUp, verdict.Passed ? null : ValidatorReplay.Veto(verdict.Reason), verdict.AuditSequence);
    }

    /// <summary>The active versions' feature definitions and the longest window.</summary>
    private async Task LoadInputsAsync()
    {
        var inputs = await Task.WhenAll(_spec.Models.Select(m => _grains.GetGrain<IModelGrain>(m.Model).GetActiveInputsAsync()));
        _definitions = inputs.SelectMany(i => i.Definitions).ToList();
        _window = inputs.Max(i => i.Window);
    }
}
