using System.Text;
using Confluent.Kafka;

namespace AiTrading.Streaming.Kafka.Tests;

[Collection(KafkaCollection.Name)]
public sealed class KafkaStreamTests(KafkaFixture fixture)
{
    private static string Key() => Guid.NewGuid().ToString("N");

    private async Task<List<Delivery>> WaitForAsync(IProbeGrain probe, int count, string what)
    {
        List<Delivery> deliveries = [];
        await Eventually.True(async () => (deliveries = await probe.DeliveriesAsync()).Count >= count, what);
        return deliveries;
    }

    [Fact]
    public async Task Events_published_on_an_orleans_stream_reach_their_subscribers_in_order_with_offsets_as_tokens()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => Key()).ToList();
        foreach (var seq in Enumerable.Range(1, 20))
        foreach (var key in keys)
            await fixture.Stream(ImplicitProbeGrain.Namespace, key).OnNextAsync(new ProbeEvent(seq));

        foreach (var key in keys)
        {
            var deliveries = await WaitForAsync(fixture.Client.GetGrain<IImplicitProbeGrain>(key), 20, $"20 events on {key}");
            deliveries.Select(d => d.Seq).ShouldBe(Enumerable.Range(1, 20));
            deliveries.ShouldAllBe(d => !d.Duplicate && d.Index == 0);
            deliveries.Select(d => d.Offset).ShouldBeInOrder(SortDirection.Ascending);
            deliveries.Select(d => d.Offset).Distinct().Count().ShouldBe(20);
        }
    }

    [Fact]
    public async Task A_batch_published_at_once_is_one_message_whose_events_share_its_offset()
    {
        var key = Key();
        await fixture.Stream(ImplicitProbeGrain.Namespace, key).OnNextBatchAsync([new ProbeEvent(1), new ProbeEvent(2), new ProbeEvent(3)]);

        var deliveries = await WaitForAsync(fixture.Client.GetGrain<IImplicitProbeGrain>(key), 3, "the batch");
        deliveries.Select(d => (d.Seq, d.Index)).ShouldBe([(1, 0), (2, 1), (3, 2)]);
        deliveries.Select(d => d.Offset).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Messages_produced_straight_into_the_topic_are_delivered_at_their_offsets()
    {
        var key = Key();
        using var producer = fixture.RawProducer();
        var first = await fixture.ProduceDirectAsync(producer, ImplicitProbeGrain.Namespace, key, new ProbeEvent(1), new ProbeEvent(2));
        var second = await fixture.ProduceDirectAsync(producer, ImplicitProbeGrain.Namespace, key, new ProbeEvent(3));

        var deliveries = await WaitForAsync(fixture.Client.GetGrain<IImplicitProbeGrain>(key), 3, "directly produced events");
        deliveries.ShouldBe([new Delivery(1, first, 0, false), new Delivery(2, first, 1, false), new Delivery(3, second, 0, false)]);
    }

    [Fact]
    public async Task A_subscriber_rewound_to_an_earlier_token_gets_the_events_again_and_drops_them_by_token()
    {
        var key = Key();
        var probe = fixture.Client.GetGrain<IExplicitProbeGrain>(key);
        await probe.SubscribeAsync(null);
        var stream = fixture.Stream(ExplicitProbeGrain.Namespace, key);
        foreach (var seq in Enumerable.Range(1, 10)) await stream.OnNextAsync(new ProbeEvent(seq));
        var first = await WaitForAsync(probe, 10, "10 events");

        var fourth = first.Single(d => d.Seq == 4);
        await probe.RewindAsync(new Orleans.Providers.Streams.Common.EventSequenceTokenV2(fourth.Offset, fourth.Index));
        // The pulling agent learns of the rewind when it next delivers on the subscription.
        await stream.OnNextAsync(new ProbeEvent(11));

        var all = await WaitForAsync(probe, 18, "events 4..10 again, then 11");
        all.Skip(10).Select(d => d.Seq).ShouldBe(Enumerable.Range(4, 8));
        all.Skip(10).Take(7).ShouldAllBe(d => d.Duplicate);
        all.Skip(10).Take(7).Select(d => d.Offset).ShouldBe(first.Skip(3).Select(d => d.Offset));
        all.Where(d => !d.Duplicate).Select(d => d.Seq).ShouldBe(Enumerable.Range(1, 11));
    }

    [Fact]
    public async Task A_new_subscriber_can_start_from_a_token_another_one_saw()
    {
        var key = Key();
        var early = fixture.Client.GetGrain<IExplicitProbeGrain>(key + "-early");
        await early.SubscribeAsync(null);
        // Both probes read the same stream: the late one subscribes to the early one's key.
        var stream = fixture.Stream(ExplicitProbeGrain.Namespace, key + "-early");
        foreach (var seq in Enumerable.Range(1, 10)) await stream.OnNextAsync(new ProbeEvent(seq));
        var seen = await WaitForAsync(early, 10, "10 events");

        var late = fixture.Client.GetGrain<IExplicitProbeGrain>(key + "-early-late");
        await late.SubscribeAsyncTo(key + "-early", seen[2]);

        var replayed = await WaitForAsync(late, 8, "events 3..10 for the late subscriber");
        replayed.Select(d => d.Seq).ShouldBe(Enumerable.Range(3, 8));
        replayed.ShouldAllBe(d => !d.Duplicate);
    }

    [Fact]
    public async Task Undecodable_messages_go_to_the_dead_letter_topic_and_the_partition_moves_past_them()
    {
        var key = Key();
        var partition = fixture.PartitionOf(ImplicitProbeGrain.Namespace, key);
        using var producer = fixture.RawProducer();
        var headers = new Headers
        {
            { KafkaStreamMessages.NamespaceHeader, Encoding.UTF8.GetBytes(ImplicitProbeGrain.Namespace) },
            { KafkaStreamMessages.KeyHeader, Encoding.UTF8.GetBytes(key) },
        };
        var garbage = await producer.ProduceAsync(new TopicPartition(fixture.Topic, partition),
            new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = [1, 2, 3, 4], Headers = headers });
        var headless = await producer.ProduceAsync(new TopicPartition(fixture.Topic, partition),
            new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes("{\"seq\":1}") });
        var valid = await fixture.ProduceDirectAsync(producer, ImplicitProbeGrain.Namespace, key, new ProbeEvent(7));

        var deliveries = await WaitForAsync(fixture.Client.GetGrain<IImplicitProbeGrain>(key), 1, "the valid event after the poison");
        deliveries.ShouldBe([new Delivery(7, valid, 0, false)]);

        var source = $"{fixture.Topic}/{partition}@";
        List<ConsumeResult<byte[], byte[]>> letters = [];
        await Eventually.True(() => (letters = fixture.DeadLetters().Where(l => KafkaFixture.Header(l, "dlq-source").StartsWith(source)
            && (KafkaFixture.Header(l, "dlq-source") == source + garbage.Offset.Value || KafkaFixture.Header(l, "dlq-source") == source + headless.Offset.Value)).ToList()).Count == 2,
            "both poison messages in the dead-letter topic");
        letters.ShouldAllBe(l => KafkaFixture.Header(l, "dlq-reason") == "undecodable");
        var garbageLetter = letters.Single(l => KafkaFixture.Header(l, "dlq-source") == source + garbage.Offset.Value);
        garbageLetter.Message.Value.ShouldBe(new byte[] { 1, 2, 3, 4 });
        KafkaFixture.Header(garbageLetter, "dlq-error").ShouldContain("not an Orleans-serialized event batch");
        KafkaFixture.Header(garbageLetter, KafkaStreamMessages.KeyHeader).ShouldBe(key);
        KafkaFixture.Header(letters.Single(l => l != garbageLetter), "dlq-error").ShouldContain("header 'stream-namespace' is missing");

        await Eventually.True(() => fixture.Committed(partition) > valid, "the committed offset to pass the valid event");
    }

    [Fact]
    public async Task A_message_its_subscriber_keeps_failing_on_goes_to_the_dead_letter_topic_and_the_stream_goes_on()
    {
        var key = Key();
        using var producer = fixture.RawProducer();
        var poison = await fixture.ProduceDirectAsync(producer, ImplicitProbeGrain.Namespace, key, new ProbeEvent(1, ProbeBehaviour.Fail));
        var next = await fixture.ProduceDirectAsync(producer, ImplicitProbeGrain.Namespace, key, new ProbeEvent(2));

        var deliveries = await WaitForAsync(fixture.Client.GetGrain<IImplicitProbeGrain>(key), 1, "the event after the failing one");
        deliveries.ShouldBe([new Delivery(2, next, 0, false)]);

        var source = $"{fixture.Topic}/{fixture.PartitionOf(ImplicitProbeGrain.Namespace, key)}@{poison}";
        ConsumeResult<byte[], byte[]>? letter = null;
        await Eventually.True(() => (letter = fixture.DeadLetters().SingleOrDefault(l => KafkaFixture.Header(l, "dlq-source") == source)) is not null,
            "the failing message in the dead-letter topic");
        KafkaFixture.Header(letter!, "dlq-reason").ShouldBe("delivery-failed");
        KafkaFixture.Header(letter!, "dlq-subscription").ShouldNotBeEmpty();
        KafkaFixture.Header(letter!, KafkaStreamMessages.KeyHeader).ShouldBe(key);
    }

    [Fact]
    public async Task An_offset_is_committed_only_after_its_message_was_delivered()
    {
        var key = Key();
        var partition = fixture.PartitionOf(ImplicitProbeGrain.Namespace, key);
        const int held = 1_000_001;
        using var producer = fixture.RawProducer();
        var offset = await fixture.ProduceDirectAsync(producer, ImplicitProbeGrain.Namespace, key, new ProbeEvent(held, ProbeBehaviour.Hold));

        await Eventually.True(() => ProbeGate.IsWaiting(held), "the subscriber to start handling the held event");
        await Task.Delay(TimeSpan.FromSeconds(1)); // ten commit intervals
        fixture.Committed(partition).ShouldBeLessThanOrEqualTo(offset);

        ProbeGate.Release(held);
        var deliveries = await WaitForAsync(fixture.Client.GetGrain<IImplicitProbeGrain>(key), 1, "the held event");
        deliveries.ShouldBe([new Delivery(held, offset, 0, false)]);
        await Eventually.True(() => fixture.Committed(partition) > offset, "the commit to pass the delivered event");
    }
}
