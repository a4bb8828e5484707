using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// TA-Lib has no Donchian channels, so these compare with a naive loop over each window (TA-Lib's MAX of the highs
/// and MIN of the lows: the last <c>period</c> bars, the current one included) and repeat the suite's other checks.
/// </summary>
public sealed class DonchianChannelsTests
{
    private static void Update(DonchianChannels indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);

    private static (double[] Upper, double[] Middle, double[] Lower) Compute(PriceSeries prices, int period)
    {
        var n = prices.Length;
        var lines = (new double[n], new double[n], new double[n]);
        DonchianChannels.Compute(prices.High, prices.Low, prices.Close, lines.Item1, lines.Item2, lines.Item3, period);
        return lines;
    }

    public static TheoryData<string, int> Series => new()
    {
        { "2006-day-001.txt", 20 },
        { "orcl-1995-2014.txt", 20 },
        { "orcl-1995-2014.txt", 1 },
        { "orcl-1995-2014.txt", 55 },
        { "random", 7 },
    };

    private static PriceSeries Load(string file) => file == "random" ? PriceSeries.Random(1_000, 5) : PriceSeries.Load(file);

    [Theory, MemberData(nameof(Series))]
    public void Streaming_and_batch_match_a_naive_loop_over_each_window(string file, int period)
    {
        var prices = Load(file);
        var (upper, middle, lower) = Compute(prices, period);
        var indicator = new DonchianChannels(period);
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            if (i < period - 1)
            {
                indicator.IsReady.ShouldBeFalse();
                new[] { upper[i], middle[i], lower[i], indicator.Value, indicator.Upper, indicator.Lower }.ShouldAllBe(v => double.IsNaN(v));
                continue;
            }
            var highest = prices.High[(i - period + 1)..(i + 1)].Max();
            var lowest = prices.Low[(i - period + 1)..(i + 1)].Min();
            indicator.IsReady.ShouldBeTrue();
            (indicator.Upper, indicator.Middle, indicator.Lower).ShouldBe((highest, (highest + lowest) / 2, lowest), $"bar {i}");
            (upper[i], middle[i], lower[i]).ShouldBe((highest, (highest + lowest) / 2, lowest), $"bar {i}");
            indicator.Value.ShouldBe(indicator.Middle);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    public void Becomes_ready_exactly_at_its_period(int period)
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new DonchianChannels(period);
        (indicator.Name, indicator.Period, indicator.WarmUpPeriod).ShouldBe(($"DC_{period}", period, period));
        for (var i = 0; i < period + 5; i++)
        {
            indicator.IsReady.ShouldBe(i >= period, $"after {i} inputs");
            double.IsNaN(indicator.Value).ShouldBe(i < period, $"after {i} inputs");
            Update(indicator, prices, i);
        }
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var (fresh, reused) = (new DonchianChannels(10), new DonchianChannels(10));
        for (var i = 0; i < 100; i++) Update(reused, prices, 150 + i);
        reused.Reset();
        reused.IsReady.ShouldBeFalse();
        new[] { reused.Upper, reused.Middle, reused.Lower }.ShouldAllBe(v => double.IsNaN(v));
        for (var i = 0; i < 500; i++)
        {
            Update(fresh, prices, i);
            Update(reused, prices, i);
            reused.IsReady.ShouldBe(fresh.IsReady);
            (reused.Upper, reused.Middle, reused.Lower).ShouldBe((fresh.Upper, fresh.Middle, fresh.Lower));
        }
    }

    [Fact]
    public void Flat_prices_give_three_equal_lines()
    {
        var channels = new DonchianChannels(5);
        for (var i = 0; i < 10; i++) channels.Update(1.085, 1.085, 1.085);
        (channels.Upper, channels.Middle, channels.Lower).ShouldBe((1.085, 1.085, 1.085));
    }

    [Fact]
    public void Exposes_its_three_lines_by_name()
    {
        var channels = new DonchianChannels();
        (channels.Name, channels.WarmUpPeriod).ShouldBe(("DC_20", 20));
        channels.OutputNames.ShouldBe(["upper", "middle", "lower"]);
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        for (var i = 0; i < 20; i++) Update(channels, prices, i);
        new[] { channels.Output(0), channels.Output(1), channels.Output(2) }.ShouldBe([channels.Upper, channels.Middle, channels.Lower]);
        Should.Throw<ArgumentOutOfRangeException>(() => channels.Output(3)).ParamName.ShouldBe("index");
    }

    [Fact]
    public void Updates_do_not_allocate()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var channels = new DonchianChannels(20);
        Update(channels, prices, 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < prices.Length; i++) Update(channels, prices, i);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_non_positive_period_is_refused_naming_the_parameter(int period)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new DonchianChannels(period)).ParamName.ShouldBe("period");
        Should.Throw<ArgumentOutOfRangeException>(() => DonchianChannels.Compute(new double[5], new double[5], new double[5], new double[5], new double[5], new double[5], period))
            .ParamName.ShouldBe("period");
    }

    [Theory]
    [InlineData(double.NaN, 1, 1, "high")]
    [InlineData(1, double.PositiveInfinity, 1, "low")]
    [InlineData(1, 1, double.NaN, "close")]
    public void A_non_finite_input_is_refused(double high, double low, double close, string parameter) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new DonchianChannels().Update(high, low, close)).ParamName.ShouldBe(parameter);

    [Fact]
    public void Spans_of_different_lengths_or_short_outputs_are_refused()
    {
        Should.Throw<ArgumentException>(() => DonchianChannels.Compute(new double[3], new double[2], new double[3], new double[3], new double[3], new double[3], 2));
        Should.Throw<ArgumentException>(() => DonchianChannels.Compute(new double[3], new double[3], new double[3], new double[3], new double[2], new double[3], 2))
            .ParamName.ShouldBe("output");
    }
}
