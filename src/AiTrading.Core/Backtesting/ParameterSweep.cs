using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// One swept parameter: <see cref="Name"/> is either a path to a number in the spec's JSON (<c>features[0].parameters.period</c>,
/// <c>sizing.quantity</c>) or a placeholder written <c>{name}</c> inside the spec's texts (a rule's threshold:
/// <c>"RSI_14 &lt; {oversold}"</c>), and takes each of <see cref="Values"/>.
/// </summary>
public sealed record SweepParameter(string Name, IReadOnlyList<double> Values)
{
    public bool IsPath => Name.Contains('.') || Name.Contains('[');

    /// <summary>Reads <c>NAME=FROM:TO:STEP</c> (inclusive) or <c>NAME=A,B,C</c>.</summary>
    /// <exception cref="ValidationException">Malformed, or more than 10,000 values.</exception>
    public static SweepParameter Parse(string text)
    {
        var split = text.IndexOf('=');
        if (split <= 0) throw new ValidationException("param", $"'{text}' is not NAME=FROM:TO:STEP or NAME=A,B,C");
        var (name, values) = (text[..split].Trim(), text[(split + 1)..].Trim());
        double Number(string part) => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new ValidationException("param", $"{name}: '{part}' is not a number");
        var range = values.Split(':');
        if (range.Length == 3)
        {
            var (from, to, step) = (Number(range[0]), Number(range[1]), Number(range[2]));
            if (!(step > 0) || to < from) throw new ValidationException("param", $"{name}: {values} needs FROM <= TO and a STEP above 0");
            var count = (long)Math.Floor((to - from) / step + 1e-9) + 1;
            if (count > 10_000) throw new ValidationException("param", $"{name}: {values} gives {count} values, more than 10000");
            return new(name, Enumerable.Range(0, (int)count).Select(i => Math.Round(from + i * step, 10)).ToArray());
        }
        if (range.Length != 1) throw new ValidationException("param", $"{name}: '{values}' is not FROM:TO:STEP or A,B,C");
        return new(name, values.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Number).ToArray());
    }
}

/// <summary>One parameter set of a sweep and how it did (<see cref="Error"/> instead when its spec is invalid or a rule failed).</summary>
public sealed record SweepPoint(IReadOnlyDictionary<string, double> Parameters, BacktestResult? Result, string? Error)
{
    public BacktestStatistics? Statistics => Result?.Statistics;
}

public sealed record SweepResult(string RankedBy, IReadOnlyList<SweepPoint> Points, TimeSpan Elapsed)
{
    public double EvaluationsPerSecond => Points.Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// Parameter grids over a spec template, evaluated in parallel by one <see cref="VectorizedBacktest"/> (features shared
/// as columns), ranked by a statistic: best first, ties and undefined figures after, in grid order.
/// </summary>
public static class ParameterSweep
{
    /// <summary>Statistics a sweep can rank by; all but maxDrawdown rank high first.</summary>
    public static readonly IReadOnlyList<string> Rankings =
        ["sharpe", "sortino", "totalReturn", "cagr", "calmar", "profitFactor", "expectancy", "winRate", "finalEquity", "maxDrawdown"];

    public static void CheckRanking(string rankBy)
    {
        if (!Rankings.Contains(rankBy)) throw new ValidationException("rank", $"unknown statistic '{rankBy}' (use {string.Join(", ", Rankings)})");
    }

    /// <summary>Every combination of the parameters (the last varying fastest), as parameter values and the spec they make.</summary>
    /// <exception cref="ValidationException">A parameter's path or placeholder is not in the template.</exception>
    public static IReadOnlyList<(IReadOnlyDictionary<string, double> Parameters, string Json)> Expand(string template, IReadOnlyList<SweepParameter> parameters)
    {
        var root = JsonNode.Parse(template, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                   ?? throw new ValidationException("spec", "the template is empty");
        if (parameters.Count == 0) throw new ValidationException("param", "name at least one parameter to sweep");
        foreach (var p in parameters)
        {
            if (p.Values.Count == 0) throw new ValidationException("param", $"{p.Name}: no values");
            if (p.IsPath) Locate(root, p.Name);
            else if (!root.ToJsonString().Contains($"{{{p.Name}}}", StringComparison.Ordinal))
                throw new ValidationException("param", $"{p.Name}: the template has no placeholder {{{p.Name}}} (or give a path such as features[0].parameters.period)");
        }
        var total = parameters.Aggregate(1L, (n, p) => n * p.Values.Count);
        if (total > 1_000_000) throw new ValidationException("param", $"the grid has {total} points, more than 1000000");
        var points = new List<(IReadOnlyDictionary<string, double>, string)>((int)total);
        var index = new int[parameters.Count];
        for (var n = 0; n < total; n++)
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            var spec = root.DeepClone();
            for (var i = 0; i < parameters.Count; i++)
            {
                var (p, value) = (parameters[i], parameters[i].Values[index[i]]);
                values[p.Name] = value;
                if (p.IsPath)
                {
                    var (parent, key) = Locate(spec, p.Name);
                    if (parent is JsonObject o) o[(string)key] = value;
                    else ((JsonArray)parent)[(int)key] = value;
                }
                else spec = Replace(spec, $"{{{p.Name}}}", value.ToString("R", CultureInfo.InvariantCulture));
            }
            points.Add((values, spec.ToJsonString()));
            for (var i = parameters.Count - 1; i >= 0 && ++index[i] == parameters[i].Values.Count; i--) index[i] = 0;
        }
        return points;
    }

