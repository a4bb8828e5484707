using AiTrading.Core;
using AiTrading.Core.Features;

namespace AiTrading.Connectors.Features;

/// <summary>
/// Reads a JSON array of feature definitions, e.g.
/// <c>[{"indicator": "RSI", "parameters": {"period": 7}}, {"indicator": "MACD", "output": "signal", "name": "trigger"}]</c>
/// (fields as in <see cref="FeatureDefinition"/>, read as <see cref="JsonInput"/> reads). Malformed JSON is a
/// <see cref="FormatException"/> naming the file, line and JSON path; whether the definitions make sense is for
/// <see cref="FeaturePipeline"/> to say.
/// </summary>
public static class FeatureDefinitionFile
{
    public static IReadOnlyList<FeatureDefinition> Read(string path) => JsonInput.Read<FeatureDefinition[]>(path, "feature definitions");

    /// <param name="source">What to call the text in errors (a file name).</param>
    public static IReadOnlyList<FeatureDefinition> Parse(string json, string source) => JsonInput.Parse<FeatureDefinition[]>(json, source);
}
