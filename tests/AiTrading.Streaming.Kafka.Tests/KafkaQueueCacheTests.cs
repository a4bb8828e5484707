using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace AiTrading.Streaming.Kafka.Tests;

public sealed class KafkaQueueCacheTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly StreamId A = StreamId.Create("probe", "a");
    private static readonly StreamId B = StreamId.Create("probe", "b");
    private readonly Clock clock = new();

    private static KafkaBatchContainer Message(StreamId stream, long offset) => new(stream, offset, [new ProbeEvent((int)offset)], null);

    private KafkaQueueCache Cache(TimeSpan window, int capacity = 100) => new(capacity, window, clock);

    private static List<long> Purge(KafkaQueueCache cache) =>
        cache.TryPurgeFromCache(out var purged) ? purged.Cast<KafkaBatchContainer>().Select(b => b.Offset).ToList() : [];

    private static IQueueCacheCursor Cursor(KafkaQueueCache cache, StreamId stream, long? offset) =>
        cache.TryGetCacheCursor(stream, offset is { } o ? new EventSequenceTokenV2(o) : null).Cursor!;

    private static long? Next(IQueueCacheCursor cursor) =>
        cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success ? ((KafkaBatchContainer)cursor.GetCurrent(out _)!).Offset : null;

    [Fact]
    public void A_message_leaves_the_cache_only_after_every_cursor_of_its_stream_moved_past_it()
    {
        var cache = Cache(TimeSpan.Zero);
        var first = Cursor(cache, A, 10);
        var second = Cursor(cache, A, 10);
        cache.AddToCache([Message(A, 10), Message(A, 11), Message(A, 12)]);

        Next(first).ShouldBe(10);
        Purge(cache).ShouldBeEmpty(); // 10 is being delivered through the first cursor
        Next(first).ShouldBe(11);
        Purge(cache).ShouldBeEmpty(); // the second cursor has not started
        Next(second).ShouldBe(10);
        Next(second).ShouldBe(11);
        Purge(cache).ShouldBe([10]);
        Next(first).ShouldBe(12);
        Next(first).ShouldBeNull();
        Next(second).ShouldBe(12);
        Purge(cache).ShouldBe([11]);
        Next(second).ShouldBeNull();
        Purge(cache).ShouldBe([12]);
        cache.Count.ShouldBe(0);
    }

    [Fact]
    public void Other_streams_do_not_hold_a_message_back_but_a_slow_one_holds_everything_after_it()
    {
        var cache = Cache(TimeSpan.Zero);
        var a = Cursor(cache, A, 0);
        var b = Cursor(cache, B, 0);
        cache.AddToCache([Message(B, 0), Message(A, 1), Message(B, 2)]);

        Next(a).ShouldBe(1);
        Next(a).ShouldBeNull();
        // B's cursor is still before offset 0, so nothing can go: offsets are committed in order.
        Purge(cache).ShouldBeEmpty();
        Next(b).ShouldBe(0);
        Next(b).ShouldBe(2);
        Purge(cache).ShouldBe([0, 1]);
    }

    [Fact]
    public void Delivered_messages_stay_for_the_rewind_window_and_a_cursor_can_start_at_any_of_them()
    {
        var cache = Cache(TimeSpan.FromSeconds(10));
        var live = Cursor(cache, A, 0);
        cache.AddToCache([Message(A, 0), Message(A, 1), Message(A, 2)]);
        while (Next(live) is not null) { }

        Purge(cache).ShouldBeEmpty();
        var rewound = Cursor(cache, A, 1);
        Next(rewound).ShouldBe(1);
        Next(rewound).ShouldBe(2);
        Next(rewound).ShouldBeNull();
        var earliest = cache.TryGetCacheCursorAtPosition(A, StreamSubscriptionStartPosition.EarliestAvailable).Cursor!;
        Next(earliest).ShouldBe(0);
        earliest.Dispose();

        clock.Now += TimeSpan.FromSeconds(10);
        Purge(cache).ShouldBe([0, 1, 2]);
        var miss = cache.TryGetCacheCursor(A, new EventSequenceTokenV2(1));
        miss.Cursor.ShouldNotBeNull(); // nothing cached: the cursor waits for offset 1 onwards
        cache.AddToCache([Message(A, 3)]);
        cache.TryGetCacheCursor(A, new EventSequenceTokenV2(2)).CacheMiss.ShouldNotBeNull();
    }

    [Fact]
    public void A_cursor_from_a_token_newer_than_the_cache_skips_older_offsets_and_one_without_a_token_starts_at_the_end()
    {
        var cache = Cache(TimeSpan.FromSeconds(10));
        cache.AddToCache([Message(A, 0)]);
        var future = Cursor(cache, A, 2);
        var latest = Cursor(cache, A, null);
        cache.AddToCache([Message(A, 1), Message(A, 2)]);

        Next(future).ShouldBe(2);
        Next(latest).ShouldBe(1);
    }

    [Fact]
    public void A_full_cache_is_under_pressure_and_purges_delivered_messages_before_the_window_ends()
    {
        var cache = Cache(TimeSpan.FromMinutes(1), capacity: 16);
        var cursor = Cursor(cache, A, 0);
        cache.AddToCache(Enumerable.Range(0, 16).Select(i => (IBatchContainer)Message(A, i)).ToList());

        cache.IsUnderPressure().ShouldBeTrue();
        cache.GetMaxAddCount().ShouldBe(1);
        for (var i = 0; i < 12; i++) Next(cursor);
        // Delivered: 0..10 (11 is being delivered). Above half the capacity they go despite the window.
        Purge(cache).ShouldBe(Enumerable.Range(0, 8).Select(i => (long)i));
        cache.IsUnderPressure().ShouldBeFalse();
        cursor.Dispose();
        Purge(cache).ShouldBeEmpty();
    }

    [Fact]
    public void The_dead_letter_handler_finds_a_cached_message_by_offset()
    {
        var cache = Cache(TimeSpan.FromSeconds(10));
        cache.AddToCache([Message(A, 5), Message(B, 6)]);
        cache.Find(6)!.StreamId.ShouldBe(B);
        cache.Find(7).ShouldBeNull();
    }
}
