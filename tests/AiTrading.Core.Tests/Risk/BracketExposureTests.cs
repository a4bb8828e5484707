using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Risk;

public sealed class BracketExposureTests
{
    /// <summary>A working leg; with no quantity, one the venue has not opened yet.</summary>
    private static BracketLeg Open(decimal price, decimal quantity = 0, decimal filled = 0) => new(price, quantity, filled, Done: false);

    private static BracketLeg Done(decimal price, decimal quantity, decimal filled = 0) => new(price, quantity, filled, Done: true);

    [Fact]
    public void Both_legs_of_a_bracket_count_once_at_the_larger_leg()
    {
        BracketExposure.Of(1_000, [Open(95m, 1_000), Open(105m, 1_000)]).ShouldBe(new BracketExposure(1_000, 105m), "one-cancels-other: 1,000, not 2,000");
        BracketExposure.Of(1_000, [Open(95m, 1_000)]).ShouldBe(new BracketExposure(1_000, 95m), "a stop loss alone");
        BracketExposure.Of(1_000, [Open(95m), Open(105m)]).ShouldBe(new BracketExposure(1_000, 105m), "legs not opened yet count from the entry's fills");
    }

    [Fact]
    public void The_legs_close_what_the_entry_filled_less_what_they_filled()
    {
        BracketExposure.Of(600, [Open(95m, 600), Open(105m, 600)]).Quantity.ShouldBe(600, "a partly filled entry: the legs are as large as its fills");
        BracketExposure.Of(1_000, [Open(95m, 1_000, filled: 300), Open(105m, 700)]).ShouldBe(new BracketExposure(700, 105m), "the stop loss filled 300");
        BracketExposure.Of(1_000, [Done(95m, 1_000, filled: 1_000), Done(105m, 1_000)]).IsOpen.ShouldBeFalse("the stop loss filled: the take profit was cancelled");
        BracketExposure.Of(0, [Open(95m), Open(105m)]).IsOpen.ShouldBeFalse("nothing filled: no legs yet (the entry itself counts on its own side)");
    }

    [Fact]
    public void Neither_the_venue_s_lag_nor_a_leg_changed_by_hand_makes_the_count_fall_short()
    {
        BracketExposure.Of(1_000, [Open(95m, 600), Open(105m, 600)]).Quantity.ShouldBe(1_000, "the entry filled 400 more: the legs have not grown yet");
        BracketExposure.Of(1_000, [Open(95m, 1_000, filled: 300), Open(105m, 1_000)]).Quantity.ShouldBe(1_000, "the take profit has not shrunk yet");
        BracketExposure.Of(1_000, [Open(95m, 1_500), Open(105m, 1_000)]).Quantity.ShouldBe(1_500, "the stop loss was enlarged by hand");
        BracketExposure.Of(1_000, [Open(95m, 400), Open(105m, 400)]).Quantity.ShouldBe(1_000, "reduced by hand: still counted at the entry's fills");
    }

    [Fact]
    public void A_leg_cancelled_alone_leaves_the_other_counting_at_its_own_price()
    {
        BracketExposure.Of(1_000, [Done(95m, 1_000), Open(105m, 1_000)]).ShouldBe(new BracketExposure(1_000, 105m));
        BracketExposure.Of(1_000, [Open(95m, 1_000), Done(105m, 1_000)]).ShouldBe(new BracketExposure(1_000, 95m));
        BracketExposure.Of(1_000, [Done(95m, 1_000), Done(105m, 1_000)]).ShouldBe(default(BracketExposure), "both cancelled by hand");
    }

    [Fact]
    public void An_open_bracket_counts_as_a_working_order_so_a_sell_beside_it_cannot_flip_the_long()
    {
        // Long 100,000 EURUSD whose bracket may sell all of it: a further sell of 60,000 is no longer only reducing.
        var bracket = BracketExposure.Of(100_000, [Open(1.05m, 100_000), Open(1.15m, 100_000)]);
        var working = new WorkingExposure(0, 0, bracket.Quantity, bracket.Quantity * bracket.Price);
        var limits = new RiskLimits { MaxPositionQuantity = 50_000, MaxDailyLoss = 1_000 };
        var exposure = new AccountExposure(100_000, -2_000, 100_000, 100_000, 110_000, new Dictionary<string, decimal>(), "USD");
        var pricing = new OrderPricing(1.10m, 1.10m, null, "EUR", "USD", 1.10m, 1m);
        var sell = new OrderRequest("c", "A", "EURUSD", OrderSide.Sell, 60_000);

        PreTradeRisk.Check(sell, limits, exposure, pricing).Approved.ShouldBeTrue("alone it only reduces, even past the daily loss");
        var flip = PreTradeRisk.Check(sell, limits, exposure, pricing, working: working);
        (flip.Limit, flip.Value).ShouldBe((RiskLimitNames.MaxPosition, 60_000m));
        flip.Message.ShouldBe("position in EURUSD would be -60000 with the working sells of 100000, beyond max position 50000");
    }

    [Fact]
    public void Leg_ids_name_their_entry()
    {
        var legs = new BracketRequest(95m, 105m).LegsOf("A:e1").ToList();
        legs.ShouldBe([("A:e1/sl", 95m), ("A:e1/tp", 105m)]);
        BracketRequest.EntryOf("A:e1/tp").ShouldBe("A:e1");
        BracketRequest.EntryOf("A:e1").ShouldBeNull();
        new BracketRequest(null, 105m).LegsOf("A:e1").ShouldBe([("A:e1/tp", 105m)]);
    }
}
