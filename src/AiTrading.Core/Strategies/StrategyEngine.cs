using System.Globalization;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies.Rules;

namespace AiTrading.Core.Strategies;

/// <summary>
/// The strategy's position in one instrument as its fills left it: signed quantity, average entry price, closed
/// bars since entry, and the protective prices the engine returned last (the entry's stop loss and take profit,
/// the trailing stop as it rose).
/// </summary>
public readonly record struct StrategyPosition(decimal Quantity, decimal EntryPrice, int BarsHeld, ProtectiveLevels? Protection = null)
{
    public static readonly StrategyPosition Flat = new(0, 0, 0);
}

/// <summary>
/// What the engine needs beyond the bar: the models' probability of a rise (NaN when the spec names no models or
/// none has spoken yet), the account's equity, the rate from the instrument's quote currency into the account
/// currency, and why the models refuse every entry on this bar (a pattern validator's failed verdict), if they do.
/// </summary>
public readonly record struct StrategyContext(double ProbabilityUp, decimal Equity, decimal QuoteToAccountRate, string? ModelVeto = null);

public enum SignalAction { Hold, EnterLong, EnterShort, ExitLong, ExitShort, ReverseToLong, ReverseToShort }

/// <summary>Protective prices for the position the signal leaves (null where the spec has none).</summary>
public sealed record ProtectiveLevels(decimal? StopLoss, decimal? TakeProfit, decimal? TrailingStop)
{
    /// <summary>The levels, or null when there are none.</summary>
    public static ProtectiveLevels? Of(decimal? stopLoss, decimal? takeProfit, decimal? trailingStop) =>
        stopLoss is null && takeProfit is null && trailingStop is null ? null : new(stopLoss, takeProfit, trailingStop);
}

/// <summary>The engine's verdict on one closed bar: the position to hold now, why, and its protective prices.</summary>
public sealed record StrategySignal(SignalAction Action, decimal TargetPosition, string Reason, ProtectiveLevels? Protection)
{
    public bool ChangesPosition => Action != SignalAction.Hold;
}

/// <summary>A rule of a strategy failed while evaluating (see <see cref="RuleEvaluationException"/>): the strategy must pause.</summary>
public sealed class StrategyRuleException(string field, RuleEvaluationException inner)
    : Exception($"{field}: {inner.Message}", inner)
{
    public string Field { get; } = field;
}

/// <summary>
/// Runs a compiled strategy on the closed bars of one instrument: its own feature pipeline, its four rules (each
/// evaluated on every bar, so the crosses' memory follows the bars whatever the position), the confidence gate,
/// sizing and protective levels. Pure and deterministic: the same bars and inputs give the same signals live and
/// in a backtest.
/// <para>Decisions at a bar's close. Long: a protective price the bar touched flattens (stop loss when the low
/// reaches it, take profit when the high does, the trailing stop as it stood before the bar; a bar touching both
/// the stop and the take profit counts as the stop, the conservative reading of a bar whose path is unknown); else
/// the exit rule flattens; else the short entry (passing the gate) reverses; else hold, raising the trailing stop
/// to the bar's high minus its distance. Short mirrors that. Until resting bracket orders carry them to the venue,
/// this check is what enforces the protective prices, at the bar's close. Flat:
/// the long or the short entry enters when its rule holds, the gate passes and the size is not zero; both at once
/// enter neither. The gate, when the spec names models: p_up ≥ minConfidence for a long entry, 1 − p_up ≥
/// minConfidence for a short one. Protective prices are set from the entry bar's close.</para>
/// </summary>
public sealed class StrategyEngine
{
    private readonly StrategyProgram _program;
    private readonly StrategySpec _spec;
    private readonly FeaturePipeline? _pipeline;
    private readonly double[] _inputs;
    private readonly (CompiledRule Rule, string Field)? _entryLong, _exitLong, _entryShort, _exitShort;
    private readonly int _barSlot, _positionSlot, _predictionSlot;
    private readonly int _volatilityFeature, _stopFeature, _profitFeature, _trailFeature;
    private readonly int[] _sizingFeatures;
    private static readonly StrategySignal NoEntry = new(SignalAction.Hold, 0, "no entry rule holds", null);

