using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public sealed class IndicatorBehaviourTests
{
    private static double[] RandomWalk(int n, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        var x = 100.0;
        for (var i = 0; i < n; i++) values[i] = x *= 1 + (random.NextDouble() - 0.5) * 0.02;
        return values;
    }

    public static TheoryData<string> Names => new() { "SMA", "EMA", "RSI", "ATR" };

    private static IIndicator Create(string name, int period) => name switch
    {
        "SMA" => new Sma(period),
        "EMA" => new Ema(period),
        "RSI" => new Rsi(period),
        _ => new Atr(period),
    };

    private static void Feed(IIndicator indicator, double value)
    {
        switch (indicator)
        {
            case Sma s: s.Update(value); break;
            case Ema e: e.Update(value); break;
            case Rsi r: r.Update(value); break;
            case Atr a: a.Update(value * 1.01, value * 0.99, value); break;
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void Becomes_ready_exactly_at_its_warm_up_period(string name)
    {
        var indicator = Create(name, 10);
        var values = RandomWalk(30, 1);
        for (var i = 0; i < values.Length; i++)
        {
            indicator.IsReady.ShouldBe(i >= indicator.WarmUpPeriod, $"before input {i + 1}");
            double.IsNaN(indicator.Value).ShouldBe(!indicator.IsReady);
            Feed(indicator, values[i]);
        }
        indicator.Name.ShouldBe($"{name}_10");
    }

    [Theory, MemberData(nameof(Names))]
    public void Reset_restores_the_initial_behaviour(string name)
    {
        var indicator = Create(name, 7);
        var values = RandomWalk(50, 2);
        foreach (var v in values) Feed(indicator, v);
        var first = indicator.Value;
        indicator.Reset();
        indicator.IsReady.ShouldBeFalse();
        double.IsNaN(indicator.Value).ShouldBeTrue();
        foreach (var v in values) Feed(indicator, v);
        indicator.Value.ShouldBe(first);
    }

    [Theory, MemberData(nameof(Names))]
    public void Flat_prices_never_give_nan_or_infinity_after_warm_up(string name)
    {
        var indicator = Create(name, 5);
        for (var i = 0; i < 20; i++)
        {
            Feed(indicator, 42.0);
            if (indicator.IsReady) double.IsFinite(indicator.Value).ShouldBeTrue();
        }
    }

    [Fact]
    public void Streaming_equals_batch()
    {
        var values = RandomWalk(500, 3);
        var batch = new double[values.Length];
        Rsi.Compute(values, batch, 14);
        var rsi = new Rsi(14);
        for (var i = 0; i < values.Length; i++)
        {
            rsi.Update(values[i]);
            if (rsi.IsReady) rsi.Value.ShouldBe(batch[i]);
        }
    }

    [Fact]
    public void Rsi_is_invariant_to_the_scale_of_prices()
    {
        var values = RandomWalk(200, 4);
        var a = new double[values.Length];
        var b = new double[values.Length];
        Rsi.Compute(values, a, 14);
        Rsi.Compute(values.Select(v => v * 1000).ToArray(), b, 14);
        for (var i = 14; i < values.Length; i++) b[i].ShouldBe(a[i], 1e-9);
    }

    [Fact]
    public void Rsi_of_only_gains_is_100_and_of_flat_prices_is_0()
    {
        var rising = new Rsi(3);
        foreach (var v in new[] { 1.0, 2, 3, 4, 5 }) rising.Update(v);
        rising.Value.ShouldBe(100);
        var flat = new Rsi(3);
        foreach (var v in new[] { 1.0, 1, 1, 1, 1 }) flat.Update(v);
        flat.Value.ShouldBe(0);
    }

    [Fact]
    public void Non_positive_periods_are_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Sma(0)).ParamName.ShouldBe("period");
        Should.Throw<ArgumentOutOfRangeException>(() => new Ema(-1));
        Should.Throw<ArgumentOutOfRangeException>(() => new Rsi(0));
        Should.Throw<ArgumentOutOfRangeException>(() => new Atr(0));
    }
}
