using System.Globalization;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies.Rules;

namespace AiTrading.Core.Strategies;

/// <summary>
/// What exists where a spec is checked: instruments, timeframes with bars (null: every timeframe
/// <see cref="Timeframe.TryParseName"/> takes, as the live cluster builds bars for any), models and venues.
/// </summary>
public sealed record StrategyCatalog(
    IReadOnlySet<string> Instruments,
    IReadOnlySet<string>? Timeframes,
    IReadOnlySet<string> Models,
    IReadOnlySet<string> Venues);

/// <summary>
/// A validated <see cref="StrategySpec"/>, compiled: its feature pipeline definitions, the variables its rules read
/// and the rule texts. <see cref="CreateEngine"/> gives each instrument an engine with its own rule memory.
/// <para>Rule variables (see <see cref="VariableNames"/>): every feature of the spec by its name; the bar's
/// <c>open, high, low, close, volume</c>; the position's <c>position</c> (signed units), <c>long</c>, <c>short</c>,
/// <c>flat</c> (conditions), <c>entry_price</c>, <c>bars_held</c> and <c>unrealized_return</c> (fraction since entry,
/// positive when the position gains; 0 when flat); and, when the spec names models, <c>p_up</c> (the probability of
/// a rise) and <c>confidence</c> (max(p_up, 1 − p_up)).</para>
/// </summary>
public sealed class StrategyProgram
{
    public const int MaxIdLength = 48;
    public const int MaxInstruments = 100;
    public const int MaxFeatures = 200;
    public const int MaxModels = 16;

    internal static readonly string[] BarVariables = ["open", "high", "low", "close", "volume"];
    internal static readonly (string Name, RuleType Type)[] PositionVariables =
    [
        ("position", RuleType.Number), ("long", RuleType.Boolean), ("short", RuleType.Boolean), ("flat", RuleType.Boolean),
        ("entry_price", RuleType.Number), ("bars_held", RuleType.Number), ("unrealized_return", RuleType.Number),
    ];
    internal static readonly string[] PredictionVariables = ["p_up", "confidence"];

    private StrategyProgram(StrategySpec spec, Timeframe timeframe, IReadOnlyList<string> featureNames, RuleScope scope)
    {
        Spec = spec;
        Timeframe = timeframe;
        FeatureNames = featureNames;
        Scope = scope;
    }

    public StrategySpec Spec { get; }
    public Timeframe Timeframe { get; }

    /// <summary>The features of the spec, in pipeline (and scope) order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    public IReadOnlyList<string> VariableNames => Scope.Names;

    internal RuleScope Scope { get; }

    /// <summary>A fresh engine for one of the spec's instruments.</summary>
    public StrategyEngine CreateEngine(string symbol)
    {
        if (!Spec.Instruments.Contains(symbol)) throw new ArgumentException($"strategy '{Spec.Id}' does not trade '{symbol}'", nameof(symbol));
        return new StrategyEngine(this, symbol);
    }

    /// <exception cref="ValidationException">Every problem of the spec, each naming its field.</exception>
    public static StrategyProgram Compile(StrategySpec spec, StrategyCatalog catalog)
    {
        var (program, errors) = Check(spec, catalog);
        if (errors.Count > 0) throw new ValidationException(errors);
        return program!;
    }

    /// <summary>Every problem of the spec, each naming its field; empty when it is valid.</summary>
    public static IReadOnlyList<FieldError> Validate(StrategySpec spec, StrategyCatalog catalog) => Check(spec, catalog).Errors;

    private static (StrategyProgram? Program, List<FieldError> Errors) Check(StrategySpec spec, StrategyCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "id", spec.Id);
        if (spec.Id is { Length: > MaxIdLength and <= Identifiers.MaxLength })
            errors.Add(new("id", $"must be at most {MaxIdLength} characters (the strategy's client order ids are made from it)"));
        Identifiers.Require(errors, "account", spec.Account);
        if (spec.Version < 1) errors.Add(new("version", $"must be 1 or more (got {spec.Version})"));
        CheckInstruments(spec, catalog, errors);