    /// <param name="computesFeatures">false for an engine that is handed its features (<see cref="Decide"/>), as a sweep
    /// does that computes each feature once as a column for all its parameter sets</param>
    internal StrategyEngine(StrategyProgram program, string symbol, bool computesFeatures = true)
    {
        _program = program;
        _spec = program.Spec;
        Symbol = symbol;
        _pipeline = computesFeatures ? new FeaturePipeline(_spec.Features, program.Timeframe) : null;
        _inputs = new double[program.Scope.Count];
        _barSlot = program.Scope.SlotOf(StrategyProgram.BarVariables[0]);
        _positionSlot = program.Scope.SlotOf(StrategyProgram.PositionVariables[0].Name);
        _predictionSlot = _spec.Models.Count > 0 ? program.Scope.SlotOf(StrategyProgram.PredictionVariables[0]) : -1;
        (CompiledRule, string)? Compile(string field, string? text) => text is null ? null : (CompiledRule.Compile(text, program.Scope), field);
        _entryLong = Compile("rules.entryLong", _spec.Rules.EntryLong);
        _exitLong = Compile("rules.exitLong", _spec.Rules.ExitLong);
        _entryShort = Compile("rules.entryShort", _spec.Rules.EntryShort);
        _exitShort = Compile("rules.exitShort", _spec.Rules.ExitShort);
        int FeatureSlot(string? name) => name is null ? -1 : program.Scope.SlotOf(name);
        _volatilityFeature = FeatureSlot(_spec.Sizing.VolatilityFeature);
        _stopFeature = FeatureSlot(_spec.StopLoss?.Feature);
        _profitFeature = FeatureSlot(_spec.TakeProfit?.Feature);
        _trailFeature = FeatureSlot(_spec.TrailingStop?.Feature);
        _sizingFeatures = new[] { _volatilityFeature, _stopFeature, _profitFeature, _trailFeature }.Where(slot => slot >= 0).ToArray();
    }

    public string Symbol { get; }
    public StrategyProgram Program => _program;

    /// <summary>The strategy's features on this instrument after the last bar.</summary>
    public FeatureVector Features(DateTimeOffset time) =>
        (_pipeline ?? throw new InvalidOperationException("this engine is handed its features")).ToVector(Symbol, time);

    /// <summary>Feeds one closed bar and decides.</summary>
    /// <exception cref="ArgumentException">The bar is not of this instrument and timeframe, or unusable (see <see cref="FeaturePipeline.OnBar"/>).</exception>
    /// <exception cref="StrategyRuleException">A rule failed; the strategy must pause.</exception>
    public StrategySignal OnBar(Bar bar, StrategyPosition position, StrategyContext context)
    {
        ArgumentNullException.ThrowIfNull(bar);
        if (bar.Symbol != Symbol || bar.Timeframe != _program.Timeframe)
            throw new ArgumentException($"{bar.Symbol} {bar.Timeframe} bar given to strategy '{_spec.Id}' on {Symbol} {_program.Timeframe}", nameof(bar));
        var pipeline = _pipeline ?? throw new InvalidOperationException("this engine is handed its features: call Decide");
        pipeline.OnBar(bar);
        return Decide(bar, pipeline.Values, position, context);
    }

