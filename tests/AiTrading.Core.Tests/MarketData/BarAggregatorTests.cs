using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.MarketData;

public sealed class BarAggregatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static Tick At(double seconds, double mid, double lastSize = 0) =>
        new("EURUSD", T0.AddSeconds(seconds), mid - 0.0001, mid + 0.0001, 1, 1, lastSize > 0 ? mid : double.NaN, lastSize);

    [Fact]
    public void Closes_a_bar_on_the_first_tick_at_or_after_its_end_with_ohlc_on_the_mid()
    {
        var bars = new BarAggregator("EURUSD", Timeframe.M1);
        bars.Update(At(5, 1.10), out _).ShouldBeFalse();
        bars.Update(At(20, 1.12), out _).ShouldBeFalse();
        bars.Update(At(40, 1.09), out _).ShouldBeFalse();
        bars.Update(At(59.9, 1.11), out _).ShouldBeFalse();
        bars.Current!.Close.ShouldBe(1.11, 1e-12);

        bars.Update(At(60, 1.13), out var bar).ShouldBeTrue();
        bar!.OpenTime.ShouldBe(T0);
        bar.CloseTime.ShouldBe(T0.AddMinutes(1));
        (bar.Open, bar.High, bar.Low, bar.Close).ShouldBe((1.10, 1.12, 1.09, 1.11), customMessage: "OHLC");
        bar.TickCount.ShouldBe(4);
        bar.Volume.ShouldBe(4); // tick volume: no trades
        bars.Current!.OpenTime.ShouldBe(T0.AddMinutes(1));
    }

    [Fact]
    public void Volume_is_traded_size_when_ticks_carry_trades()
    {
        var bars = new BarAggregator("EURUSD", Timeframe.M1);
        bars.Update(At(1, 1.1, 300), out _);
        bars.Update(At(2, 1.1, 200), out _);
        bars.Update(At(61, 1.1, 1), out var bar);
        bar!.Volume.ShouldBe(500);
    }

    [Fact]
    public void A_gap_produces_no_empty_bars_and_bars_align_to_the_timeframe()
    {
        var bars = new BarAggregator("EURUSD", Timeframe.M5);
        bars.Update(At(130, 1.1), out _);
        bars.Current!.OpenTime.ShouldBe(T0);
        bars.Update(At(3600 + 7, 1.2), out var bar).ShouldBeTrue();
        bar!.OpenTime.ShouldBe(T0);
        bars.Current!.OpenTime.ShouldBe(T0.AddHours(1));
    }

    [Fact]
    public void An_out_of_order_tick_is_refused()
    {
        var bars = new BarAggregator("EURUSD", Timeframe.M1);
        bars.Update(At(70, 1.1), out _);
        Should.Throw<ArgumentException>(() => bars.Update(At(10, 1.1), out _)).Message.ShouldContain("EURUSD");
    }

    [Theory]
    [InlineData("M1", 60)]
    [InlineData("M5", 300)]
    [InlineData("H1", 3600)]
    [InlineData("D1", 86400)]
    public void Timeframe_names_parse_and_print(string name, int seconds)
    {
        var timeframe = Timeframe.Parse(name);
        timeframe.Duration.ShouldBe(TimeSpan.FromSeconds(seconds));
        timeframe.Name.ShouldBe(name);
    }

    [Fact]
    public void Bad_timeframe_names_are_refused() =>
        Should.Throw<ArgumentException>(() => Timeframe.Parse("X3")).Message.ShouldContain("unknown unit");
}
