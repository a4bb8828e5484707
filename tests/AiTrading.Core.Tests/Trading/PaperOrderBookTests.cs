using AiTrading.Core.MarketData;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Trading;

public sealed class PaperOrderBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly PaperFillOptions Exact = new() { SlippageBps = 0, RandomSlippageBps = 0 };

    private static Quote Q(double bid, double ask, double bidSize = 1e6, double askSize = 1e6, int second = 0) =>
        new("EURUSD", T0.AddSeconds(second), bid, ask, bidSize, askSize);

    private static PaperOrderBook Book(PaperFillOptions? options = null) => new("EURUSD", 0.00001, options ?? Exact);

    private static OrderRequest Order(OrderSide side, decimal quantity = 1000, OrderType type = OrderType.Market, decimal? limit = null, decimal? stop = null,
        TimeInForce tif = TimeInForce.Gtc, BracketRequest? bracket = null) =>
        new("c", "A", "EURUSD", side, quantity, type, limit, null, stop, tif, bracket);

    private static IReadOnlyList<ExecutionReport> Submit(PaperOrderBook book, string id, OrderRequest order, Quote? quote = null, int second = 0) =>
        book.Submit(id, order, "paper", quote ?? Q(1.08500, 1.08510, second: second), T0.AddSeconds(second));

    private static string Kinds(IEnumerable<ExecutionReport> reports) => string.Join(",", reports.Select(r => $"{r.OrderId}:{r.Kind}"));

    [Fact]
    public void Without_slippage_buys_fill_at_the_ask_and_sells_at_the_bid()
    {
        var book = Book();
        Submit(book, "b", Order(OrderSide.Buy)).Single().Fill!.Price.ShouldBe(1.08510m);
        Submit(book, "s", Order(OrderSide.Sell)).Single().Fill!.Price.ShouldBe(1.08500m);
        book.Working.ShouldBeEmpty();
    }

    [Fact]
    public void Slippage_is_adverse_and_rounded_to_the_tick_away_from_the_trader()
    {
        var book = Book(new PaperFillOptions { SlippageBps = 1, RandomSlippageBps = 0 });
        // 1 bp of 1.08510 = 0.000108510 → 1.085208510, rounded up to 1.08521; 1.08500 − 0.0001085 → 1.08489.
        Submit(book, "b", Order(OrderSide.Buy)).Single().Fill!.Price.ShouldBe(1.08521m);
        Submit(book, "s", Order(OrderSide.Sell)).Single().Fill!.Price.ShouldBe(1.08489m);
    }

    [Fact]
    public void Is_deterministic_under_a_seed()
    {
        var options = new PaperFillOptions { SlippageBps = 0, RandomSlippageBps = 5, Seed = 3 };
        List<decimal> Prices(PaperOrderBook book) => Enumerable.Range(0, 20).Select(i => Submit(book, $"o{i}", Order(OrderSide.Buy)).Single().Fill!.Price).ToList();
        var a = Prices(Book(options));
        a.ShouldBe(Prices(Book(options)));
        a.Distinct().Count().ShouldBeGreaterThan(1);
        a.ShouldAllBe(p => p >= 1.08510m && p <= 1.08510m * 1.0005m + 0.00001m);
        Prices(new PaperOrderBook("GBPUSD".Replace("GBPUSD", "EURUSD"), 0.00001, options with { Seed = 4 })).ShouldNotBe(a);
    }

    [Fact]
    public void Fills_are_bounded_by_the_size_at_the_touch_shared_by_orders_on_the_same_quote()
    {
        var book = Book();
        var first = Submit(book, "a", Order(OrderSide.Buy, 3_000_000), Q(1.085, 1.0851, askSize: 1_000_000));
        first.Single().Fill!.Quantity.ShouldBe(1_000_000);
        book.Working.Single().Filled.ShouldBe(1_000_000);
        Submit(book, "b", Order(OrderSide.Buy, 500_000), Q(1.085, 1.0851, askSize: 1_000_000), second: 1).Single().Fill!.Quantity.ShouldBe(500_000);

        // One quote of 1.5M: the older order takes its 1.5M remainder's share first (price-time priority), the newer none.
        var next = book.OnQuote(Q(1.085, 1.0852, askSize: 1_500_000, second: 2));
        next.Select(r => (r.OrderId, r.Fill!.Quantity)).ShouldBe([("a", 1_500_000m)]);
        book.OnQuote(Q(1.085, 1.0852, askSize: 1_000_000, second: 3)).Select(r => (r.OrderId, r.Fill!.Quantity)).ShouldBe([("a", 500_000m)]);
        book.Working.ShouldBeEmpty();
        Submit(book, "c", Order(OrderSide.Sell, 2_000_000), Q(1.085, 1.0851, bidSize: 0), second: 4).Single().Fill!.Quantity
            .ShouldBe(2_000_000, "a size of 0 bounds nothing");
    }

    [Fact]
    public void Limit_orders_rest_until_the_touch_reaches_them_and_never_fill_beyond_the_limit()
    {
        var book = Book(new PaperFillOptions { SlippageBps = 10, RandomSlippageBps = 0 });
        Submit(book, "l", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.0850m)).ShouldBeEmpty();
        book.Working.Single().OrderId.ShouldBe("l");
        book.OnQuote(Q(1.0849, 1.08505, second: 1)).ShouldBeEmpty();
        var fill = book.OnQuote(Q(1.0848, 1.0850, second: 2)).Single().Fill!;
        (fill.Price, fill.Time).ShouldBe((1.0850m, T0.AddSeconds(2)), "10 bp of slippage, capped at the limit");
        Submit(book, "s", Order(OrderSide.Sell, type: OrderType.Limit, limit: 1.0849m), second: 3).Single().Fill!.Price.ShouldBe(1.0849m);
    }

    [Fact]
    public void Stops_trigger_on_touch_then_trade_as_market_or_limit()
    {
        var book = Book();
        Submit(book, "buy-stop", Order(OrderSide.Buy, type: OrderType.Stop, stop: 1.0860m)).ShouldBeEmpty();
        Submit(book, "sell-stop-limit", Order(OrderSide.Sell, type: OrderType.StopLimit, stop: 1.0840m, limit: 1.0838m)).ShouldBeEmpty();
        book.OnQuote(Q(1.0858, 1.0859, second: 1)).ShouldBeEmpty();
        var up = book.OnQuote(Q(1.0859, 1.0861, second: 2));
        Kinds(up).ShouldBe("buy-stop:Triggered,buy-stop:Fill");
        (up[0].Reason, up[1].Fill!.Price).ShouldBe(("stop 1.0860 touched (ask 1.0861)", 1.0861m));

        // The bid gaps through the stop and the limit: triggered, but not marketable below 1.0838.
        var gap = book.OnQuote(Q(1.0835, 1.0836, second: 3));
        Kinds(gap).ShouldBe("sell-stop-limit:Triggered");
        book.Working.Single().Triggered.ShouldBeTrue();
        Kinds(book.OnQuote(Q(1.0839, 1.0840, second: 4))).ShouldBe("sell-stop-limit:Fill", "a triggered stop-limit works as a limit");
    }

    [Fact]
    public void Ioc_fills_what_it_can_once_and_fok_all_or_nothing()
    {
        var book = Book();
        var ioc = Submit(book, "ioc", Order(OrderSide.Buy, 2_000_000, tif: TimeInForce.Ioc), Q(1.085, 1.0851, askSize: 500_000));
        Kinds(ioc).ShouldBe("ioc:Fill,ioc:Cancelled");
        (ioc[0].Fill!.Quantity, ioc[1].Reason).ShouldBe((500_000m, "IOC: 1500000 unfilled (500000 available at 1.0851)"));
        Kinds(Submit(book, "ioc-limit", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.08m, tif: TimeInForce.Ioc))).ShouldBe("ioc-limit:Cancelled");

        var fok = Submit(book, "fok", Order(OrderSide.Buy, 2_000_000, tif: TimeInForce.Fok), Q(1.085, 1.0851, askSize: 500_000));
        (Kinds(fok), fok[0].Reason).ShouldBe(("fok:Cancelled", "FOK: only 500000 of 2000000 available at 1.0851"));
        Submit(book, "fok-ok", Order(OrderSide.Buy, 400_000, tif: TimeInForce.Fok), Q(1.085, 1.0851, askSize: 500_000)).Single().Fill!.Quantity.ShouldBe(400_000);
        book.Working.ShouldBeEmpty();
    }

    [Fact]
    public void Day_orders_expire_with_the_first_quote_of_a_later_utc_day()
    {
        var book = Book();
        Submit(book, "day", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.0m, tif: TimeInForce.Day));
        Submit(book, "gtc", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.0m));
        book.OnQuote(Q(1.085, 1.0851, second: 13 * 3600)).ShouldBeEmpty("23:00 on the same day");
        var next = book.OnQuote(new Quote("EURUSD", new DateTimeOffset(2026, 1, 6, 0, 0, 1, TimeSpan.Zero), 1.085, 1.0851, 1e6, 1e6));
        (Kinds(next), next[0].Reason).ShouldBe(("day:Expired", "DAY order expired at the end of 2026-01-05 (UTC)"));
        book.Working.Single().OrderId.ShouldBe("gtc");
    }

    [Fact]
    public void Latency_delays_the_first_quote_an_order_may_trade_on()
    {
        var book = Book(Exact with { Latency = TimeSpan.FromMilliseconds(250) });
        Submit(book, "m", Order(OrderSide.Buy)).ShouldBeEmpty();
        book.OnQuote(new Quote("EURUSD", T0.AddMilliseconds(200), 1.085, 1.0851, 1e6, 1e6)).ShouldBeEmpty();
        var fill = book.OnQuote(new Quote("EURUSD", T0.AddMilliseconds(250), 1.0855, 1.0856, 1e6, 1e6)).Single().Fill!;
        (fill.Price, fill.Time).ShouldBe((1.0856m, T0.AddMilliseconds(250)));
    }

    [Fact]
    public void A_bracket_places_both_legs_for_what_filled_and_one_cancels_the_other()
    {
        var book = Book();
        var entry = Submit(book, "e", Order(OrderSide.Buy, 1_000_000, bracket: new BracketRequest(1.0800m, 1.0900m)), Q(1.085, 1.0851, askSize: 600_000));
        Kinds(entry).ShouldBe("e:Fill,e/sl:Opened,e/tp:Opened");
        var stop = entry[1].Request!;
        (stop.Side, stop.Type, stop.StopPrice, stop.Quantity, stop.ClientOrderId).ShouldBe((OrderSide.Sell, OrderType.Stop, 1.0800m, 600_000m, "c.sl"));
        (entry[2].Request!.Type, entry[2].Request!.LimitPrice, entry[2].ParentOrderId).ShouldBe((OrderType.Limit, 1.0900m, "e"));

        // The rest of the entry fills: both legs grow to 1M.
        var rest = book.OnQuote(Q(1.085, 1.0852, second: 1));
        Kinds(rest).ShouldBe("e:Fill,e/sl:Replaced,e/tp:Replaced");
        rest[1].Request!.Quantity.ShouldBe(1_000_000);

        // The take profit fills 400k of 1M: the stop shrinks to 600k; then the rest, and the stop is cancelled.
        var partial = book.OnQuote(Q(1.0901, 1.0902, bidSize: 400_000, second: 2));
        Kinds(partial).ShouldBe("e/tp:Fill,e/sl:Replaced");
        partial[1].Request!.Quantity.ShouldBe(600_000);
        var done = book.OnQuote(Q(1.0901, 1.0902, second: 3));
        (Kinds(done), done[1].Reason).ShouldBe(("e/tp:Fill,e/sl:Cancelled", "one-cancels-other: e/tp filled"));
        book.Working.ShouldBeEmpty();
    }

    [Fact]
    public void Cancel_and_replace_work_on_working_orders_only()
    {
        var book = Book();
        Submit(book, "a", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.08m));
        Submit(book, "b", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.08m));
        var replaced = book.Replace("a", 2000, 1.0850m, null, Q(1.085, 1.0851), T0).Single();
        (replaced.Kind, replaced.Request!.Quantity, replaced.Request.LimitPrice).ShouldBe((ExecutionKind.Replaced, 2000m, 1.0850m));
        book.Working.Select(w => w.OrderId).ShouldBe(["b", "a"], "a replaced order goes to the back of the queue");
        Kinds(book.Replace("a", 2000, 1.0851m, null, Q(1.085, 1.0851), T0)).ShouldBe("a:Replaced,a:Fill", "a change that makes it marketable trades at once");
        Submit(book, "a2", Order(OrderSide.Buy, 2000, type: OrderType.Limit, limit: 1.08m));
        book.Cancel("b", "by request", T0)!.Kind.ShouldBe(ExecutionKind.Cancelled);
        book.Cancel("b", "again", T0).ShouldBeNull();
        book.Replace("a", 3000, 1.08m, null, null, T0).ShouldBeEmpty("filled orders cannot be replaced");

        Submit(book, "p", Order(OrderSide.Buy, 1_000_000, type: OrderType.Limit, limit: 1.0851m), Q(1.085, 1.0851, askSize: 400_000, second: 2));
        Should.Throw<ValidationException>(() => book.Replace("p", 400_000, 1.0851m, null, null, T0)).Errors.Single().Field.ShouldBe("quantity");
    }

    [Fact]
    public void A_snapshot_restores_the_book_exactly()
    {
        var book = Book();
        Submit(book, "a", Order(OrderSide.Buy, 1_000_000, type: OrderType.Limit, limit: 1.0851m, bracket: new BracketRequest(1.08m, null)), Q(1.085, 1.0851, askSize: 300_000));
        Submit(book, "s", Order(OrderSide.Sell, type: OrderType.Stop, stop: 1.08m));
        var restored = new PaperOrderBook("EURUSD", 0.00001, Exact, book.Working, book.Sequence);
        restored.Working.ShouldBe(book.Working);
        Kinds(restored.OnQuote(Q(1.085, 1.0851, second: 1))).ShouldBe(Kinds(book.OnQuote(Q(1.085, 1.0851, second: 1))));
        Submit(restored, "n", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.0m)).ShouldBeEmpty();
        restored.Working[^1].Sequence.ShouldBe(book.Sequence + 1);
    }

    [Fact]
    public void A_market_order_without_a_quote_and_bad_input_are_refused()
    {
        var book = Book();
        var rejected = book.Submit("m", Order(OrderSide.Buy), "paper", null, T0).Single();
        (rejected.Kind, rejected.Reason).ShouldBe((ExecutionKind.Rejected, "no quote for EURUSD yet: a market order cannot be priced"));
        book.OnQuote(Q(1.2, 1.1)).ShouldBeEmpty("a crossed quote trades nothing");
        book.OnQuote(Q(0, 1.1)).ShouldBeEmpty();
        Submit(book, "dup", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.0m));
        Submit(book, "dup", Order(OrderSide.Buy, type: OrderType.Limit, limit: 1.0m)).ShouldBeEmpty();
        book.Working.Count.ShouldBe(1, "the same order id is placed once");
        Should.Throw<ArgumentException>(() => book.Submit("x", Order(OrderSide.Buy) with { Symbol = "GBPUSD" }, "paper", null, T0));
        Should.Throw<ValidationException>(() => new PaperOrderBook("EURUSD", 0.00001, new PaperFillOptions { SlippageBps = -1 })).Errors.Single().Field.ShouldBe("slippageBps");
    }
}
