using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

/// <summary>
/// Reads a CSV of OHLCV bars (the layouts of <see cref="CsvReplayFeed"/>: Date[,Time] or Datetime, Open, High, Low,
/// Close[, Volume]) as <see cref="Bar"/>s. Timestamps are the bars' open times; the timeframe is the smallest step
/// between the first rows. Every problem is a <see cref="CsvFormatException"/> naming the file, line and column.
/// </summary>
public sealed class CsvBarFile
{
    private readonly string? _volumeColumn;

    /// <param name="volumeColumn">The column of traded volume; when null, Volume if present, else volume is 0.</param>
    public CsvBarFile(string path, string? volumeColumn = null, string? symbol = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _volumeColumn = volumeColumn;
        Symbol = symbol is { } s ? InstrumentCatalog.NormalizeSymbol(s) : CsvReplayFeed.SymbolFromFileName(path);
        var probe = CsvProbe.Read(path, volumeColumn);
        if (probe.Kind != CsvKind.Bars)
            throw new CsvFormatException(path, 1, null, $"this is a {probe.Kind.ToString().ToLowerInvariant()} file; OHLC bars are needed (Date, Open, High, Low, Close)");
        Timeframe = new Timeframe(probe.BarLength!.Value);
        Instrument = probe.InstrumentFor(Symbol);
        TimeColumn = probe.BarLength.Value.Ticks % TimeSpan.TicksPerDay == 0 ? "Date" : "Datetime";
    }

    public string Path { get; }
    public string Symbol { get; }
    public Timeframe Timeframe { get; }

    /// <summary>The symbol's catalog spec, or a USD-quoted one whose tick size is the file's finest price step.</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>Date for daily (or longer) bars, Datetime for intraday ones.</summary>
    public string TimeColumn { get; }

    public IEnumerable<Bar> Read()
    {
        using var reader = CsvRowReader.Open(Path, strictlyIncreasing: true, volumeColumn: _volumeColumn);
        while (reader.TryRead(out var row))
            yield return new Bar(Symbol, Timeframe, new DateTimeOffset(row.Time, TimeSpan.Zero), row.Open, row.High, row.Low, row.Close, row.Volume, 1);
    }
}
