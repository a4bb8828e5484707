using System.Text.Json;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Tests.Strategies;

public sealed class StrategyBookTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private sealed class Ledger : IStrategyLedger
    {
        public Dictionary<string, HeldPosition> Positions { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, SignalOrder> Working { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, DateTimeOffset> LastBars { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> LastOrders { get; } = new(StringComparer.Ordinal);
        public long BarsSeen { get; set; }
        public long Signals { get; set; }
        public long OrdersFilled { get; set; }
        public long OrdersRejected { get; set; }
        public long EventSequence { get; set; }
    }

    /// <summary>Long above 100, flat below; 1,000 a time.</summary>
    private static StrategySpec Spec(StrategyLimits? limits = null) => StrategyProgramTests.Cross("book") with
    {
        Features = [],
        Rules = new() { EntryLong = "close > 100", ExitLong = "close < 100" },
        Limits = limits ?? new(),
    };

    private static Bar Bar(int minute, double close) => new("EURUSD", Timeframe.M1, Start.AddMinutes(minute), close, close, close, close, 10, 10);

    private static BarReading Reading(int minute, decimal? rate = 1m) => new(double.NaN, null, null, 100_000, rate, Start.AddMinutes(minute + 1));

    private static (StrategyBook Book, Ledger Ledger) Book(StrategySpec? spec = null, IEnumerable<Bar>? history = null)
    {
        var ledger = new Ledger();
        var book = new StrategyBook("book", ledger, value => JsonSerializer.Serialize(value));
        book.Run(StrategyProgram.Compile(spec ?? Spec(), StrategyProgramTests.Live));
        book.AddInstrument("EURUSD", "USD", history ?? []);
        return (book, ledger);
    }

    private static OrderOutcome Filled(decimal quantity, decimal price, int minute, bool duplicate = false) =>
        OrderOutcome.Placed(Core.Trading.OrderStatus.Filled, null, quantity, price, duplicate, Start.AddMinutes(minute + 1).AddMilliseconds(2));

    [Fact]
    public void A_signal_works_until_its_outcome_is_booked_and_the_next_bar_decides_on_the_position_it_made()
    {
        var (book, ledger) = Book();
        book.OnBar(Bar(0, 99), Reading(0), Start.AddMinutes(1), trading: true).ShouldBe(BarStep.Held);
        var step = book.OnBar(Bar(1, 101), Reading(1), Start.AddMinutes(2), trading: true);
        var order = step.Order.ShouldNotBeNull();
        order.ClientOrderId.ShouldStartWith("book-0-");
        (order.Current, order.TargetPosition, order.LimitRefusal).ShouldBe((0m, 1000m, null));
        step.Signal!.Kind.ShouldBe(StrategyNoticeKind.Signal);
        step.Signal.Sequence.ShouldBe(1);
        ledger.Working["EURUSD"].ShouldBe(order);
        var request = order.ToRequest(Spec(), "EURUSD");
        (request.Side, request.Quantity, request.Venue, request.StrategyId).ShouldBe((Core.Trading.OrderSide.Buy, 1000m, "paper", "book"));

        // A second order for the same instrument cannot be decided while this one works.
        Should.Throw<InvalidOperationException>(() => book.OnBar(Bar(2, 102), Reading(2), Start.AddMinutes(3), trading: true));

        var notices = book.Settle("EURUSD", order.ClientOrderId, Filled(1000, 101.01m, 1));
        notices.Select(n => (n.Sequence, n.Kind)).ShouldBe([(2L, StrategyNoticeKind.Order), (3L, StrategyNoticeKind.Fill)]);
        notices[1].Message.ShouldBe("Buy 1000 at 101.01; position 1000");
        ledger.Working.ShouldBeEmpty();
        (ledger.Positions["EURUSD"].Quantity, ledger.Positions["EURUSD"].EntryPrice, ledger.OrdersFilled, ledger.Signals).ShouldBe((1000m, 101.01m, 1L, 1L));
        book.TickToFillMicroseconds.ShouldBe([2000d]);

        // Holding: the next bar counts as held, a fall below 100 exits the whole position.
        book.OnBar(Bar(2, 102), Reading(2), Start.AddMinutes(3), trading: true).ShouldBe(BarStep.Held);
        ledger.Positions["EURUSD"].BarsHeld.ShouldBe(1);
        var exit = book.OnBar(Bar(3, 99), Reading(3), Start.AddMinutes(4), trading: true).Order!;
        (exit.Current, exit.Delta).ShouldBe((1000m, -1000m));
        book.Settle("EURUSD", exit.ClientOrderId, Filled(1000, 99.5m, 3));
        var flat = ledger.Positions["EURUSD"];
        (flat.Quantity, flat.BarsHeld, flat.RealizedPnl, flat.Position.RealizedPnl).ShouldBe((0m, 0, -1510m, -1510m));
        ledger.BarsSeen.ShouldBe(4);
    }

    [Fact]
    public void An_outcome_is_booked_once_whichever_way_it_comes_back()
    {
        var (book, ledger) = Book();
        var order = book.OnBar(Bar(0, 101), Reading(0), Start.AddMinutes(1), trading: true).Order!;
        book.Settle("EURUSD", order.ClientOrderId, Filled(1000, 101, 0)).Count.ShouldBe(2);
        // The same answer again (the order's own report after the next bar already booked it), or a stale one: nothing.
        book.Settle("EURUSD", order.ClientOrderId, Filled(1000, 101, 0)).ShouldBeEmpty();
        book.Settle("EURUSD", "book-0-other", Filled(1000, 101, 0)).ShouldBeEmpty();
        (ledger.Positions["EURUSD"].Quantity, ledger.OrdersFilled).ShouldBe((1000m, 1L));

        // A signal working again for an order whose fill was booked (its removal was lost): the fill is not booked twice.
        ledger.Working["EURUSD"] = order with { Current = 1000 };
        var notices = book.Settle("EURUSD", order.ClientOrderId, Filled(1000, 101, 0, duplicate: true));
        notices.Select(n => n.Kind).ShouldBe([StrategyNoticeKind.Order]);
        (ledger.Positions["EURUSD"].Quantity, ledger.OrdersFilled, ledger.OrdersRejected).ShouldBe((1000m, 1L, 0L));
        book.TickToFillMicroseconds.Count.ShouldBe(1, "a duplicate answer is no new latency sample");
    }

    [Fact]
    public void An_order_still_working_at_its_venue_keeps_the_signal_working_and_later_bars_send_nothing()
    {
        var (book, ledger) = Book();
        var order = book.OnBar(Bar(0, 101), Reading(0), Start.AddMinutes(1), trading: true).Order!;
        var accepted = OrderOutcome.Placed(Core.Trading.OrderStatus.Accepted, null, 0, null, false, Start.AddMinutes(1));
        accepted.Done.ShouldBeFalse();
        book.Settle("EURUSD", order.ClientOrderId, accepted).ShouldBeEmpty();
        ledger.Working["EURUSD"].ShouldBe(order);

        // The engine reads the next bar (the position is still flat, so it would enter again) but nothing is sent.
        book.OnBar(Bar(1, 102), Reading(1), Start.AddMinutes(2), trading: false).ShouldBe(BarStep.Held);
        (ledger.Signals, ledger.BarsSeen).ShouldBe((1L, 2L));
        book.Settle("EURUSD", order.ClientOrderId, Filled(1000, 101.5m, 1, duplicate: true)).Count.ShouldBe(2);
        (ledger.Positions["EURUSD"].Quantity, ledger.OrdersFilled, ledger.OrdersRejected, ledger.Working.Count).ShouldBe((1000m, 1L, 0L, 0));
    }

    [Theory]
    [InlineData(OrderOutcomeKind.RiskRefused, StrategyNoticeKind.Risk, "max_position: too big")]
    [InlineData(OrderOutcomeKind.NotSubmitted, StrategyNoticeKind.Order, "not submitted: max_position: too big")]
    [InlineData(OrderOutcomeKind.Placed, StrategyNoticeKind.Order, "Buy 1000: max_position: too big")]
    public void A_refused_or_unfilled_order_counts_as_rejected_and_leaves_the_position(OrderOutcomeKind kind, StrategyNoticeKind notice, string message)
    {
        var (book, ledger) = Book();
        var order = book.OnBar(Bar(0, 101), Reading(0), Start.AddMinutes(1), trading: true).Order!;
        var notices = book.Settle("EURUSD", order.ClientOrderId, new OrderOutcome(kind, "max_position: too big", AnsweredAt: Start.AddMinutes(1)));
        notices.Single().Kind.ShouldBe(notice);
        notices.Single().Message.ShouldBe(message);
        (ledger.Positions["EURUSD"].Quantity, ledger.OrdersRejected, ledger.OrdersFilled, ledger.Working.Count).ShouldBe((0m, 1L, 0L, 0));
    }

    [Fact]
    public void The_strategy_limits_refuse_an_order_before_it_is_sent()
    {
        var (book, ledger) = Book(Spec(new StrategyLimits { MaxPosition = 500 }));
        var order = book.OnBar(Bar(0, 101), Reading(0), Start.AddMinutes(1), trading: true).Order!;
        order.LimitMessage.ShouldStartWith(StrategyLimitCheck.MaxPosition);
        JsonDocument.Parse(order.LimitRefusal!).RootElement.GetProperty("request").GetProperty("ClientOrderId").GetString().ShouldBe(order.ClientOrderId);
        var notice = book.Settle("EURUSD", order.ClientOrderId, new OrderOutcome(OrderOutcomeKind.LimitRefused, "")).Single();
        (notice.Kind, notice.Message).ShouldBe((StrategyNoticeKind.Risk, order.LimitMessage));
        ledger.OrdersRejected.ShouldBe(1);
    }

    [Fact]
    public void A_paused_strategy_reads_bars_but_sends_nothing_and_a_failing_rule_is_reported()
    {
        var (book, ledger) = Book(Spec() with { Rules = new() { EntryLong = "close > 100", ExitLong = "close / (close - 102) > 1" } });
        book.OnBar(Bar(0, 101), Reading(0), Start.AddMinutes(1), trading: false).ShouldBe(BarStep.Held);
        (ledger.Signals, ledger.BarsSeen, ledger.Working.Count).ShouldBe((0L, 1L, 0));

        ledger.Positions["EURUSD"] = HeldPosition.Flat("EURUSD", "USD").Book(1000, 100, 1, DateOnly.FromDateTime(Start.UtcDateTime), null);
        var failed = book.OnBar(Bar(1, 102), Reading(1), Start.AddMinutes(2), trading: true);
        failed.Failure.ShouldStartWith("EURUSD bar 2026-01-05T00:01:00.0000000+00:00: rules.exitLong:");
        failed.Order.ShouldBeNull();
    }

    [Fact]
    public void Bars_already_seen_in_the_warm_up_or_decided_before_a_restart_are_not_decided_again()
    {
        var (book, _) = Book(history: [Bar(0, 99), Bar(1, 99)]);
        book.IsNew(Bar(1, 101)).ShouldBeFalse();
        book.IsNew(Bar(2, 101)).ShouldBeTrue();
        book.Trades(Bar(2, 101) with { Timeframe = Timeframe.M5 }).ShouldBeFalse();
        book.Trades(Bar(2, 101) with { Symbol = "XAUUSD" }).ShouldBeFalse();

        var ledger = new Ledger();
        ledger.LastBars["EURUSD:M1"] = Start.AddMinutes(5);
        var restarted = new StrategyBook("book", ledger, value => JsonSerializer.Serialize(value));
        restarted.Run(StrategyProgram.Compile(Spec(), StrategyProgramTests.Live));
        restarted.AddInstrument("EURUSD", "USD", [Bar(0, 99), Bar(1, 99)]);
        restarted.IsNew(Bar(5, 101)).ShouldBeFalse();
        restarted.IsNew(Bar(6, 101)).ShouldBeTrue();
    }

    [Fact]
    public void A_held_position_books_fills_on_the_portfolios_position_arithmetic()
    {
        var day = new DateOnly(2026, 1, 5);
        var stop = new ProtectiveLevels(95, null, null);
        var held = HeldPosition.Flat("USDJPY", "JPY").Book(100, 150m, 0.0067m, day, stop);
        (held.Quantity, held.EntryPrice, held.Protection, held.BarsHeld).ShouldBe((100m, 150m, stop, 0));
        held = held.NextBar().NextBar().Book(100, 152m, 0.0067m, day, null);
        (held.Quantity, held.EntryPrice, held.BarsHeld, held.Protection).ShouldBe((200m, 151m, 2, stop), "adding keeps the side, the bars and the stop");

        // Selling 300 closes 200 (realising 2 JPY each, converted) and opens 100 short at the fill, with the new levels.
        var flipped = held.Book(-300, 153m, 0.0067m, day, new ProtectiveLevels(160, null, null));
        (flipped.Quantity, flipped.EntryPrice, flipped.BarsHeld, flipped.Protection!.StopLoss).ShouldBe((-100m, 153m, 0, 160m));
        (flipped.Position.RealizedPnl, flipped.RealizedPnl, flipped.RealizedOn(day)).ShouldBe((400m, 2.68m, 2.68m));
        flipped.Position.ShouldBe(new Position("USDJPY", "JPY", -100, 153, 400));

        var nextDay = flipped.Book(100, 152m, 0.0067m, day.AddDays(1), null);
        (nextDay.Quantity, nextDay.Protection, nextDay.RealizedOn(day.AddDays(1)), nextDay.RealizedOn(day), nextDay.RealizedPnl)
            .ShouldBe((0m, (ProtectiveLevels?)null, 0.67m, 0m, 3.35m));
    }
}