    /// <summary>Runs every point of the grid over <paramref name="engine"/>'s data and window (or <paramref name="window"/>), ranked by <paramref name="rankBy"/>.</summary>
    public static SweepResult Run(VectorizedBacktest engine, string template, IReadOnlyList<SweepParameter> parameters, string rankBy,
        (int First, int End)? window = null, int? parallelism = null, CancellationToken cancellationToken = default)
    {
        CheckRanking(rankBy);
        var grid = Expand(template, parameters);
        var (first, end) = window ?? (engine.First, engine.End);
        var clock = Stopwatch.StartNew();
        var points = new SweepPoint[grid.Count];
        Parallel.For(0, grid.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
        {
            var (values, json) = grid[i];
            try
            {
                var spec = JsonInput.Parse<StrategySpec>(json, "spec");
                points[i] = new(values, engine.Run(spec, first, end), null);
            }
            catch (Exception e) when (e is ValidationException or FormatException)
            {
                points[i] = new(values, null, e.Message);
            }
        });
        return new(rankBy, Rank(points, rankBy), clock.Elapsed);
    }

    internal static IReadOnlyList<SweepPoint> Rank(IReadOnlyList<SweepPoint> points, string rankBy)
    {
        var lowerIsBetter = rankBy == "maxDrawdown";
        return points.Select((p, i) => (Point: p, Index: i, Score: Score(p, rankBy)))
            .OrderBy(x => x.Score is null ? 1 : 0)
            .ThenBy(x => x.Score is { } s ? (lowerIsBetter ? s : -s) : 0)
            .ThenBy(x => x.Index)
            .Select(x => x.Point).ToList();
    }

    public static double? Score(SweepPoint point, string rankBy)
    {
        if (point.Result is not { } r) return null;
        var s = r.Statistics;
        return rankBy switch
        {
            "sharpe" => s.Sharpe,
            "sortino" => s.Sortino,
            "totalReturn" => s.TotalReturn,
            "cagr" => s.Cagr,
            "calmar" => s.Calmar,
            "profitFactor" => s.ProfitFactor,
            "expectancy" => s.Expectancy,
            "winRate" => s.WinRate,
            "finalEquity" => (double)r.FinalEquity,
            "maxDrawdown" => s.MaxDrawdown,
            _ => throw new ValidationException("rank", $"unknown statistic '{rankBy}'"),
        };
    }

    private static (JsonNode Parent, object Key) Locate(JsonNode root, string path)
    {
        var parts = new List<object>();
        foreach (var segment in path.Split('.'))
        {
            var bracket = segment.IndexOf('[');
            var name = bracket < 0 ? segment : segment[..bracket];
            if (name.Length > 0) parts.Add(name);
            for (var rest = bracket < 0 ? "" : segment[bracket..]; rest.Length > 0;)
            {
                var close = rest.IndexOf(']');
                if (rest[0] != '[' || close < 0 || !int.TryParse(rest[1..close], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                    throw new ValidationException("param", $"{path}: '{segment}' is not NAME or NAME[INDEX]");
                parts.Add(i);
                rest = rest[(close + 1)..];
            }
        }
        var node = root;
        for (var k = 0; k < parts.Count; k++)
        {
            var part = parts[k];
            JsonNode? next = part is string key
                ? node is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value : null
                : node is JsonArray a && (int)part < a.Count ? a[(int)part] : null;
            if (k == parts.Count - 1)
            {
                if (next is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
                    throw new ValidationException("param", $"{path}: the template has no number there");
                var actualKey = part is string name ? ((JsonObject)node).First(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Key : part;
                return (node, actualKey);
            }
            node = next ?? throw new ValidationException("param", $"{path}: the template has nothing at '{string.Join(".", parts.Take(k + 1))}'");
        }
        throw new ValidationException("param", $"{path}: empty path");
    }

    private static JsonNode Replace(JsonNode node, string placeholder, string value) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Replace(p.Value, placeholder, value)))),
        JsonArray a => new JsonArray(a.Select(e => e is null ? null : Replace(e, placeholder, value)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(v.GetValue<string>().Replace(placeholder, value, StringComparison.Ordinal)),
        _ => node.DeepClone(),
    };
}
