using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Models;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TradingLoopTests(ClusterFixture fixture)
{
    private const string Symbol = "LOOPUP";
    private const string Account = "LOOP-ACC";

    [Fact]
    public async Task Ticks_flow_through_instrument_strategy_risk_order_venue_portfolio_and_audit()
    {
        var client = fixture.Client;
        await fixture.ConfigureInstrumentAsync(Symbol, 100);
        await fixture.OpenAccountAsync(Account);
        var strategy = client.GetGrain<IStrategyGrain>("loop-strategy");
        await strategy.SubmitAsync(new StrategySpec
        {
            Id = "loop-strategy",
            Account = Account,
            Instruments = [Symbol],
            Models = [new(BaselineDirectionModel.Name)],
            MinConfidence = 0.6,
            Rules = new() { EntryLong = "p_up >= 0.6", EntryShort = "p_up <= 0.4" },
            Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 50 },
        });

        // 40 minutes of a rising market: the features warm up after ~15 one-minute bars, then the model says "up".
        await fixture.PublishAsync(Symbol, TickPaths.UpTrend(Symbol, 240));
        // 240 ticks 10 s apart close 39 one-minute bars; once the strategy has seen them all, the loop is quiet.
        await Eventually.True(async () => (await strategy.GetAsync())!.BarsSeen == 39, "the strategy to see every closed bar");

        var status = (await strategy.GetAsync())!;
        status.OrdersFilled.ShouldBe(1);
        status.Holdings[Symbol].Quantity.ShouldBe(50m);

        // The portfolio holds exactly what the strategy bought, at the ask plus slippage.
        var portfolio = await client.GetGrain<IPortfolioGrain>(Account).GetValuationAsync();
        var position = portfolio.Positions.Single().Position;
        position.Symbol.ShouldBe(Symbol);
        position.Quantity.ShouldBe(50m);

        // Every fill the portfolio booked has its audit record, and the chain verifies.
        var audit = client.GetGrain<IAuditStreamGrain>(Account);
        var records = await audit.ReadAsync(1, 1000);
        var fills = records.Where(r => r.Kind == AuditKinds.Fill).Select(r => JsonDocument.Parse(r.Payload).RootElement).ToList();
        fills.Count.ShouldBe(1);
        fills[0].GetProperty("quantity").GetDecimal().ShouldBe(position.Quantity);
        fills[0].GetProperty("price").GetDecimal().ShouldBe(position.AveragePrice);
        var orderId = fills[0].GetProperty("orderId").GetString()!;
        var decision = JsonDocument.Parse(records.Single(r => r.Kind == AuditKinds.Decision).Payload).RootElement;
        decision.GetProperty("probabilityUp").GetDouble().ShouldBeGreaterThan(0.6);
        decision.GetProperty("clientOrderId").GetString().ShouldBe(orderId.Split(':')[1]);
        records.Select(r => r.Kind).ShouldContain(AuditKinds.OrderAccepted);

        var order = await client.GetGrain<IOrderGrain>(orderId).GetAsync();
        order!.Status.ShouldBe(OrderStatus.Filled);
        order.Request.StrategyId.ShouldBe("loop-strategy");
        order.AverageFillPrice.ShouldBe(position.AveragePrice);

        var verification = await audit.VerifyAsync();
        verification.Valid.ShouldBeTrue(verification.Reason);
        verification.RecordsChecked.ShouldBe(records.Count);
        (await audit.GetInfoAsync()).HeadHash.ShouldBe(records[^1].Hash);
        (await client.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync()).ShouldContain(Account);

        await strategy.StopAsync();
    }

    [Fact]
    public async Task Tampering_with_one_audit_record_makes_verify_fail_at_that_record()
    {
        const string account = "TAMPER-ACC";
        var audit = fixture.Client.GetGrain<IAuditStreamGrain>(account);
        for (var i = 0; i < 5; i++)
            await audit.AppendAsync(new AuditEntry(AuditKinds.Decision, $"{{\"n\":{i}}}"));
        (await audit.VerifyAsync()).Valid.ShouldBeTrue();

        await fixture.TamperAsync(account, 3, r => r with { Payload = "{\"n\":99}" });

        var verification = await audit.VerifyAsync();
        verification.Valid.ShouldBeFalse();
        verification.FirstInvalidSequence.ShouldBe(3);
        verification.RecordsChecked.ShouldBe(2);
    }

    [Fact]
    public async Task Strategy_refuses_unknown_instruments_and_bad_settings_naming_each_field()
    {
        var strategy = fixture.Client.GetGrain<IStrategyGrain>("bad-strategy");
        var error = await Should.ThrowAsync<InvalidRequestException>(() => strategy.SubmitAsync(new StrategySpec
        {
            Id = "bad-strategy",
            Account = "ACC",
            Instruments = ["NOSUCH"],
            Timeframe = "M60",
            Rules = new() { EntryLong = "close > 0" },
            Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = -1 },
        }));
        error.Errors.Select(e => e.Field).ShouldBe(["instruments[0]", "timeframe", "sizing.quantity"]);
        error.Errors[0].Message.ShouldBe("unknown instrument 'NOSUCH'");
        (await strategy.GetAsync()).ShouldBeNull("a refused submission leaves nothing behind");
    }
}
