using System.Collections.Concurrent;
using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;
using AiTrading.Core.Strategies;

namespace AiTrading.Grains.Tests;

/// <summary>A cluster that counts, per calling grain, the quotes asked of instrument grains.</summary>
public sealed class QuoteCallsFixture : ClusterFixture
{
    public QuoteCalls Calls { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(Calls);
}

public sealed class QuoteCalls : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _byCaller = new(StringComparer.Ordinal);

    public int From(string callerKey) => _byCaller.GetValueOrDefault(callerKey);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod is { Name: nameof(IInstrumentGrain.GetQuoteAsync) } method && method.DeclaringType == typeof(IInstrumentGrain)
            && context.SourceId is { } caller)
            _byCaller.AddOrUpdate(caller.Key.ToString()!, 1, (_, n) => n + 1);
        return context.Invoke();
    }
}

/// <summary>What a strategy asks before it decides on a bar.</summary>
public sealed class StrategyQuoteTests(QuoteCallsFixture fixture) : IClassFixture<QuoteCallsFixture>
{
    [Fact]
    public async Task A_strategy_converts_with_the_quote_its_bar_carries_instead_of_asking_the_instrument()
    {
        // USDJPY's P&L is in JPY, converted into the account's USD by USDJPY itself: the bar carries that quote.
        var strategy = await UpTrend.TradeAsync(fixture, "quote-carried", "QUOTE-ACC");

        (await strategy.GetAsync())!.OrdersFilled.ShouldBe(1, "the rising market is bought once, as on a USD-quoted instrument");
        fixture.Calls.From("quote-carried").ShouldBe(0, "quotes the strategy asked of instrument grains over 39 bars");
        await strategy.StopAsync();
    }
}

/// <summary>A baseline-model strategy on USDJPY that sees 39 bars of a rising market (which it buys once).</summary>
internal static class UpTrend
{
    public static async Task<IStrategyGrain> TradeAsync(ClusterFixture fixture, string strategyId, string account)
    {
        const string symbol = "USDJPY";
        await fixture.Client.GetGrain<IInstrumentGrain>(symbol).ConfigureAsync(InstrumentCatalog.Default[symbol]);
        await fixture.OpenAccountAsync(account);
        var strategy = fixture.Client.GetGrain<IStrategyGrain>(strategyId);
        await strategy.SubmitAsync(new StrategySpec
        {
            Id = strategyId,
            Account = account,
            Instruments = [symbol],
            Models = [new(BaselineDirectionModel.Name)],
            MinConfidence = 0.6,
            Rules = new() { EntryLong = "p_up >= 0.6", EntryShort = "p_up <= 0.4" },
            Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 1000 },
        });
        await fixture.PublishAsync(symbol, TickPaths.UpTrend(symbol, 240, from: 150));
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == 39, "the strategy to see every closed bar");
        return strategy;
    }
}

/// <summary>A cluster whose default venue is an MT5 terminal (with none connected).</summary>
public sealed class Mt5DefaultVenueFixture : ClusterFixture
{
    protected override IReadOnlyDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>
    {
        ["Trading:DefaultVenue"] = "mt5",
        ["Trading:Mt5Terminals:mt5:Token"] = "a-terminal-token-of-32-characters",
    };
}

public sealed class StrategyVenueTests(Mt5DefaultVenueFixture fixture) : IClassFixture<Mt5DefaultVenueFixture>
{
    [Fact]
    public async Task A_strategy_trades_at_its_spec_s_venue_not_the_default_one()
    {
        var strategy = await UpTrend.TradeAsync(fixture, "venue-of-spec", "VENUE-ACC");

        // Sent to the default venue, the order would meet an MT5 terminal that is not connected and be refused.
        (await strategy.GetAsync())!.OrdersFilled.ShouldBe(1, "the paper venue of the spec filled the order");
        await strategy.StopAsync();
    }
}
