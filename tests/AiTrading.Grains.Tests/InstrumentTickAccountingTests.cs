using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using Orleans.Streams;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class InstrumentTickAccountingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_snapshot_tells_which_ticks_the_activation_took_and_how_many_it_rejected()
    {
        const string symbol = "TKACCT";
        await fixture.ConfigureInstrumentAsync(symbol, 100);
        var instrument = fixture.Client.GetGrain<IInstrumentGrain>(symbol);
        var empty = await instrument.GetSnapshotAsync(0);
        (empty.FirstTickTime, empty.LastTickTime, empty.RejectedTicks).ShouldBe((null, null, 0));

        var start = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        Tick At(int second, double bid = 99.99) => new(symbol, start.AddSeconds(second), bid, 100.01, 10, 10);
        // An unusable price and a tick older than the one before it are rejected, not counted.
        var stream = fixture.Client.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, symbol);
        await stream.OnNextAsync(new TickBatch(symbol, [At(0), At(5), At(6, double.NaN), At(3), At(10)], DateTimeOffset.UtcNow));

        await Eventually.True(async () => (await instrument.GetSnapshotAsync(0)).LastTickTime == start.AddSeconds(10), "the batch to arrive");
        var snapshot = await instrument.GetSnapshotAsync(0);
        (snapshot.TickCount, snapshot.RejectedTicks, snapshot.FirstTickTime, snapshot.LastTickTime).ShouldBe((3, 2, start, start.AddSeconds(10)));
    }
}
