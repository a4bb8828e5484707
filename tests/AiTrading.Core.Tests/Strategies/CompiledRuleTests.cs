using AiTrading.Core.Strategies.Rules;

namespace AiTrading.Core.Tests.Strategies;

public sealed class CompiledRuleTests
{
    private static readonly RuleScope Scope = new RuleScope()
        .Add("close").Add("SMA_10").Add("SMA_30").Add("RSI_14").Add("position").Add("flat", RuleType.Boolean).Add("SMA_3@M5");

    private static double[] Inputs(double close = 100, double fast = 101, double slow = 100, double rsi = 50, double position = 0, bool flat = true, double m5 = 99) =>
        [close, fast, slow, rsi, position, flat ? 1 : 0, m5];

    private static bool Holds(string rule, double[]? inputs = null) => CompiledRule.Compile(rule, Scope).Evaluate(inputs ?? Inputs());

    private static RuleSyntaxException Bad(string rule) => Should.Throw<RuleSyntaxException>(() => CompiledRule.Compile(rule, Scope));

    [Theory]
    [InlineData("SMA_10 > SMA_30", true)]
    [InlineData("SMA_10 > SMA_30 and RSI_14 < 30", false)]
    [InlineData("SMA_10 > SMA_30 AND (RSI_14 < 30 OR flat)", true)]
    [InlineData("not flat || close >= 100", true)]
    [InlineData("!flat", false)]
    [InlineData("close - SMA_30 * 2 == -100", true)]
    [InlineData("(close - SMA_30) * 2 == 0", true)]
    [InlineData("close / 8 % 5 == 2.5", true)]
    [InlineData("-close < -99.5", true)]
    [InlineData("abs(SMA_30 - SMA_10) == 1 and max(1, 5, 3) == 5 and min(2, -1) == -1", true)]
    [InlineData("clamp(RSI_14, 60, 70) == 60 and sqrt(16) == 4 and log(exp(2)) == 2", true)]
    [InlineData("1e2 == close and .5 * 2 == 1", true)]
    [InlineData("flat == true and position != 1", true)]
    [InlineData("SMA_3@M5 < close", true)]
    [InlineData("true", true)]
    [InlineData("false or false", false)]
    public void Evaluates_the_documented_operators_and_functions(string rule, bool expected) => Holds(rule).ShouldBe(expected);

    [Fact]
    public void Crosses_compare_with_the_previous_evaluation()
    {
        var above = CompiledRule.Compile("cross_above(SMA_10, SMA_30)", Scope);
        var below = CompiledRule.Compile("cross_below(SMA_10, SMA_30)", Scope);
        (double Fast, double Slow, bool Above, bool Below)[] path =
        [
            (99, 100, false, false),  // nothing to cross from yet
            (100, 100, false, false), // touching is not crossing
            (101, 100, true, false),  // from at-or-below to above
            (102, 100, false, false),
            (99, 100, false, true),
            (99, 100, false, false),
        ];
        foreach (var (fast, slow, expectAbove, expectBelow) in path)
        {
            above.Evaluate(Inputs(fast: fast, slow: slow)).ShouldBe(expectAbove, $"{fast} vs {slow}");
            below.Evaluate(Inputs(fast: fast, slow: slow)).ShouldBe(expectBelow, $"{fast} vs {slow}");
        }
        above.Reset();
        above.Evaluate(Inputs(fast: 101, slow: 100)).ShouldBeFalse("after a reset there is nothing to cross from");
    }

    [Fact]
    public void Operands_are_all_evaluated_so_a_cross_behind_a_false_condition_keeps_its_memory()
    {
        var rule = CompiledRule.Compile("position > 0 and cross_above(SMA_10, SMA_30)", Scope);
        rule.Evaluate(Inputs(fast: 99, slow: 100, position: 0)).ShouldBeFalse();
        rule.Evaluate(Inputs(fast: 101, slow: 100, position: 0)).ShouldBeFalse("the cross happened, but the position condition is false");
        rule.Evaluate(Inputs(fast: 102, slow: 100, position: 1)).ShouldBeFalse("the cross was on the bar before, not this one");
    }

    [Fact]
    public void Prev_reads_the_previous_evaluation_and_is_not_ready_on_the_first()
    {
        var rule = CompiledRule.Compile("close > prev(close)", Scope);
        rule.Evaluate(Inputs(close: 100)).ShouldBeFalse();
        rule.Evaluate(Inputs(close: 101)).ShouldBeTrue();
        rule.Evaluate(Inputs(close: 100.5)).ShouldBeFalse();
        CompiledRule.Compile("prev(close) == 0 or true", Scope).Evaluate(Inputs()).ShouldBeFalse("a rule with a prev that has no value is not ready");
    }

