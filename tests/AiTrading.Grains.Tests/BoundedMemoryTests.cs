using AiTrading.Contracts;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;

namespace AiTrading.Grains.Tests;

/// <summary>What grows with traffic is bounded: the stream cache by time, finished orders leave memory and then in-memory storage.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BoundedMemoryTests(ClusterFixture fixture)
{
    [Fact]
    public void The_memory_stream_cache_keeps_only_the_configured_span_of_traffic()
    {
        var defaults = new StreamSettings();
        foreach (var silo in fixture.Cluster.Silos)
        {
            var eviction = silo.ServiceProvider.GetRequiredService<IOptionsMonitor<StreamCacheEvictionOptions>>().Get(StreamNames.Provider);
            eviction.DataMinTimeInCache.ShouldBe(defaults.CacheMinTime);
            eviction.DataMaxAgeInCache.ShouldBe(defaults.CacheMaxAge);
            eviction.MetadataMinTimeInCache.ShouldBe(2 * defaults.CacheMinTime);
        }
    }

    [Fact]
    public void The_pulling_agents_poll_their_queues_every_millisecond_by_default()
    {
        // Each stream hop waits for its agent's next poll: the poll period is what a tick and then its bar wait.
        new StreamSettings().PollPeriod.ShouldBe(TimeSpan.FromMilliseconds(1));
        foreach (var silo in fixture.Cluster.Silos)
            silo.ServiceProvider.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(StreamNames.Provider)
                .GetQueueMsgsTimerPeriod.ShouldBe(TimeSpan.FromMilliseconds(1));
    }

    [Theory]
    [InlineData("CacheMinTime", "00:00:00.500")]
    [InlineData("CacheMaxAge", "00:11:00")]
    [InlineData("PollPeriod", "00:00:00")]
    public void Stream_cache_times_outside_their_bounds_are_refused(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Streams:{setting}"] = value }).Build();
        Should.Throw<Core.ValidationException>(() => StreamSettings.From(configuration)).Message.ShouldContain($"Streams:{setting}");
    }

    [Fact]
    public void The_grain_directory_cache_holds_the_configured_number_of_locations()
    {
        foreach (var silo in fixture.Cluster.Silos)
            silo.ServiceProvider.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize.ShouldBe(ClusteringSettings.DefaultDirectoryCacheSize);
    }

    [Theory]
    [InlineData("999")]
    [InlineData("10000001")]
    [InlineData("many")]
    public void A_directory_cache_size_outside_its_bounds_is_refused(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Clustering:DirectoryCacheSize"] = value }).Build();
        Should.Throw<Core.ValidationException>(() => ClusteringSettings.From(configuration)).Message.ShouldContain("Clustering:DirectoryCacheSize");
    }

    [Theory]
    [InlineData(99)]
    [InlineData(1_000_001)]
    public void A_fill_id_window_outside_its_bounds_is_refused(int window) =>
        new TradingOptions { FillIdWindow = window }.Validate().ShouldContain(e => e.Field == "Trading:FillIdWindow");

    [Fact]
    public async Task A_finished_order_leaves_memory_and_is_still_read_from_storage()
    {
        const string symbol = "BOUNDSYM", account = "B-EVICT";
        await fixture.ConfigureInstrumentAsync(symbol, 20);
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 3, TimeSpan.FromSeconds(1), _ => 20.00));
        var submitted = await (await fixture.OpenAccountAsync(account)).SubmitOrderAsync(new OrderRequest("e1", account, symbol, OrderSide.Buy, 5));
        submitted.Order.Status.ShouldBe(OrderStatus.Filled);

        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        await Eventually.True(async () => !(await management.GetDetailedGrainStatistics())
                .Any(s => s.GrainType.Contains(nameof(OrderGrain), StringComparison.Ordinal) && s.GrainId.Key.ToString() == submitted.Order.OrderId),
            "the filled order's activation to be released");

        var reread = await fixture.Client.GetGrain<IOrderGrain>(submitted.Order.OrderId).GetAsync();
        reread.ShouldNotBeNull().Status.ShouldBe(OrderStatus.Filled);
        reread.Fills.Count.ShouldBe(1);
        (await fixture.Client.GetGrain<IPortfolioGrain>(account).GetValuationAsync()).Positions.Single().Position.Quantity.ShouldBe(5);
    }

    [Theory]
    [InlineData("Count", 99, 60)]
    [InlineData("Count", 10_000_001, 60)]
    [InlineData("MinAge", 1_000, 9)]
    [InlineData("MinAge", 1_000, 7 * 86_400 + 1)]
    public void A_finished_order_retention_outside_its_bounds_is_refused(string field, int count, int minAgeSeconds) =>
        new TradingOptions { FinishedOrderRetention = new() { Count = count, MinAge = TimeSpan.FromSeconds(minAgeSeconds) } }.Validate()
            .ShouldContain(e => e.Field == $"Trading:FinishedOrderRetention:{field}");

    [Fact]
    public async Task Finished_orders_past_the_newest_count_are_purged_oldest_first_once_old_enough()
    {
        var (clock, inner, storage) = Purging(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 150; i++)
        {
            await storage.WriteStateAsync("order", OrderKey(i), Stored(OrderStatus.Rejected));
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        inner.Count.ShouldBe(150, "none is a minute old yet");

        clock.Advance(TimeSpan.FromMinutes(1));
        (await storage.PurgeAsync()).ShouldBe(50);
        inner.Count.ShouldBe(100);
        inner.Has(OrderKey(49)).ShouldBeFalse();
        inner.Has(OrderKey(50)).ShouldBeTrue();
        storage.Retained.ShouldBe(100);

        // Each further finished order pushes the oldest out once that one is old enough: the count holds however long it runs.
        for (var i = 150; i < 1_150; i++)
        {
            await storage.WriteStateAsync("order", OrderKey(i), Stored(OrderStatus.Filled));
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        inner.Count.ShouldBe(100);
        storage.Retained.ShouldBe(100);
    }

    [Fact]
    public async Task An_order_stored_again_after_it_finished_is_kept_by_that_later_version()
    {
        var (clock, inner, storage) = Purging(TimeSpan.FromSeconds(10));
        await storage.WriteStateAsync("order", OrderKey(0), Stored(OrderStatus.Filled));
        await storage.WriteStateAsync("order", OrderKey(0), Stored(OrderStatus.Filled, owing: true)); // e.g. a redone step
        for (var i = 1; i <= 100; i++) await storage.WriteStateAsync("order", OrderKey(i), Stored(OrderStatus.Rejected));
        clock.Advance(TimeSpan.FromMinutes(1));
        (await storage.PurgeAsync()).ShouldBe(0);
        inner.Has(OrderKey(0)).ShouldBeTrue();
    }

    [Fact]
    public async Task Working_orders_orders_owing_effects_and_other_state_are_never_purged()
    {
        var (clock, inner, storage) = Purging(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 200; i++)
        {
            await storage.WriteStateAsync("order", OrderKey(i), Stored(OrderStatus.Accepted));
            await storage.WriteStateAsync("order", OrderKey(1_000 + i), Stored(OrderStatus.Filled, owing: true));
            await storage.WriteStateAsync("portfolio", GrainId.Create("portfolio", $"A{i}"), new GrainState<PortfolioState> { State = new() });
        }
        clock.Advance(TimeSpan.FromDays(1));
        (await storage.PurgeAsync()).ShouldBe(0);
        inner.Count.ShouldBe(600);
    }

    [Fact]
    public async Task A_purged_order_answers_as_unknown_while_its_audit_records_stay()
    {
        const string symbol = "PURGESYM", account = "B-PURGE";
        await fixture.ConfigureInstrumentAsync(symbol, 20);
        await fixture.PublishAsync(symbol, TickPaths.Generate(symbol, 3, TimeSpan.FromSeconds(1), _ => 20.00));
        var request = new OrderRequest("p1", account, symbol, OrderSide.Buy, 1_000_000); // 20 M notional: over the default limit
        var submitted = await (await fixture.OpenAccountAsync(account)).SubmitOrderAsync(request);
        submitted.Order.Status.ShouldBe(OrderStatus.Rejected);
        var order = fixture.Client.GetGrain<IOrderGrain>(submitted.Order.OrderId);
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        await Eventually.True(async () => !(await management.GetDetailedGrainStatistics())
                .Any(s => s.GrainType.Contains(nameof(OrderGrain), StringComparison.Ordinal) && s.GrainId.Key.ToString() == submitted.Order.OrderId),
            "the rejected order's activation to be released", TimeSpan.FromSeconds(20));

        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        silo.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME).ShouldBeOfType<FinishedOrderPurgingStorage>();
        var memory = silo.GetRequiredKeyedService<IGrainStorage>(Silo.SiloHosting.MemoryStorageName);
        var stored = new GrainState<OrderState>();
        await memory.ReadStateAsync("order", order.GetGrainId(), stored);
        stored.State.ShouldNotBeNull().Effects.ShouldBeEmpty("a finished order is stored owing nothing");

        // A retention of none: the next write of a finished order purges it.
        var purge = new FinishedOrderPurgingStorage(memory, new() { Count = 0, MinAge = TimeSpan.Zero }, TimeProvider.System);
        await purge.WriteStateAsync("order", order.GetGrainId(), stored);
        purge.Retained.ShouldBe(0);

        (await order.GetAsync()).ShouldBeNull();
        var records = await fixture.Client.GetGrain<IAuditStreamGrain>(account).ReadAsync(1, 100);
        records.ShouldContain(r => r.Kind == Core.Audit.AuditKinds.RiskRejected && r.Payload.Contains(submitted.Order.OrderId, StringComparison.Ordinal));
    }

    /// <summary>A purge keeping 100 finished orders, over a dictionary, on a fake clock.</summary>
    private static (FakeTimeProvider Clock, DictionaryStorage Inner, FinishedOrderPurgingStorage Storage) Purging(TimeSpan minAge)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var inner = new DictionaryStorage();
        return (clock, inner, new FinishedOrderPurgingStorage(inner, new() { Count = 100, MinAge = minAge }, clock));
    }

    private static GrainId OrderKey(int i) => GrainId.Create("order", $"ACC:c{i}");

    private static GrainState<OrderState> Stored(OrderStatus status, bool owing = false)
    {
        var request = new OrderRequest("c", "ACC", "SYM", OrderSide.Buy, 1);
        var now = DateTimeOffset.UnixEpoch;
        return new GrainState<OrderState>
        {
            State = new()
            {
                Order = new OrderView("ACC:c", request, status, 0, null, null, now, now, []),
                Effects = owing ? [new OrderEffect(new AuditEntry("fill", "{}", "k"))] : [],
            },
        };
    }

    /// <summary>Grain storage in a dictionary, with etags as the real providers keep them.</summary>
    private sealed class DictionaryStorage : IGrainStorage
    {
        private readonly Dictionary<(string, GrainId), (object State, string ETag)> _store = [];
        private int _etag;

        public int Count => _store.Count;

        public bool Has(GrainId id) => _store.ContainsKey(("order", id));

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (_store.TryGetValue((stateName, grainId), out var entry))
                (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)entry.State, entry.ETag, true);
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var etag = (++_etag).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _store[(stateName, grainId)] = (grainState.State!, etag);
            (grainState.ETag, grainState.RecordExists) = (etag, true);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (_store.TryGetValue((stateName, grainId), out var entry) && entry.ETag != grainState.ETag)
                throw new InconsistentStateException("etag mismatch", entry.ETag, grainState.ETag);
            _store.Remove((stateName, grainId));
            return Task.CompletedTask;
        }
    }
}