    /// <summary>Decides on one closed bar whose features, in <see cref="StrategyProgram.FeatureNames"/> order, were computed elsewhere.</summary>
    internal StrategySignal Decide(Bar bar, ReadOnlySpan<double> features, StrategyPosition position, StrategyContext context)
    {
        FillInputs(bar, features, position, context);

        var entryLong = Evaluate(_entryLong);
        var exitLong = Evaluate(_exitLong);
        var entryShort = Evaluate(_entryShort);
        var exitShort = Evaluate(_exitShort);

        var waiting = WarmingSizingFeature();
        if (position.Quantity != 0 && ProtectiveExitTouched(position, bar) is { } touched)
            return new(position.Quantity > 0 ? SignalAction.ExitLong : SignalAction.ExitShort, 0, touched, null);
        if (position.Quantity > 0)
        {
            if (exitLong) return new(SignalAction.ExitLong, 0, "exitLong rule", null);
            if (entryShort && waiting is null && Gate(short_: true, context, out _) && Size(short_: true, bar, context) is > 0m and var size)
                return new(SignalAction.ReverseToShort, -size, "entryShort rule: reversal", EntryLevels(short_: true, bar));
            return Hold(position, bar, short_: false);
        }
        if (position.Quantity < 0)
        {
            if (exitShort) return new(SignalAction.ExitShort, 0, "exitShort rule", null);
            if (entryLong && waiting is null && Gate(short_: false, context, out _) && Size(short_: false, bar, context) is > 0m and var size)
                return new(SignalAction.ReverseToLong, size, "entryLong rule: reversal", EntryLevels(short_: false, bar));
            return Hold(position, bar, short_: true);
        }

        if (entryLong && entryShort) return new(SignalAction.Hold, 0, "entryLong and entryShort both hold: no entry", null);
        if (!entryLong && !entryShort) return NoEntry;
        var isShort = entryShort;
        var rule = isShort ? "entryShort" : "entryLong";
        if (waiting is not null) return new(SignalAction.Hold, 0, $"{rule} rule holds but {waiting} is warming up", null);
        if (!Gate(isShort, context, out var blocked)) return new(SignalAction.Hold, 0, $"{rule} rule holds but {blocked}", null);
        var quantity = Size(isShort, bar, context);
        if (quantity <= 0) return new(SignalAction.Hold, 0, $"{rule} rule holds but the position sizes to zero", null);
        return isShort
            ? new(SignalAction.EnterShort, -quantity, "entryShort rule", EntryLevels(short_: true, bar))
            : new(SignalAction.EnterLong, quantity, "entryLong rule", EntryLevels(short_: false, bar));
    }

    /// <summary>Forgets the features and the rules' memory (for a fresh run over history).</summary>
    public void Reset()
    {
        _pipeline?.Reset();
        foreach (var rule in new[] { _entryLong, _exitLong, _entryShort, _exitShort })
            rule?.Rule.Reset();
    }

    private void FillInputs(Bar bar, ReadOnlySpan<double> features, StrategyPosition position, StrategyContext context)
    {
        features.CopyTo(_inputs);
        var b = _barSlot;
        (_inputs[b], _inputs[b + 1], _inputs[b + 2], _inputs[b + 3], _inputs[b + 4]) = (bar.Open, bar.High, bar.Low, bar.Close, bar.Volume);
        var p = _positionSlot;
        var quantity = position.Quantity;
        _inputs[p] = (double)quantity;
        _inputs[p + 1] = quantity > 0 ? 1 : 0;
        _inputs[p + 2] = quantity < 0 ? 1 : 0;
        _inputs[p + 3] = quantity == 0 ? 1 : 0;
        _inputs[p + 4] = quantity == 0 ? 0 : (double)position.EntryPrice;
        _inputs[p + 5] = quantity == 0 ? 0 : position.BarsHeld;
        _inputs[p + 6] = quantity == 0 || position.EntryPrice == 0 ? 0 : Math.Sign(quantity) * (bar.Close - (double)position.EntryPrice) / (double)position.EntryPrice;
        if (_predictionSlot >= 0)
        {
            _inputs[_predictionSlot] = context.ProbabilityUp;
            _inputs[_predictionSlot + 1] = Math.Max(context.ProbabilityUp, 1 - context.ProbabilityUp);
        }
    }

    /// <summary>The first feature that sizing or the protective exits need and that has no value yet.</summary>
    private string? WarmingSizingFeature()
    {
        foreach (var slot in _sizingFeatures)
            if (!double.IsFinite(_inputs[slot])) return _program.FeatureNames[slot];
        return null;
    }

    private bool Evaluate((CompiledRule Rule, string Field)? rule)
    {
        if (rule is not { } r) return false;
        try
        {
            return r.Rule.Evaluate(_inputs);
        }
        catch (RuleEvaluationException e)
        {
            throw new StrategyRuleException(r.Field, e);
        }
    }

    private bool Gate(bool short_, StrategyContext context, out string? blocked)
    {
        blocked = null;
        if (_spec.Models.Count == 0) return true;
        if (context.ModelVeto is { } veto)
        {
            blocked = veto;
            return false;
        }
        var p = context.ProbabilityUp;
        if (double.IsNaN(p))
        {
            blocked = "the models have no prediction yet";
            return false;
        }
        var confidence = short_ ? 1 - p : p;
        if (confidence >= _spec.MinConfidence) return true;
        blocked = $"confidence {Format(confidence)} in a {(short_ ? "fall" : "rise")} is below {Format(_spec.MinConfidence)}";
        return false;
    }