    [Fact]
    public void A_rule_reading_a_warming_feature_is_false_and_leaves_its_memory_alone()
    {
        var rule = CompiledRule.Compile("cross_above(SMA_10, SMA_30) or RSI_14 > 0", Scope);
        rule.Reads.ShouldBe([1, 2, 3]);
        rule.Evaluate(Inputs(rsi: double.NaN)).ShouldBeFalse();
        rule.Evaluate(Inputs(fast: double.PositiveInfinity)).ShouldBeFalse();
        CompiledRule.Compile("close > 0", Scope).Evaluate(Inputs(rsi: double.NaN)).ShouldBeTrue("only the variables a rule reads count");
        var cross = CompiledRule.Compile("cross_above(SMA_10, SMA_30)", Scope);
        cross.Evaluate(Inputs(fast: 99, slow: 100)).ShouldBeFalse();
        cross.Evaluate(Inputs(fast: double.NaN, slow: 100)).ShouldBeFalse();
        cross.Evaluate(Inputs(fast: 101, slow: 100)).ShouldBeTrue("the warming bar was skipped, not remembered");
    }

    [Theory]
    [InlineData("close / (SMA_30 - 100) > 1", 7, "division by zero")]
    [InlineData("close % 0 > 1", 7, "remainder of a division by zero")]
    [InlineData("log(SMA_30 - 100) > 1", 1, "log of a number that is not positive (0)")]
    [InlineData("sqrt(position - 1) > 1", 1, "sqrt of a negative number (-1)")]
    [InlineData("exp(close * 10) > 1", 1, "overflow in exp(1000)")]
    [InlineData("close * 1e300 * 1e10 > 1", 15, "overflow in '*'")]
    [InlineData("clamp(close, 2, 1) > 0", 1, "clamp bounds are reversed (2 > 1)")]
    public void An_operation_failing_on_finite_inputs_throws_naming_the_column(string rule, int column, string detail)
    {
        var error = Should.Throw<RuleEvaluationException>(() => Holds(rule));
        error.Column.ShouldBe(column);
        error.Message.ShouldBe($"at column {column}: {detail}");
    }

    [Theory]
    [InlineData("", 1, "the rule is empty")]
    [InlineData("   ", 4, "the rule is empty")]
    [InlineData("SMA_11 > 1", 1, "unknown name 'SMA_11' (known: close, SMA_10, SMA_30, RSI_14, position, flat, SMA_3@M5)")]
    [InlineData("sma_10 > 1", 1, "unknown name 'sma_10' (names are case-sensitive: did you mean 'SMA_10'?)")]
    [InlineData("close > ", 9, "the expression ends where a value is expected")]
    [InlineData("close > 1 1", 11, "unexpected '1' after the end of the expression")]
    [InlineData("(close > 1", 11, "missing ')' to close the '(' at column 1")]
    [InlineData("close + 1", 1, "the rule is a number; it must be a condition (compare it, e.g. 'RSI_14 < 30')")]
    [InlineData("close and flat", 1, "'and' needs a condition here, not a number")]
    [InlineData("flat + 1 > 0", 1, "'+' needs a number here, not a condition")]
    [InlineData("flat == 1", 6, "'==' compares a condition with a number")]
    [InlineData("1 < close < 3", 11, "comparisons do not chain; join them with 'and'")]
    [InlineData("foo(close) > 1", 1, "unknown function 'foo' (functions: abs, sqrt, log, exp, min, max, clamp, prev, cross_above, cross_below)")]
    [InlineData("max(close) > 1", 1, "max takes 2 to 16 arguments (got 1)")]
    [InlineData("abs(close, 1) > 1", 1, "abs takes 1 argument (got 2)")]
    [InlineData("abs(flat) > 1", 5, "abs needs a number here, not a condition")]
    [InlineData("close > 1 $ 2", 11, "unexpected '$' after the end of the expression")]
    [InlineData("close > 1..2", 9, "'1..2' is not a number")]
    [InlineData("and close", 1, "'and' needs a value before it")]
    public void Bad_rules_name_the_column_and_the_reason(string rule, int column, string detail)
    {
        var error = Bad(rule);
        (error.Column, error.Detail).ShouldBe((column, detail));
    }

    [Fact]
    public void Size_and_nesting_are_bounded()
    {
        Bad(new string('(', 70) + "true" + new string(')', 70)).Detail.ShouldBe($"the rule nests deeper than {CompiledRule.MaxDepth} levels");
        Bad(string.Join("+", Enumerable.Repeat("1", 300)) + " > 0").Detail.ShouldBe($"the rule has more than {CompiledRule.MaxNodes} operations and values");
        Bad("close > " + new string('1', CompiledRule.MaxLength)).Detail.ShouldBe($"the rule is longer than {CompiledRule.MaxLength} characters");
    }

    [Fact]
    public void Evaluation_allocates_nothing()
    {
        var rule = CompiledRule.Compile("cross_above(SMA_10, SMA_30) and RSI_14 < 70 and close > prev(close) or max(close, SMA_10) > 1000", Scope);
        var inputs = Inputs();
        for (var i = 0; i < 100; i++) rule.Evaluate(inputs);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) rule.Evaluate(inputs);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
