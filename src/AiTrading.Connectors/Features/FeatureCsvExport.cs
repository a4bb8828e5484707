using System.Globalization;
using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.Features;

namespace AiTrading.Connectors.Features;

/// <summary>
/// Computes features over a CSV of bars and writes them as CSV: the bar's time (<c>Date</c> for daily bars,
/// <c>Datetime</c> for intraday ones, as in the input), then one column per feature named as in the TA-Lib reference
/// files (<c>SMA_20</c>, <c>MACDSIGNAL_12_26_9</c>), values in round-trip precision, empty cells while a feature warms up.
/// </summary>
public static class FeatureCsvExport
{
    /// <returns>The number of bars written.</returns>
    /// <exception cref="ValidationException">A definition is invalid, or needs ticks or another timeframe than the file's bars.</exception>
    /// <exception cref="CsvFormatException">A row of the file is unusable (file, line and column named).</exception>
    public static int Write(CsvBarFile bars, IReadOnlyList<FeatureDefinition> definitions, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(output);
        var pipeline = new FeaturePipeline(definitions, bars.Timeframe);
        RequireComputableFromBars(definitions, bars);

        output.Write(bars.TimeColumn);
        foreach (var name in pipeline.Names)
        {
            output.Write(',');
            output.Write(name);
        }
        output.WriteLine();

        var daily = bars.TimeColumn == "Date";
        var rows = 0;
        foreach (var bar in bars.Read())
        {
            pipeline.OnBar(bar);
            output.Write(bar.OpenTime.UtcDateTime.ToString(daily ? "yyyy-MM-dd" : "yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
            foreach (var value in pipeline.Values)
            {
                output.Write(',');
                if (!double.IsNaN(value)) output.Write(value.ToString("R", CultureInfo.InvariantCulture));
            }
            output.WriteLine();
            rows++;
        }
        return rows;
    }

    private static void RequireComputableFromBars(IReadOnlyList<FeatureDefinition> definitions, CsvBarFile bars)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < definitions.Count; i++)
        {
            var single = new FeaturePipeline([definitions[i] with { Name = null }], bars.Timeframe);
            if (single.UsesTicks)
                errors.Add(new($"features[{i}].indicator", $"{definitions[i].Indicator} runs on ticks; {bars.Path} has {bars.Timeframe} bars"));
            else if (single.BarTimeframes.Any(t => t != bars.Timeframe))
                errors.Add(new($"features[{i}].timeframe", $"{bars.Path} has {bars.Timeframe} bars; features on {definitions[i].Timeframe} cannot be computed from them"));
        }
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}
