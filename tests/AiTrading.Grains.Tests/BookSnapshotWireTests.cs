using AiTrading.Contracts;
using AiTrading.Core.Portfolio;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace AiTrading.Grains.Tests;

/// <summary>The account book's snapshot as grain storage keeps it: its fill fingerprints are one block of bytes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BookSnapshotWireTests(ClusterFixture fixture)
{
    private static readonly PortfolioSnapshot Snapshot = new("ACC", "USD", 1_000m, 5m, new DateOnly(2026, 12, 5), 5m,
        [new Position("EURUSD", "USD", 1000m, 1.08m, 5m)], [], 1_005m, [0UL, 1UL, ulong.MaxValue, 0x0102030405060708UL]);

    [Fact]
    public void Fill_fingerprints_round_trip_as_one_block_of_bytes()
    {
        var serializer = fixture.Client.ServiceProvider.GetRequiredService<Serializer>();
        var back = serializer.Deserialize<PortfolioSnapshot>(serializer.SerializeToArray(Snapshot)).ShouldNotBeNull();
        back.AppliedFills.ShouldBe(Snapshot.AppliedFills);
        back.ShouldNotBeNull().Positions.ShouldBe(Snapshot.Positions);

        var surrogate = new PortfolioSnapshotConverter().ConvertToSurrogate(Snapshot);
        surrogate.AppliedFills.ShouldBeNull("the numeric form is no longer written");
        surrogate.AppliedFillBytes.ShouldNotBeNull().Length.ShouldBe(4 * sizeof(ulong));
        surrogate.AppliedFillBytes[24..].ShouldBe(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }, "little-endian whatever the machine");
    }

    [Fact]
    public void A_snapshot_written_with_numeric_fingerprints_is_still_read()
    {
        var converter = new PortfolioSnapshotConverter();
        var old = converter.ConvertToSurrogate(Snapshot);
        old.AppliedFills = Snapshot.AppliedFills;
        old.AppliedFillBytes = null;
        converter.ConvertFromSurrogate(old).AppliedFills.ShouldBe(Snapshot.AppliedFills);
    }

    [Fact]
    public void A_fingerprint_block_that_is_not_whole_values_is_refused()
    {
        var converter = new PortfolioSnapshotConverter();
        var broken = converter.ConvertToSurrogate(Snapshot);
        broken.AppliedFillBytes = new byte[9];
        Should.Throw<InvalidDataException>(() => converter.ConvertFromSurrogate(broken)).Message.ShouldContain("9 bytes");
    }
}