        Timeframe? timeframe = null;
        if (string.IsNullOrWhiteSpace(spec.Timeframe)) errors.Add(new("timeframe", "is required (e.g. M1)"));
        else if (catalog.Timeframes is null)
        {
            if (Timeframe.TryParseName(spec.Timeframe, out var named, out var problem)) timeframe = named;
            else errors.Add(new("timeframe", problem));
        }
        else if (!catalog.Timeframes.Contains(spec.Timeframe))
            errors.Add(new("timeframe", $"'{spec.Timeframe}' has no bars here (use {string.Join(", ", catalog.Timeframes)})"));
        else timeframe = Timeframe.Parse(spec.Timeframe);

        var features = CheckFeatures(spec, timeframe, errors);
        CheckModels(spec, catalog, errors);
        if (string.IsNullOrWhiteSpace(spec.Venue)) errors.Add(new("venue", "is required"));
        else if (!catalog.Venues.Contains(spec.Venue)) errors.Add(new("venue", $"unknown venue '{spec.Venue}' (known: {string.Join(", ", catalog.Venues)})"));

        RuleScope? scope = null;
        if (features is not null)
        {
            scope = new RuleScope();
            foreach (var name in features) scope.Add(name);
            foreach (var name in BarVariables) scope.Add(name);
            foreach (var (name, type) in PositionVariables) scope.Add(name, type);
            if (spec.Models.Count > 0) foreach (var name in PredictionVariables) scope.Add(name);
            CheckRules(spec, scope, errors);
        }
        CheckSizing(spec, features, errors);
        CheckExit(errors, "stopLoss", spec.StopLoss, features);
        CheckExit(errors, "takeProfit", spec.TakeProfit, features);
        CheckExit(errors, "trailingStop", spec.TrailingStop, features);
        CheckLimits(spec.Limits, errors);

