using System.Text.Json;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features;

/// <summary>
/// The feature rows (name → value) of the last <see cref="Window"/> consecutive closed bars of one instrument, as
/// models read them: each distinct definition (several models may name the same one) computed on each bar, oldest row
/// first. A bar on which a feature has no value (warming up, or undefined on that bar) starts the rows over, since a
/// window must be consecutive.
/// </summary>
public sealed class FeatureRowWindow(IEnumerable<FeatureDefinition> definitions, Timeframe timeframe, int window)
{
    private readonly FeaturePipeline _pipeline = new(definitions.DistinctBy(d => JsonSerializer.Serialize(d, JsonInput.Options)).ToList(), timeframe);
    private readonly Queue<IReadOnlyDictionary<string, double>> _rows = new();

    public int Window => window;
    public bool Full => _rows.Count == window;
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Rows => _rows.ToList();

    public void OnBar(Bar bar)
    {
        _pipeline.OnBar(bar);
        var values = _pipeline.Values;
        var row = new Dictionary<string, double>(values.Length, StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                _rows.Clear();
                return;
            }
            row[_pipeline.Names[i]] = values[i];
        }
        _rows.Enqueue(row);
        if (_rows.Count > window) _rows.Dequeue();
    }
}
