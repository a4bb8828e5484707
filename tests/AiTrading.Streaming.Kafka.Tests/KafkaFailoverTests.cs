namespace AiTrading.Streaming.Kafka.Tests;

/// <summary>A cluster of its own: these tests kill and add silos.</summary>
public sealed class FailoverFixture : KafkaFixture
{
    protected override void Configure(KafkaStreamOptions options)
    {
        // Offsets are committed late, so a partition that changes hands is read again from well before the kill; subscribers
        // that survived skip what they had (Orleans hands the pulling agent their last token), new activations get it again.
        options.RewindWindow = TimeSpan.FromMinutes(5);
    }
}

public sealed class KafkaFailoverTests(FailoverFixture fixture) : IClassFixture<FailoverFixture>
{
    [Fact]
    public async Task Every_event_is_delivered_at_least_once_across_a_killed_silo_and_a_new_one_and_redeliveries_repeat_their_tokens()
    {
        // Two streams on every partition, so whichever partitions change hands carry events.
        var keys = Enumerable.Range(0, 1000).Select(i => $"failover-{i}-{Guid.NewGuid():N}")
            .GroupBy(key => fixture.PartitionOf(ImplicitProbeGrain.Namespace, key))
            .SelectMany(partition => partition.Take(2)).ToList();
        keys.Count.ShouldBe(2 * KafkaFixture.Partitions);
        async Task PublishAsync(int from, int to)
        {
            for (var seq = from; seq <= to; seq++)
                await Task.WhenAll(keys.Select(key => fixture.Stream(ImplicitProbeGrain.Namespace, key).OnNextAsync(new ProbeEvent(seq))));
        }
        Task AllDeliveredAsync(int upTo, string what) => Eventually.True(
            () => keys.All(key => ProbeLog.Of(key).Select(d => d.Seq).Distinct().Count() == upTo), what, TimeSpan.FromSeconds(90));

        await PublishAsync(1, 50);
        await AllDeliveredAsync(50, "the first 50 events on every stream");

        // Kill a silo that reads partitions while events are still being published and delivered.
        var reader = fixture.Cluster.Silos.First(silo => KafkaFixture.FactoryOf(silo.ServiceProvider).ReadingPartitions.Count > 0);
        var publishing = PublishAsync(51, 100);
        await fixture.Cluster.KillSiloAsync(reader);
        await publishing;
        await AllDeliveredAsync(100, "events 51..100 after the kill");
        KafkaFixture.FactoryOf(fixture.Cluster.Silos.Single().ServiceProvider).ReadingPartitions.ShouldBe(Enumerable.Range(0, KafkaFixture.Partitions));

        await fixture.Cluster.StartAdditionalSiloAsync();
        await PublishAsync(101, 150);
        await AllDeliveredAsync(150, "events 101..150 with a new silo");

        foreach (var key in keys)
        {
            var deliveries = ProbeLog.Of(key);
            deliveries.Select(d => d.Seq).Distinct().Order().ShouldBe(Enumerable.Range(1, 150));
            // A redelivered event carries the token of its first delivery, which is what lets a subscriber drop it.
            foreach (var seq in deliveries.GroupBy(d => d.Seq))
                seq.Select(d => (d.Offset, d.Index)).Distinct().Count().ShouldBe(1, $"event {seq.Key} on {key} came with different tokens");
            deliveries.Select(d => d.Offset).Distinct().Count().ShouldBe(150);
        }
    }
}
