using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.ML;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains.Models;

public static class ModelAuditKinds
{
    /// <summary>A pattern validator's verdict with the inputs and every model's vote.</summary>
    public const string Verdict = "model.verdict";
}

/// <summary>
/// Combines the models a strategy names into one calibrated confidence (<see cref="Ensemble"/>), fitted on the
/// active versions' out-of-sample records and refitted when a model's active version changes. Every verdict, with
/// its inputs, goes to the configured audit stream.
/// </summary>
[GenerateSerializer, Alias("pattern-validator-state")]
public sealed class PatternValidatorState
{
    [Id(0)] public PatternValidatorConfig? Config { get; set; }
}

public sealed class PatternValidatorGrain([PersistentState("pattern-validator")] IPersistentState<PatternValidatorState> state,
    IOptions<ModelOptions> options, InferenceBacklog inference, TimeProvider clock) : Grain, IPatternValidatorGrain
{
    private Ensemble? _ensemble;
    private ModelEvidenceView[] _evidence = [];
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public async Task ConfigureAsync(PatternValidatorConfig value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Settings(value); // validates the words and numbers first
        if (value.Models is not { Count: > 0 }) throw new ValidationException("models", "name at least one model");
        if (string.IsNullOrWhiteSpace(value.AuditStream)) throw new ValidationException("auditStream", "must name an audit stream");
        var evidence = await EvidenceAsync(value);
        Fit(value, evidence); // a configuration that cannot be fitted is refused now, not at the first signal
        state.State.Config = value;
        await state.WriteStateAsync();
        _ensemble = null;
    }

    public Task<PatternValidatorConfig?> GetConfigAsync() => Task.FromResult(state.State.Config);

    public async Task<PatternVerdict> ValidateAsync(string symbol, ModelInput input)
    {
        var cfg = state.State.Config ?? throw new NotFoundException("pattern validator", this.GetPrimaryKeyString());
        var ensemble = await EnsembleAsync(cfg);
        var predictions = await Task.WhenAll(_evidence.Select(e => inference.PredictAsync(GrainFactory, e.Model, e.Kind, input)));
        var verdict = ensemble.Judge(predictions.Select(p => p.Score).ToArray());
        TradingMetrics.Verdicts.Add(1, TradingMetrics.Tag("outcome", verdict.Passed ? "passed" : "vetoed"));
        var votes = predictions.Select((p, i) => new ValidatorVote(p.Model, p.Version, p.Hash, p.Score, verdict.Calibrated[i],
            ensemble.Checks[i].Auc, ensemble.Checks[i].PValue, ensemble.Checks[i].Significant)).ToList();
        var record = await AuditJson.AppendAsync(GrainFactory, cfg.AuditStream, ModelAuditKinds.Verdict, new
        {
            validator = this.GetPrimaryKeyString(), symbol, cfg.Combination, cfg.Calibration, cfg.Threshold,
            verdict.Passed, verdict.ProbabilityUp, verdict.Confidence, verdict.Agreement, verdict.Significant, verdict.Reason,
            votes, inputs = input.Rows,
        });
        return new PatternVerdict(this.GetPrimaryKeyString(), verdict.Passed, verdict.ProbabilityUp, verdict.Confidence, verdict.Agreement,
            verdict.Significant, verdict.Reason, votes, record.Sequence);
    }

    private async Task<Ensemble> EnsembleAsync(PatternValidatorConfig cfg)
    {
        var now = clock.GetUtcNow();
        if (_ensemble is not null && now - _checkedAt < options.Value.InferenceRefresh) return _ensemble;
        var active = await Task.WhenAll(cfg.Models.Select(m => GrainFactory.GetGrain<IModelGrain>(m.Model).GetActiveVersionAsync()));
        _checkedAt = now;
        if (_ensemble is not null && active.Select((v, i) => v == _evidence[i].Version).All(same => same)) return _ensemble;
        _evidence = await EvidenceAsync(cfg);
        return _ensemble = Fit(cfg, _evidence);
    }

    private async Task<ModelEvidenceView[]> EvidenceAsync(PatternValidatorConfig cfg)
    {
        var evidence = await Task.WhenAll(cfg.Models.Select(m => GrainFactory.GetGrain<IModelGrain>(m.Model).GetActiveEvidenceAsync()));
        var errors = evidence.Select((e, i) => (e, i)).Where(x => x.e.Task != "direction")
            .Select(x => new FieldError($"models[{x.i}]", $"model '{x.e.Model}' forecasts returns; the validator combines direction models")).ToList();
        if (errors.Count > 0) throw new ValidationException(errors);
        return evidence;
    }

    /// <summary>The ensemble a configuration describes, fitted on its models' active versions' out-of-sample records (backtests replay it too).</summary>
    internal static Ensemble Fit(PatternValidatorConfig cfg, ModelEvidenceView[] evidence) => Ensemble.Fit(Models(cfg, evidence), Settings(cfg));

    private static List<ModelEvidence> Models(PatternValidatorConfig cfg, ModelEvidenceView[] evidence) =>
        cfg.Models.Select((m, i) => new ModelEvidence(m.Model, m.Weight,
            new OutOfSampleScores(evidence[i].OutOfSample.Times, evidence[i].OutOfSample.Scores, evidence[i].OutOfSample.Up, new double[evidence[i].OutOfSample.Scores.Length], evidence[i].OutOfSample.Horizon))).ToList();

    private static EnsembleSettings Settings(PatternValidatorConfig cfg)
    {
        List<FieldError> errors = [];
        CombinationMethod? combination = cfg.Combination?.ToLowerInvariant() switch { "weighted" => CombinationMethod.Weighted, "stacking" => CombinationMethod.Stacking, _ => null };
        if (combination is null) errors.Add(new("combination", $"'{cfg.Combination}' is not a combination (use weighted or stacking)"));
        CalibrationMethod? calibration = cfg.Calibration?.ToLowerInvariant() switch { "platt" => CalibrationMethod.Platt, "isotonic" => CalibrationMethod.Isotonic, "none" => CalibrationMethod.None, _ => null };
        if (calibration is null) errors.Add(new("calibration", $"'{cfg.Calibration}' is not a calibration (use platt, isotonic or none)"));
        var settings = new EnsembleSettings(combination ?? default, calibration ?? default, cfg.Threshold, cfg.MinAgreement, cfg.SignificanceLevel);
        errors.AddRange(settings.Validate());
        if (errors.Count > 0) throw new ValidationException(errors);
        return settings;
    }
}
