using AiTrading.Contracts;
using AiTrading.Core.Strategies;

namespace AiTrading.Grains.Tests;

/// <summary>What submitting a strategy asks of its instruments, counted by the silos' grain call filter.</summary>
public sealed class StrategySubmitCostTests(CallCountingClusterFixture fixture) : IClassFixture<CallCountingClusterFixture>
{
    [Fact]
    public async Task A_submission_asks_each_instrument_once_to_build_bars_of_the_strategys_timeframe()
    {
        string[] symbols = ["SUBMITA", "SUBMITB"];
        foreach (var symbol in symbols) await fixture.ConfigureInstrumentAsync(symbol, 100);
        await fixture.OpenAccountAsync("SUBMIT-ACC");
        var spec = new StrategySpec
        {
            Id = "submit-cost", Account = "SUBMIT-ACC", Instruments = symbols, Timeframe = "M15",
            Rules = new() { EntryLong = "close < 0" }, Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 10 },
        };

        var calls = await GrainCallCounter.During(async () =>
            (await fixture.Client.GetGrain<IStrategyGrain>(spec.Id).SubmitAsync(spec)).Strategy.State.ShouldBe(StrategyLifecycle.Running));

        calls.GetValueOrDefault("AiTrading.Contracts.IInstrumentGrain.ServeTimeframeAsync").ShouldBe(symbols.Length);
        await fixture.Client.GetGrain<IStrategyGrain>(spec.Id).StopAsync();
    }
}
