using AiTrading.Connectors.Feeds;
using AiTrading.Core.Backtesting;

namespace AiTrading.Connectors.Backtesting;

/// <summary>
/// Loads what a backtest replays from a file: a CSV of bars (see <see cref="CsvBarFile"/>), of trades or quotes (ticks, see
/// <see cref="CsvReplayFeed"/>: trades get a synthetic spread of 1 bp around the price), or Parquet bars (see <see cref="ParquetBarFile"/>).
/// </summary>
public static class BacktestDataFile
{
    /// <param name="symbol">the instrument the bars are of (the strategy's name for it, whatever the file is called)</param>
    /// <param name="maxRows">the most bars or ticks to read; a file with more is refused before more are read</param>
    /// <exception cref="FormatException">The file is unreadable or malformed; the message names the file, line (row) and column.</exception>
    public static BacktestSeries Load(string path, string symbol, int maxRows = int.MaxValue)
    {
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) return ParquetBarFile.Read(path, symbol, maxRows);
        if (CsvProbe.Read(path).Kind != CsvKind.Bars)
        {
            var feed = new CsvReplayFeed(new CsvReplayOptions { Path = path, Symbol = symbol });
            return new BacktestSeries(feed.Instruments[0], [], path, AtMost(feed.ReadTicks(), maxRows, path));
        }
        var file = new CsvBarFile(path, symbol: symbol);
        return new BacktestSeries(file.Instrument, AtMost(file.Read(), maxRows, path), path);
    }

    private static List<T> AtMost<T>(IEnumerable<T> rows, int maxRows, string path)
    {
        var read = new List<T>();
        foreach (var row in rows)
        {
            if (read.Count == maxRows) throw TooManyRows(path, maxRows);
            read.Add(row);
        }
        return read;
    }

    internal static DataFileFormatException TooManyRows(string path, int maxRows) =>
        new(path, 0, null, $"has more than {maxRows} rows, more than the run may read", unit: "row");

    /// <summary>
    /// Reads <c>--data</c> arguments, each <c>FILE</c> or <c>SYMBOL=FILE</c>: a bare file is the data of the strategy's
    /// only instrument; a strategy of several instruments names each.
    /// </summary>
    public static IReadOnlyList<BacktestSeries> LoadAll(IReadOnlyList<string> arguments, IReadOnlyList<string> instruments)
    {
        var series = new List<BacktestSeries>();
        foreach (var argument in arguments)
        {
            var split = argument.IndexOf('=');
            string symbol, path;
            if (split > 0 && !File.Exists(argument))
                (symbol, path) = (argument[..split].Trim().ToUpperInvariant(), argument[(split + 1)..]);
            else if (instruments.Count == 1 && arguments.Count == 1)
                (symbol, path) = (instruments[0], argument);
            else
                throw new Core.ValidationException("data", $"'{argument}': the strategy trades {string.Join(", ", instruments)}; name the instrument of each file as SYMBOL=FILE");
            series.Add(Load(path, symbol));
        }
        return series;
    }
}
