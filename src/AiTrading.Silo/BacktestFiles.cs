using AiTrading.Connectors.Backtesting;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Grains;
using Microsoft.Extensions.Configuration;

namespace AiTrading.Silo;

/// <summary>
/// Backtest data from files under one directory (configuration <c>Backtests:DataDirectory</c>, default the working
/// directory): CSV bars or ticks and Parquet bars, read with the CLI's readers; reports as the CLI writes them.
/// A path may not leave the directory.
/// </summary>
public sealed class BacktestFiles(string directory) : IBacktestData
{
    public const string DirectorySetting = "Backtests:DataDirectory";

    public string Directory { get; } = Path.GetFullPath(directory);

    public static BacktestFiles From(IConfiguration configuration) => new(configuration[DirectorySetting] is { Length: > 0 } d ? d : System.IO.Directory.GetCurrentDirectory());

    public BacktestSeries Load(string symbol, string path)
    {
        if (string.IsNullOrWhiteSpace(symbol)) throw new ValidationException("symbol", "is required");
        if (string.IsNullOrWhiteSpace(path)) throw new ValidationException("path", "is required");
        var full = Path.GetFullPath(Path.Combine(Directory, path));
        if (!full.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ValidationException("path", $"'{path}' is outside the backtest data directory");
        var series = BacktestDataFile.Load(full, symbol);
        return series with { Source = path };
    }

    public string Report(BacktestResult result, IReadOnlyList<BacktestSeries> data) => BacktestReport.Html(result, data);
}
