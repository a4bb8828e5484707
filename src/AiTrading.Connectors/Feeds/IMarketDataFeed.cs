using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

/// <summary>
/// A source of market data. <see cref="ReadAsync"/> yields batches of ticks in time order, symbols interleaved
/// by time; each call starts from the beginning of the source. A batch belongs to the caller once yielded.
/// </summary>
public interface IMarketDataFeed
{
    IReadOnlyList<InstrumentSpec> Instruments { get; }
    IAsyncEnumerable<IReadOnlyList<Tick>> ReadAsync(CancellationToken cancellationToken);
}