    private decimal Size(bool short_, Bar bar, StrategyContext context)
    {
        var sizing = _spec.Sizing;
        var price = bar.Close * (double)context.QuoteToAccountRate; // one unit in the account currency
        var equity = (double)context.Equity;
        double raw;
        switch (sizing.Method)
        {
            case PositionSizing.FixedQuantity:
                return Lots((double)sizing.Quantity!.Value);
            case PositionSizing.FixedNotional:
                raw = price > 0 ? (double)sizing.Notional!.Value / price : 0;
                break;
            case PositionSizing.VolatilityTarget:
                var volatility = _inputs[_volatilityFeature] * (double)context.QuoteToAccountRate;
                raw = volatility > 0 && equity > 0 ? equity * sizing.RiskFraction!.Value / volatility : 0;
                break;
            default: // kelly
                var p = short_ ? 1 - context.ProbabilityUp : context.ProbabilityUp;
                var payoff = sizing.PayoffRatio ?? Distance(_spec.TakeProfit!, _profitFeature, bar.Close) / Distance(_spec.StopLoss!, _stopFeature, bar.Close);
                var fraction = Math.Min(sizing.KellyCap!.Value, p - (1 - p) / payoff);
                raw = fraction > 0 && price > 0 && equity > 0 ? fraction * equity / price : 0;
                break;
        }
        return Lots(raw);
    }

    private decimal Lots(double raw)
    {
        var sizing = _spec.Sizing;
        if (!(raw > 0)) return 0;
        var capped = sizing.MaxQuantity is { } max ? Math.Min(raw, (double)max) : raw;
        var quantity = (decimal)Math.Min(capped, 1e15);
        return Math.Floor(quantity / sizing.LotSize) * sizing.LotSize;
    }

    private ProtectiveLevels? EntryLevels(bool short_, Bar bar)
    {
        if (_spec.StopLoss is null && _spec.TakeProfit is null && _spec.TrailingStop is null) return null;
        var sign = short_ ? -1 : 1;
        var c = (double)(decimal)bar.Close; // the close as an order would carry it
        decimal? Level(ProtectiveExit? exit, int feature, int direction) =>
            exit is null ? null : (decimal)(c + direction * sign * Distance(exit, feature, c));
        return new(Level(_spec.StopLoss, _stopFeature, -1), Level(_spec.TakeProfit, _profitFeature, 1), Level(_spec.TrailingStop, _trailFeature, -1));
    }

    private static string? ProtectiveExitTouched(StrategyPosition position, Bar bar)
    {
        if (position.Protection is not { } levels) return null;
        var isLong = position.Quantity > 0;
        var (low, high) = ((decimal)bar.Low, (decimal)bar.High);
        bool Against(decimal? level) => level is { } l && (isLong ? low <= l : high >= l);
        string Touch(string what, decimal level) => $"{what} {level} touched ({(isLong ? "low" : "high")} {(isLong ? low : high)})";
        if (Against(levels.StopLoss)) return Touch("stop loss", levels.StopLoss!.Value);
        if (Against(levels.TrailingStop)) return Touch("trailing stop", levels.TrailingStop!.Value);
        if (levels.TakeProfit is { } profit && (isLong ? high >= profit : low <= profit))
            return $"take profit {profit} touched ({(isLong ? "high" : "low")} {(isLong ? high : low)})";
        return null;
    }

    private StrategySignal Hold(StrategyPosition position, Bar bar, bool short_)
    {
        var levels = position.Protection;
        if (_spec.TrailingStop is not { } trail || (_trailFeature >= 0 && !double.IsFinite(_inputs[_trailFeature])))
            return new(SignalAction.Hold, position.Quantity, "holding", levels);
        var extreme = short_ ? bar.Low : bar.High;
        var candidate = (decimal)(short_ ? extreme + Distance(trail, _trailFeature, extreme) : extreme - Distance(trail, _trailFeature, extreme));
        var level = levels?.TrailingStop is not { } current ? candidate : short_ ? Math.Min(current, candidate) : Math.Max(current, candidate);
        return new(SignalAction.Hold, position.Quantity, "holding", (levels ?? new(null, null, null)) with { TrailingStop = level });
    }

    private double Distance(ProtectiveExit exit, int feature, double price) =>
        exit.Kind == ProtectiveExit.Percent ? price * exit.Value / 100 : exit.Value * _inputs[feature];

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
