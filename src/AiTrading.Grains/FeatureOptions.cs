using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;

namespace AiTrading.Grains;

/// <summary>
/// The features every instrument computes (configuration section "Features"): a list of definitions, e.g.
/// <c>Features__Definitions__0__Indicator=RSI</c>, <c>Features__Definitions__0__Parameters__period=7</c>.
/// An empty list means <see cref="DefaultFeatures.All"/>. Checked at start-up: a bad definition stops the silo
/// with every problem named.
/// </summary>
public sealed class FeatureOptions
{
    public const string Section = "Features";

    public List<FeatureEntry> Definitions { get; set; } = [];

    public IReadOnlyList<FeatureDefinition> Resolve() =>
        Definitions.Count == 0 ? DefaultFeatures.All : Definitions.Select(d => d.ToDefinition()).ToArray();

    public IReadOnlyList<FieldError> Validate()
    {
        var definitions = Resolve();
        var errors = FeaturePipeline.Validate(definitions, Timeframe.M1)
            .Select(e => e with { Field = $"{Section}:{e.Field.Replace("features[", "Definitions[", StringComparison.Ordinal)}" })
            .ToList();
        if (errors.Count > 0) return errors;
        // Strategies score bars with the baseline model, which reads these by name.
        var names = new FeaturePipeline(definitions, Timeframe.M1).Names;
        var missing = BaselineDirectionModel.RequiredFeatures.Except(names).ToArray();
        if (missing.Length > 0)
            errors.Add(new($"{Section}:Definitions", $"the strategies' baseline model reads {string.Join(", ", BaselineDirectionModel.RequiredFeatures)}; add {string.Join(", ", missing)}"));
        return errors;
    }

    /// <summary>One definition as configuration binds it (see <see cref="FeatureDefinition"/>).</summary>
    public sealed class FeatureEntry
    {
        public string? Indicator { get; set; }
        public Dictionary<string, double> Parameters { get; set; } = [];
        public string? Output { get; set; }
        public string? Timeframe { get; set; }
        public string? Name { get; set; }

        public FeatureDefinition ToDefinition() => new(Indicator!, Parameters, Output, Timeframe, Name);
    }
}
