using AiTrading.Core.Models;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Tests.Trading;

public sealed class ThresholdSignalRuleTests
{
    private readonly ThresholdSignalRule _rule = new() { EntryProbability = 0.6, ExitBand = 0.02, Quantity = 100 };

    [Theory]
    [InlineData(0.65, 0, 100)]
    [InlineData(0.35, 0, -100)]
    [InlineData(0.51, 100, 0)]
    [InlineData(0.55, 100, 100)]
    [InlineData(0.45, -100, -100)]
    public void Targets_long_short_flat_or_hold(double p, int current, int target) =>
        _rule.TargetPosition(new DirectionPrediction(p), current).ShouldBe(target);

    [Fact]
    public void Long_only_rules_go_flat_instead_of_short() =>
        (_rule with { AllowShort = false }).TargetPosition(new DirectionPrediction(0.2), 100).ShouldBe(0);

    [Fact]
    public void Validation_names_each_field() =>
        new ThresholdSignalRule { EntryProbability = 0.5, ExitBand = -1, Quantity = 0 }.Validate().Select(e => e.Field)
            .ShouldBe(["entryProbability", "exitBand", "quantity"]);
}