        return errors.Count > 0 ? (null, errors) : (new StrategyProgram(spec, timeframe!.Value, features!, scope!), errors);
    }

    private static void CheckInstruments(StrategySpec spec, StrategyCatalog catalog, List<FieldError> errors)
    {
        if (spec.Instruments is null || spec.Instruments.Count == 0)
        {
            errors.Add(new("instruments", "must name at least one instrument"));
            return;
        }
        if (spec.Instruments.Count > MaxInstruments)
        {
            errors.Add(new("instruments", $"must name at most {MaxInstruments} instruments (got {spec.Instruments.Count})"));
            return;
        }
        for (var i = 0; i < spec.Instruments.Count; i++)
        {
            var symbol = spec.Instruments[i];
            if (string.IsNullOrWhiteSpace(symbol)) errors.Add(new($"instruments[{i}]", "is empty"));
            else if (symbol != InstrumentCatalog.NormalizeSymbol(symbol)) errors.Add(new($"instruments[{i}]", $"'{symbol}' must be upper case without spaces"));
            else if (!catalog.Instruments.Contains(symbol)) errors.Add(new($"instruments[{i}]", $"unknown instrument '{symbol}'"));
            else if (spec.Instruments.Take(i).Contains(symbol)) errors.Add(new($"instruments[{i}]", $"'{symbol}' is named twice"));
        }
    }

    private static IReadOnlyList<string>? CheckFeatures(StrategySpec spec, Timeframe? timeframe, List<FieldError> errors)
    {
        var definitions = spec.Features ?? [];
        if (definitions.Count > MaxFeatures)
        {
            errors.Add(new("features", $"must name at most {MaxFeatures} features (got {definitions.Count})"));
            return null;
        }
        if (definitions.Count == 0) return timeframe is null ? null : [];
        if (timeframe is null) return null;
        var problems = FeaturePipeline.Validate(definitions, timeframe.Value);
        errors.AddRange(problems);
        if (problems.Count > 0) return null;

        var pipeline = new FeaturePipeline(definitions, timeframe.Value);
        var before = errors.Count;
        if (pipeline.UsesTicks)
            errors.Add(new("features", "strategies compute their features from bars; tick-level features (MICROSTRUCTURE) are not available to them yet"));
        var reserved = BarVariables.Concat(PositionVariables.Select(v => v.Name)).Concat(PredictionVariables).ToHashSet(StringComparer.Ordinal);
        foreach (var name in pipeline.Names.Where(reserved.Contains))
            errors.Add(new("features", $"feature name '{name}' is a rule variable; give the feature another name"));
        return errors.Count > before ? null : pipeline.Names;
    }

    private static void CheckModels(StrategySpec spec, StrategyCatalog catalog, List<FieldError> errors)
    {
        var models = spec.Models ?? [];
        if (models.Count > MaxModels) errors.Add(new("models", $"must name at most {MaxModels} models (got {models.Count})"));
        for (var i = 0; i < Math.Min(models.Count, MaxModels); i++)
        {
            var model = models[i];
            if (model is null || string.IsNullOrWhiteSpace(model.Model)) errors.Add(new($"models[{i}].model", "is required"));
            else if (!catalog.Models.Contains(model.Model)) errors.Add(new($"models[{i}].model", $"unknown model '{model.Model}' (known: {string.Join(", ", catalog.Models)})"));
            else if (models.Take(i).Any(m => m?.Model == model.Model)) errors.Add(new($"models[{i}].model", $"'{model.Model}' is named twice"));
            if (model is not null && !(model.Weight > 0 && double.IsFinite(model.Weight)))
                errors.Add(new($"models[{i}].weight", $"must be a finite number greater than 0 (got {Format(model.Weight)})"));
        }
        if (!(spec.MinConfidence >= 0.5 && spec.MinConfidence <= 1))
            errors.Add(new("minConfidence", $"must be between 0.5 and 1 (got {Format(spec.MinConfidence)})"));
    }

    private static void CheckRules(StrategySpec spec, RuleScope scope, List<FieldError> errors)
    {
        var rules = spec.Rules ?? new StrategyRules();
        if (string.IsNullOrWhiteSpace(rules.EntryLong) && string.IsNullOrWhiteSpace(rules.EntryShort))
            errors.Add(new("rules", "needs an entryLong or an entryShort rule"));
        (string Field, string? Text, string? EntryOfSide)[] all =
        [
            ("rules.entryLong", rules.EntryLong, null), ("rules.exitLong", rules.ExitLong, rules.EntryLong),
            ("rules.entryShort", rules.EntryShort, null), ("rules.exitShort", rules.ExitShort, rules.EntryShort),
        ];
        foreach (var (field, text, entry) in all)
        {
            if (text is null) continue;
            if (field.StartsWith("rules.exit", StringComparison.Ordinal) && string.IsNullOrWhiteSpace(entry))
            {
                errors.Add(new(field, $"there is no {field.Replace("rules.exit", "entry", StringComparison.Ordinal)} rule, so no position for it to exit"));
                continue;
            }
            try
            {
                CompiledRule.Compile(text, scope);
            }
            catch (RuleSyntaxException e)
            {
                var needsModel = spec.Models.Count == 0 && PredictionVariables.Any(v => e.Detail.StartsWith($"unknown name '{v}'", StringComparison.Ordinal));
                errors.Add(new(field, needsModel ? $"at column {e.Column}: p_up and confidence need a model; name one in models" : e.Message));
            }
        }
    }

    private static void CheckSizing(StrategySpec spec, IReadOnlyList<string>? features, List<FieldError> errors)
    {
        var sizing = spec.Sizing ?? new PositionSizing();
        if (!PositionSizing.Methods.Contains(sizing.Method))
        {
            errors.Add(new("sizing.method", $"unknown method '{sizing.Method}' (use {string.Join(", ", PositionSizing.Methods)})"));
            return;
        }
        void Positive(string field, decimal? value)
        {
            if (value is null) errors.Add(new($"sizing.{field}", $"is required for {sizing.Method}"));
            else if (value <= 0) errors.Add(new($"sizing.{field}", $"must be greater than 0 (got {value})"));
        }
        switch (sizing.Method)
        {
            case PositionSizing.FixedQuantity:
                Positive("quantity", sizing.Quantity);
                break;
            case PositionSizing.FixedNotional:
                Positive("notional", sizing.Notional);
                break;
            case PositionSizing.VolatilityTarget:
                if (sizing.RiskFraction is not (> 0 and <= 0.1)) errors.Add(new("sizing.riskFraction", $"must be in (0, 0.1] for {sizing.Method} (got {Format(sizing.RiskFraction)})"));
                RequireFeature(errors, "sizing.volatilityFeature", sizing.VolatilityFeature, features, sizing.Method);
                break;
            case PositionSizing.Kelly:
                if (spec.Models.Count == 0) errors.Add(new("sizing.method", "kelly sizes by the models' confidence; name a model in models"));
                if (sizing.KellyCap is not (> 0 and <= 1)) errors.Add(new("sizing.kellyCap", $"must be in (0, 1] for kelly (got {Format(sizing.KellyCap)})"));
                if (sizing.PayoffRatio is { } ratio && !(ratio > 0 && double.IsFinite(ratio))) errors.Add(new("sizing.payoffRatio", $"must be greater than 0 (got {Format(ratio)})"));
                if (sizing.PayoffRatio is null && !(spec.StopLoss is { } stop && spec.TakeProfit is { } profit && stop.Kind == profit.Kind && stop.Feature == profit.Feature))
                    errors.Add(new("sizing.payoffRatio", "is required unless stopLoss and takeProfit of the same kind give it"));
                break;
        }
        if (sizing.MaxQuantity is <= 0) errors.Add(new("sizing.maxQuantity", $"must be greater than 0 (got {sizing.MaxQuantity})"));
        if (sizing.LotSize <= 0) errors.Add(new("sizing.lotSize", $"must be greater than 0 (got {sizing.LotSize})"));
        if (sizing.Quantity is { } quantity) Bounds.Quantity(errors, "sizing.quantity", quantity);
        if (sizing.MaxQuantity is { } maxQuantity) Bounds.Quantity(errors, "sizing.maxQuantity", maxQuantity);
        Bounds.Quantity(errors, "sizing.lotSize", sizing.LotSize);
        Bounds.Money(errors, "sizing.notional", sizing.Notional);
    }

    private static void CheckExit(List<FieldError> errors, string field, ProtectiveExit? exit, IReadOnlyList<string>? features)
    {
        if (exit is null) return;
        switch (exit.Kind)
        {
            case ProtectiveExit.Percent:
                if (!(exit.Value > 0 && exit.Value < 100)) errors.Add(new($"{field}.value", $"must be a percentage in (0, 100) (got {Format(exit.Value)})"));
                if (exit.Feature is not null) errors.Add(new($"{field}.feature", "applies only to kind 'atr'"));
                break;
            case ProtectiveExit.Atr:
                if (!(exit.Value > 0 && exit.Value <= 100)) errors.Add(new($"{field}.value", $"must be a multiple in (0, 100] (got {Format(exit.Value)})"));
                RequireFeature(errors, $"{field}.feature", exit.Feature, features, "kind 'atr'");
                break;
            default:
                errors.Add(new($"{field}.kind", $"unknown kind '{exit.Kind}' (use {ProtectiveExit.Percent} or {ProtectiveExit.Atr})"));
                break;
        }
    }

    private static void RequireFeature(List<FieldError> errors, string field, string? name, IReadOnlyList<string>? features, string forWhat)
    {
        if (string.IsNullOrWhiteSpace(name)) errors.Add(new(field, $"is required for {forWhat}"));
        else if (features is not null && !features.Contains(name))
            errors.Add(new(field, $"'{name}' is not one of the strategy's features ({(features.Count == 0 ? "it has none" : string.Join(", ", features))})"));
    }

    private static void CheckLimits(StrategyLimits? limits, List<FieldError> errors)
    {
        if (limits is null) return;
        if (limits.MaxPosition is <= 0) errors.Add(new("limits.maxPosition", $"must be greater than 0 (got {limits.MaxPosition})"));
        if (limits.MaxOrderNotional is <= 0) errors.Add(new("limits.maxOrderNotional", $"must be greater than 0 (got {limits.MaxOrderNotional})"));
        if (limits.MaxDailyLoss is <= 0) errors.Add(new("limits.maxDailyLoss", $"must be greater than 0 (got {limits.MaxDailyLoss})"));
        if (limits.MaxPosition is { } maxPosition) Bounds.Quantity(errors, "limits.maxPosition", maxPosition);
        Bounds.Money(errors, "limits.maxOrderNotional", limits.MaxOrderNotional);
        Bounds.Money(errors, "limits.maxDailyLoss", limits.MaxDailyLoss);
        if (limits.MaxOrdersPerMinute is < 1 or > 10_000) errors.Add(new("limits.maxOrdersPerMinute", $"must be between 1 and 10000 (got {limits.MaxOrdersPerMinute})"));
    }

    private static string Format(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "nothing";
}
