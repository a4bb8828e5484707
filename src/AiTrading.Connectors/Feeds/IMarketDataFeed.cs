using AiTrading.Core.MarketData;

namespace AiTrading.Connectors.Feeds;

/// <summary>A source of ticks: batches in time order, symbols interleaved by time.</summary>
public interface IMarketDataFeed
{
    IReadOnlyList<InstrumentSpec> Instruments { get; }
    IAsyncEnumerable<IReadOnlyList<Tick>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Releases batches no faster than simulated time allows at a given speed (simulated seconds per wall second).</summary>
internal sealed class Pacer(double speed, TimeProvider clock)
{
    private long _wallStart;
    private DateTimeOffset _simStart;
    private bool _started;

    public async ValueTask WaitUntilAsync(DateTimeOffset simTime, CancellationToken cancellationToken)
    {
        if (speed <= 0) return;
        if (!_started)
        {
            _started = true;
            _wallStart = clock.GetTimestamp();
            _simStart = simTime;
            return;
        }
        var due = TimeSpan.FromTicks((long)((simTime - _simStart).Ticks / speed));
        var wait = due - clock.GetElapsedTime(_wallStart);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
    }
}
