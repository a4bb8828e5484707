using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;

namespace AiTrading.ML;

/// <summary>
/// Consecutive bars of one symbol with the feature vector known at each bar's close, from the first bar at which
/// every feature has a value (warm-up bars are dropped). Row <c>i</c> holds the bar's time, high, low and close and
/// its features in <see cref="FeatureNames"/> order; labels read later rows, models read row <c>i</c> (and the rows
/// before it for sequence models), so nothing from after a row's close enters its features.
/// </summary>
public sealed class FeatureDataset
{
    private readonly float[] _values; // row-major, Count × FeatureCount

    private FeatureDataset(IReadOnlyList<FeatureDefinition> definitions, string symbol, Timeframe timeframe, string[] names, DateTimeOffset[] times, double[] highs, double[] lows, double[] closes, float[] values)
    {
        Definitions = definitions;
        Symbol = symbol;
        Timeframe = timeframe;
        FeatureNames = names;
        Times = times;
        Highs = highs;
        Lows = lows;
        Closes = closes;
        _values = values;
    }

    /// <summary>The definitions the features were built from (a <see cref="Select"/>ion keeps them all).</summary>
    public IReadOnlyList<FeatureDefinition> Definitions { get; }
    public string Symbol { get; }
    public Timeframe Timeframe { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public int FeatureCount => FeatureNames.Count;
    public int Count => Times.Count;

    /// <summary>The open time of each row's bar.</summary>
    public IReadOnlyList<DateTimeOffset> Times { get; }
    public IReadOnlyList<double> Highs { get; }
    public IReadOnlyList<double> Lows { get; }
    public IReadOnlyList<double> Closes { get; }

    /// <summary>The features of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => _values.AsSpan(row * FeatureCount, FeatureCount);

    /// <summary><paramref name="length"/> consecutive rows ending at <paramref name="lastRow"/>, row-major.</summary>
    public ReadOnlySpan<float> Window(int lastRow, int length) => _values.AsSpan((lastRow - length + 1) * FeatureCount, length * FeatureCount);

    /// <summary>
    /// Runs <paramref name="definitions"/> over <paramref name="bars"/> (one symbol, one timeframe, in time order) and
    /// keeps every bar from the first one at which all features are ready.
    /// </summary>
    /// <exception cref="ValidationException">A definition is invalid, or no bar gets every feature.</exception>
    /// <exception cref="ArgumentException">A bar is unusable (see <see cref="FeaturePipeline"/>).</exception>
    public static FeatureDataset FromBars(IEnumerable<Bar> bars, IReadOnlyList<FeatureDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(definitions);
        FeaturePipeline? pipeline = null;
        string symbol = "";
        var times = new List<DateTimeOffset>();
        var highs = new List<double>();
        var lows = new List<double>();
        var closes = new List<double>();
        var values = new List<float>();
        var seen = 0;
        foreach (var bar in bars)
        {
            if (pipeline is null)
            {
                pipeline = new FeaturePipeline(definitions, bar.Timeframe);
                if (pipeline.UsesTicks)
                    throw new ValidationException("features", "tick-level features cannot be built from bars; use bar indicators only");
                symbol = bar.Symbol;
            }
            seen++;
            pipeline.OnBar(bar);
            if (times.Count == 0 && !pipeline.IsReady) continue;
            var row = pipeline.Values;
            for (var f = 0; f < row.Length; f++)
            {
                // Once ready a feature stays finite (the pipeline's contract); anything else is a broken input.
                if (!double.IsFinite(row[f]))
                    throw new ValidationException($"features.{pipeline.Names[f]}", $"is {row[f]} at {bar.OpenTime:O} after warm-up");
                values.Add((float)row[f]);
            }
            times.Add(bar.OpenTime);
            highs.Add(bar.High);
            lows.Add(bar.Low);
            closes.Add(bar.Close);
        }
        if (pipeline is null) throw new ValidationException("data", "has no bars");
        if (times.Count == 0)
            throw new ValidationException("data", $"{seen} bars are too few for the features to warm up");
        return new FeatureDataset(definitions.ToArray(), symbol, pipeline.Timeframe, pipeline.Names.ToArray(), times.ToArray(), highs.ToArray(), lows.ToArray(), closes.ToArray(), values.ToArray());
    }

    /// <summary>The same rows with only the named features, in the order given.</summary>
    /// <exception cref="ValidationException">A name is not a feature of this dataset; every unknown name is listed.</exception>
    public FeatureDataset Select(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var errors = new List<FieldError>();
        var columns = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            columns[i] = FeatureNames.IndexOf(names[i]);
            if (columns[i] < 0) errors.Add(new($"features[{i}]", $"unknown feature '{names[i]}' (the data has {string.Join(", ", FeatureNames)})"));
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        var values = new float[Count * names.Count];
        for (var r = 0; r < Count; r++)
            for (var c = 0; c < columns.Length; c++)
                values[r * names.Count + c] = _values[r * FeatureCount + columns[c]];
        return new FeatureDataset(Definitions, Symbol, Timeframe, names.ToArray(), (DateTimeOffset[])Times, (double[])Highs, (double[])Lows, (double[])Closes, values);
    }
}

internal static class ListExtensions
{
    public static int IndexOf<T>(this IReadOnlyList<T> list, T item)
    {
        for (var i = 0; i < list.Count; i++)
            if (EqualityComparer<T>.Default.Equals(list[i], item)) return i;
        return -1;
    }
}
