using System.Collections.Concurrent;
using AiTrading.Contracts;
using AiTrading.Core.Trading;
using Orleans.Storage;
using Xunit.Abstractions;

namespace AiTrading.Grains.Tests;

/// <summary>A cluster whose silos count every grain call they take, by interface and method.</summary>
public sealed class CallCountingClusterFixture : ClusterFixture
{
    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(GrainCallCounter.Count);
}

/// <summary>Grain calls taken by the silos while counting is on (calls to grain storage are its writes and reads).</summary>
public static class GrainCallCounter
{
    private static readonly ConcurrentDictionary<string, int> Calls = new(StringComparer.Ordinal);
    private static volatile bool _counting;

    public static Task Count(IIncomingGrainCallContext context)
    {
        if (_counting) Calls.AddOrUpdate($"{context.InterfaceName}.{context.MethodName}", 1, (_, n) => n + 1);
        return context.Invoke();
    }

    /// <summary>The calls <paramref name="action"/> caused, by "interface.method".</summary>
    public static async Task<IReadOnlyDictionary<string, int>> During(Func<Task> action)
    {
        Calls.Clear();
        _counting = true;
        try
        {
            await action();
        }
        finally
        {
            _counting = false;
        }
        return new SortedDictionary<string, int>(Calls, StringComparer.Ordinal);
    }
}

/// <summary>
/// What one market order costs the cluster: grain calls and storage writes from the risk gate's answer back, counted
/// by a grain call filter on every silo (the in-memory grain storage is itself a grain, so its writes are calls too).
/// The figures are stated in docs/architecture.md; a change to the order path that adds a call or a write fails here.
/// </summary>
public sealed class OrderPathCostTests(CallCountingClusterFixture fixture, ITestOutputHelper output) : IClassFixture<CallCountingClusterFixture>
{
    private const string Symbol = "COSTSYM";

    [Fact]
    public async Task A_filled_market_order_costs_a_fixed_number_of_grain_calls_and_storage_writes()
    {
        await fixture.ConfigureInstrumentAsync(Symbol, 50);
        await fixture.PublishAsync(Symbol, TickPaths.Generate(Symbol, 3, TimeSpan.FromSeconds(1), _ => 50.00));
        var risk = await fixture.OpenAccountAsync("COST");
        // Activations, specs and the currency direction are learned by the first order; the second shows the steady cost.
        (await risk.SubmitOrderAsync(new OrderRequest("warm", "COST", Symbol, OrderSide.Buy, 10))).Order.Status.ShouldBe(OrderStatus.Filled);

        var calls = await GrainCallCounter.During(async () =>
            (await risk.SubmitOrderAsync(new OrderRequest("measured", "COST", Symbol, OrderSide.Sell, 10))).Order.Status.ShouldBe(OrderStatus.Filled));

        foreach (var (call, count) in calls) output.WriteLine($"{count,3}  {call}");
        // Our grains' calls, and the storage grain's writes; timers and the stream queues' polling run whatever happens.
        var grainCalls = calls.Where(c => c.Key.StartsWith("AiTrading.", StringComparison.Ordinal)).Sum(c => c.Value);
        var writes = calls.Where(c => c.Key.Contains("IMemoryStorageGrain.WriteStateAsync", StringComparison.Ordinal)).Sum(c => c.Value);
        output.WriteLine($"grain calls {grainCalls}, storage writes {writes}");
        // The account's gate (which holds its book), the quote it checks against, the order, the venue, one audit append, one booking.
        calls.Where(c => c.Key.StartsWith("AiTrading.", StringComparison.Ordinal)).Select(c => $"{c.Key["AiTrading.Contracts.".Length..]} {c.Value}").ShouldBe(
        [
            "IAuditStreamGrain.AppendManyAsync 1", "IExecutionVenue.SubmitAsync 1", "IInstrumentGrain.GetQuoteAsync 1", "IOrderGrain.PlaceAsync 1",
            "IPortfolioGrain.ApplyFillsAsync 1", "IRiskGrain.SubmitOrderAsync 1",
        ]);
        grainCalls.ShouldBe(6);
        // The order: its intent before the venue, then the venue's answer as one step once its effects are done; the
        // account's booking. The venue writes nothing for an order that left its book as it was.
        writes.ShouldBe(3);
    }
}
