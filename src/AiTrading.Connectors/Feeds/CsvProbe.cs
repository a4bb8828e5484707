using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

/// <summary>
/// What the first <see cref="CsvReplayFeed.ProbeRows"/> rows of a price CSV say about it: its kind (a file with a
/// Datetime column whose rows have distinct OHLC is bars, not trades), the bar length (the smallest step between
/// rows: weekends and holidays make larger ones) and the most decimals among its prices.
/// </summary>
internal sealed record CsvProbe(CsvKind Kind, CsvRow First, TimeSpan? BarLength, int Decimals)
{
    /// <summary>The catalog's spec of <paramref name="symbol"/>, or one quoted in USD whose tick is the file's finest price step.</summary>
    public InstrumentSpec InstrumentFor(string symbol)
    {
        var firstPrice = Kind switch
        {
            CsvKind.Bars => First.Open,
            CsvKind.Trades => First.Close,
            _ => (First.Bid + First.Ask) / 2,
        };
        return InstrumentCatalog.Default.TryGetValue(symbol, out var known)
            ? known
            : InstrumentCatalog.Custom(symbol, firstPrice, Math.Round(Math.Pow(10, -Math.Clamp(Decimals, 0, 10)), 10));
    }

    public static CsvProbe Read(string path, string? volumeColumn = null)
    {
        using var reader = CsvRowReader.Open(path, volumeColumn: volumeColumn);
        var layout = reader.Layout;
        CsvRow first = default;
        var rows = 0;
        var decimals = 0;
        var step = long.MaxValue;
        var previous = 0L;
        var allTrades = true;
        while (rows < CsvReplayFeed.ProbeRows && reader.TryRead(out var row))
        {
            if (rows == 0) first = row;
            else if (row.Time > previous) step = Math.Min(step, row.Time - previous);
            previous = row.Time;
            decimals = Math.Max(decimals, row.Decimals);
            if (layout.HasOhlc && !(row.Open == row.High && row.High == row.Low && row.Low == row.Close)) allTrades = false;
            rows++;
        }
        if (rows == 0) throw new CsvFormatException(path, 2, null, "the file has a header but no data rows");

        var kind = layout.Kind == CsvKind.Trades && layout.HasOhlc && !allTrades ? CsvKind.Bars : layout.Kind;
        TimeSpan? barLength = kind != CsvKind.Bars ? null
            : step != long.MaxValue && step > 0 ? TimeSpan.FromTicks(step)
            : layout.Time < 0 && layout.DateTime < 0 ? TimeSpan.FromDays(1) : TimeSpan.FromMinutes(1);
        return new CsvProbe(kind, first, barLength, decimals);
    }
}
