using AiTrading.Core.Accounts;
using AiTrading.Core.Risk;

namespace AiTrading.Core.Tests.Accounts;

public sealed class AccountRequestTests
{
    private static readonly AccountTerms Defaults = new("USD", 100_000m, new RiskLimits { MaxOrderNotional = 5_000m });

    [Fact]
    public void What_a_request_leaves_out_comes_from_the_defaults_and_each_limit_it_names_replaces_one()
    {
        new AccountRequest("ACC").Resolve(Defaults).ShouldBe(Defaults);
        var terms = new AccountRequest("ACC", "EUR", 0m, new RiskLimitsChange { MaxDrawdown = 0.1m }).Resolve(Defaults);
        terms.ShouldBe(new AccountTerms("EUR", 0m, new RiskLimits { MaxOrderNotional = 5_000m, MaxDrawdown = 0.1m }));
    }

    [Fact]
    public void Every_problem_of_a_request_is_named_at_once()
    {
        var errors = new AccountRequest("bad id!", "Eur", AccountRules.MaxCash + 1, new RiskLimitsChange { MaxOrdersPerSecond = 0, PriceBandPercent = -1 })
            .Validate(Defaults);
        errors.Select(e => e.Field).ShouldBe(["id", "currency", "cash", "limits.priceBandPercent", "limits.maxOrdersPerSecond"], ignoreOrder: true);
        Should.Throw<ValidationException>(() => new AccountRequest("ACC", Cash: -1m).Resolve(Defaults)).Errors.Single().Field.ShouldBe("cash");
    }

    [Theory]
    [InlineData("security")]
    [InlineData("RISK")]
    [InlineData("models")]
    public void The_names_of_the_platforms_own_audit_streams_are_reserved(string id) =>
        new AccountRequest(id).Validate(Defaults).Single().Message.ShouldContain("reserved");

    [Fact]
    public void A_limits_change_must_name_a_limit_and_leave_valid_limits()
    {
        var current = new RiskLimits();
        new RiskLimitsChange { MaxDailyLoss = 10m }.Apply(current).ShouldBe(current with { MaxDailyLoss = 10m });
        Should.Throw<ValidationException>(() => new RiskLimitsChange().Apply(current)).Errors.Single().Field.ShouldBe("limits");
        Should.Throw<ValidationException>(() => new RiskLimitsChange { MarginRate = 0m, MaxDailyLoss = -1m }.Apply(current)).Errors.Select(e => e.Field)
            .ShouldBe(["maxDailyLoss", "marginRate"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("two\nlines")]
    public void A_kill_switch_needs_a_one_line_reason(string? reason) =>
        Should.Throw<ValidationException>(() => AccountRules.RequireReason(reason)).Errors.Single().Field.ShouldBe("reason");

    [Fact]
    public void A_kill_switch_reason_is_trimmed_and_bounded()
    {
        AccountRules.RequireReason("  exchange outage ").ShouldBe("exchange outage");
        AccountRules.RequireReason(new string('x', AccountRules.MaxReasonLength)).Length.ShouldBe(AccountRules.MaxReasonLength);
        Should.Throw<ValidationException>(() => AccountRules.RequireReason(new string('x', AccountRules.MaxReasonLength + 1)));
    }
}
