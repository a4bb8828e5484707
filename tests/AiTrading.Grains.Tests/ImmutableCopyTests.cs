using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.Audit;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace AiTrading.Grains.Tests;

/// <summary>
/// Calls between grains of one silo pass the order path's immutable records as they are instead of copying them, and
/// the same records still cross the wire through their surrogates.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ImmutableCopyTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);
    private static readonly OrderRequest Request = new("c-1", "ACC", "EURUSD", OrderSide.Buy, 1000m, OrderType.Limit, 1.08m, Bracket: new BracketRequest(1.07m, 1.09m));
    private static readonly Fill Fill = new("f-1", "ACC:c-1", "ACC", "EURUSD", OrderSide.Buy, 1000m, 1.0801m, Now, "paper");

    public static TheoryData<object> Records() =>
    [
        new Quote("EURUSD", Now, 1.08, 1.0801, 1e6, 1e6),
        new Tick("EURUSD", Now, 1.08, 1.0801, 1e6, 1e6, 0, 0),
        Timeframe.M5,
        new Bar("EURUSD", Timeframe.M1, Now, 1.08, 1.09, 1.07, 1.085, 12, 12),
        InstrumentCatalog.Default["USDJPY"],
        Request,
        Fill,
        new ExecutionReport("ACC:c-1", ExecutionKind.Fill, Now, Fill, "done", Request, "ACC:parent"),
        new WorkingOrder("ACC:c-1", Request, 0m, false, false, Now, null, 3, 0, null, null, "paper"),
        RiskDecision.Reject(RiskLimitNames.Margin, "too much", 2m, 1m),
        new RiskLimits { MaxOrdersPerSecond = 7 },
        new KillSwitchState(true, "why", "who", Now),
        new Position("EURUSD", "USD", 1000m, 1.08m, 3m),
        new AuditRecord("ACC", 4, Now, "kind", "{}", "prev", "hash"),
        new FieldError("quantity", "must be positive"),
        new OrderSubmission(new OrderView("ACC:c-1", Request, OrderStatus.Filled, 1000m, 1.0801m, null, Now, Now, [Fill]), RiskDecision.Pass, false),
        new OrderRouting("paper", new Quote("EURUSD", Now, 1.08, 1.0801, 1e6, 1e6), 1m),
    ];

    [Theory]
    [MemberData(nameof(Records))]
    public void A_call_inside_the_silo_passes_the_record_itself(object record)
    {
        var copier = fixture.Client.ServiceProvider.GetRequiredService<DeepCopier>();
        copier.Copy(record).ShouldBeSameAs(record);
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void The_record_crosses_the_wire_unchanged(object record)
    {
        var serializer = fixture.Client.ServiceProvider.GetRequiredService<Serializer>();
        var copy = serializer.Deserialize<object>(serializer.SerializeToArray(record));
        copy.ShouldNotBeSameAs(record);
        if (record is OrderSubmission submission)
        {
            var back = copy.ShouldBeOfType<OrderSubmission>();
            back.Order.Fills.ShouldBe(submission.Order.Fills);
            (back with { Order = submission.Order }).ShouldBe(submission);
        }
        else copy.ShouldBe(record);
    }
}
