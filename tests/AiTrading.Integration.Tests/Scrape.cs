using System.Globalization;
using System.Text.RegularExpressions;

namespace AiTrading.Integration.Tests;

/// <summary>One read of a Prometheus text exposition: each series (name and labels) with its value.</summary>
public sealed partial class Scrape
{
    private readonly List<(string Name, string Labels, double Value)> _series = [];

    public Scrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var match = Series().Match(line);
            if (!match.Success) throw new FormatException($"not a Prometheus sample: {line}");
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            _series.Add((match.Groups["name"].Value, match.Groups["labels"].Value, value));
        }
    }

    public string Text { get; }

    /// <summary>Every series name (histograms show as their _bucket, _sum and _count series).</summary>
    public IReadOnlySet<string> Names => _series.Select(s => s.Name).ToHashSet();

    /// <summary>The sum over the series of <paramref name="name"/> carrying every given label (name="value").</summary>
    public double Sum(string name, params string[] labels) =>
        _series.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);

    public bool Has(string name, params string[] labels) =>
        _series.Any(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal)));

    public static async Task<Scrape> ReadAsync(HttpClient http, string path = "/metrics")
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/plain");
        return new Scrape(body);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex Series();
}
