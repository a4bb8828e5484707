using AiTrading.Connectors.Backtesting;
using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Grains;
using Microsoft.Extensions.Configuration;

namespace AiTrading.Silo;

/// <summary>
/// Backtest data from files under one directory (configuration <c>Backtests:DataDirectory</c>, default the working
/// directory): CSV bars or ticks and Parquet bars, read with the CLI's readers; reports as the CLI writes them.
/// A path may not leave the directory, not even through a link. Errors name a file by its path relative to the
/// directory and say what is wrong without repeating the file's content or where the directory is.
/// </summary>
public sealed class BacktestFiles(string directory) : IBacktestData
{
    public const string DirectorySetting = "Backtests:DataDirectory";
    public const int MaxPathLength = 260;

    public string Directory { get; } = Path.GetFullPath(directory);

    public static BacktestFiles From(IConfiguration configuration) => new(configuration[DirectorySetting] is { Length: > 0 } d ? d : System.IO.Directory.GetCurrentDirectory());

    public BacktestSeries Load(string symbol, string path, int maxRows)
    {
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "symbol", symbol);
        if (errors.Count > 0) throw new ValidationException(errors);
        if (string.IsNullOrWhiteSpace(path)) throw new ValidationException("path", "is required");
        if (path.Length > MaxPathLength) throw new ValidationException("path", $"must be at most {MaxPathLength} characters (got {path.Length})");
        if (Path.IsPathRooted(path)) throw new ValidationException("path", $"{Bounds.Echo(path)} must be relative to the backtest data directory");
        var full = Path.GetFullPath(Path.Combine(Directory, path));
        if (!Inside(full)) throw new ValidationException("path", $"{Bounds.Echo(path)} is outside the backtest data directory");
        var shown = Path.GetRelativePath(Directory, full).Replace(Path.DirectorySeparatorChar, '/');
        if (LeadsOutside(full)) throw new ValidationException("path", $"'{shown}' links to a file outside the backtest data directory");
        BacktestSeries series;
        try
        {
            series = BacktestDataFile.Load(full, symbol, maxRows);
        }
        catch (DataFileFormatException e)
        {
            throw new FormatException(e.Describe(shown), e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reader's own message may quote the file or its absolute path.
            throw new FormatException($"{shown}: cannot be read as bars or ticks", e);
        }
        return series with { Source = shown };
    }

    public string Report(BacktestResult result, IReadOnlyList<BacktestSeries> data) => BacktestReport.Html(result, data);

    private bool Inside(string full) => full.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Whether the file or a directory between it and the data directory is a link to somewhere outside.</summary>
    private bool LeadsOutside(string full)
    {
        for (var entry = full; entry.Length > Directory.Length; entry = Path.GetDirectoryName(entry)!)
        {
            FileSystemInfo info = System.IO.Directory.Exists(entry) ? new DirectoryInfo(entry) : new FileInfo(entry);
            if (info.LinkTarget is null) continue;
            try
            {
                if (info.ResolveLinkTarget(returnFinalTarget: true) is not { } target || !Inside(Path.GetFullPath(target.FullName))) return true;
            }
            catch (IOException)
            {
                return true; // a loop of links
            }
        }
        return false;
    }
}
