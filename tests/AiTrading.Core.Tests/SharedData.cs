using System.Globalization;

namespace AiTrading.Core.Tests;

/// <summary>The shared price data beside the repository (../shared/data), as in a developer's checkout and in CI.</summary>
public static class SharedData
{
    public static string Directory { get; } = Locate();

    public static string File(string name) => Path.Combine(Directory, name);

    /// <summary>Reads the named numeric columns of a CSV with a header row; empty cells become NaN.</summary>
    public static Dictionary<string, double[]> Columns(string path, params string[] names)
    {
        var lines = System.IO.File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        return names.ToDictionary(n => n, n =>
        {
            var index = Array.IndexOf(header, n);
            if (index < 0) throw new InvalidOperationException($"{path} has no column {n}");
            return lines.Skip(1).Select(l => l.Split(',')[index]).Select(c => c.Length == 0 ? double.NaN : double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        });
    }

    /// <summary>A path inside this repository (the folder holding AiTrading.sln), e.g. examples/strategies.</summary>
    public static string Repository(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "AiTrading.sln"))) return Path.Combine(dir.FullName, relativePath);
        throw new DirectoryNotFoundException($"no AiTrading.sln above {AppContext.BaseDirectory}");
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"no shared/data directory above {AppContext.BaseDirectory}: the reference data must sit beside the repository");
    }
}
