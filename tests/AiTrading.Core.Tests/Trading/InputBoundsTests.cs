using AiTrading.Core.Risk;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Tests.Trading;

/// <summary>The bounds on amounts and texts (<see cref="Bounds"/>) and that nothing inside them overflows what is computed from them.</summary>
public sealed class InputBoundsTests
{
    private static OrderRequest Order(decimal quantity, decimal? limit = null) =>
        new("c-1", "A", "EURUSD", OrderSide.Buy, quantity, limit is null ? OrderType.Market : OrderType.Limit, limit);

    [Fact]
    public void An_order_at_the_bounds_is_valid_and_one_beyond_names_the_field()
    {
        Order(Bounds.MaxQuantity, Bounds.MaxPrice).Validate().ShouldBeEmpty();
        Order(0.0000000001m, 0.0000000001m).Validate().ShouldBeEmpty();

        Order(decimal.MaxValue).Validate().ShouldBe([new FieldError("quantity", "must be at most 1000000000000 (got 79228162514264337593543950335)")]);
        Order(1, Bounds.MaxPrice + 1).Validate().ShouldBe([new FieldError("limitPrice", "must be at most 10000000000 (got 10000000001)")]);
        Order(0.00000000001m).Validate().ShouldBe([new FieldError("quantity", "must have at most 10 decimal places (got 0.00000000001)")]);
        var bracket = Order(1) with { Bracket = new BracketRequest(decimal.MaxValue, null) };
        bracket.Validate().Select(e => e.Field).ShouldBe(["bracket.stopLossPrice"]);
    }

    [Fact]
    public void The_largest_valid_order_at_the_largest_price_and_rate_is_checked_without_overflow()
    {
        var order = Order(Bounds.MaxQuantity, Bounds.MaxPrice);
        var exposure = new AccountExposure(Bounds.MaxQuantity, -Bounds.MaxMoney, Bounds.MaxMoney, Bounds.MaxMoney, Bounds.MaxMoney, new Dictionary<string, decimal>(), "JPY");
        var pricing = new OrderPricing(Bounds.MaxPrice, Bounds.MaxPrice, Bounds.MaxPrice, "XAU", "USD", 1_000_000m, 1_000m);
        var limits = new RiskLimits { MaxOrderNotional = decimal.MaxValue / 2, MaxPositionQuantity = decimal.MaxValue / 2 };
        Should.NotThrow(() => PreTradeRisk.Check(order, limits, exposure, pricing), "whatever the verdict, it is a decision, not an overflow");
    }

    [Fact]
    public void Reasons_are_bounded_printable_text()
    {
        Should.NotThrow(() => Bounds.RequireReason("reason", new string('r', Bounds.MaxReasonLength)));
        Should.Throw<ValidationException>(() => Bounds.RequireReason("reason", new string('r', Bounds.MaxReasonLength + 1))).Errors.Single().Message
            .ShouldBe("must be at most 500 characters (got 501)");
        Should.Throw<ValidationException>(() => Bounds.RequireReason("reason", "line\nbreak")).Errors.Single().Message.ShouldBe("must not contain control characters");
        Should.Throw<ValidationException>(() => Bounds.RequireReason("reason", " ")).Errors.Single().Message.ShouldBe("is required");
    }

    [Fact]
    public void A_refused_text_is_echoed_short()
    {
        Bounds.Echo("BUY").ShouldBe("'BUY'");
        Bounds.Echo(new string('x', 10_000)).ShouldBe($"'{new string('x', Bounds.MaxEcho)}…' (10000 characters)");
    }

    [Fact]
    public void Strategy_amounts_are_bounded_like_orders()
    {
        var spec = JsonInput.Parse<StrategySpec>("""
            {"id": "big", "account": "A", "instruments": ["EURUSD"], "timeframe": "M1", "rules": {"entryLong": "close > open"},
             "sizing": {"method": "fixed_quantity", "quantity": 79228162514264337593543950335, "lotSize": 0.00000000001},
             "limits": {"maxOrderNotional": 1e20}}
            """, "spec");
        var catalog = new StrategyCatalog(new HashSet<string> { "EURUSD" }, new HashSet<string> { "M1" }, new HashSet<string>(), new HashSet<string> { "paper" });
        StrategyProgram.Validate(spec, catalog).Select(e => e.Field).ShouldBe(["sizing.quantity", "sizing.lotSize", "limits.maxOrderNotional"]);
    }

    [Theory]
    [InlineData("{\"id\": \"x\", \"colour\": 1}", "spec.json: line 1, at $.colour: unknown field 'colour'")]
    [InlineData("{\"version\": \"two\"}", "spec.json: line 1, at $.version: the value is not a whole number (or it is out of range)")]
    [InlineData("{\"sizing\": {\"quantity\": \"ten\"}}", "spec.json: line 1, at $.sizing.quantity: the value is not a number (or it is out of range)")]
    [InlineData("{\"sizing\": {\"quantity\": 1e40}}", "spec.json: line 1, at $.sizing.quantity: the value is not a number (or it is out of range)")]
    [InlineData("{\"instruments\": \"EURUSD\"}", "spec.json: line 1, at $.instruments: the value is not an array")]
    public void Json_mistakes_are_told_in_the_writers_terms_not_dotnets(string json, string message)
    {
        var error = Should.Throw<FormatException>(() => JsonInput.Parse<StrategySpec>(json, "spec.json"));
        error.Message.ShouldBe(message);
        error.Message.ShouldNotContain("AiTrading.");
        error.Message.ShouldNotContain("System.");
    }
}
