using AiTrading.Contracts;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace AiTrading.Grains.Tests;

/// <summary>What grows with traffic is bounded: the stream cache by time, finished orders leave memory.</summary>
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

    [Theory]
    [InlineData("CacheMinTime", "00:00:00.500")]
    [InlineData("CacheMaxAge", "00:11:00")]
    public void Stream_cache_times_outside_their_bounds_are_refused(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Streams:{setting}"] = value }).Build();
        Should.Throw<Core.ValidationException>(() => StreamSettings.From(configuration)).Message.ShouldContain($"Streams:{setting}");
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
        var submitted = await fixture.Client.GetGrain<IRiskGrain>(account).SubmitOrderAsync(new OrderRequest("e1", account, symbol, OrderSide.Buy, 5));
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
}
