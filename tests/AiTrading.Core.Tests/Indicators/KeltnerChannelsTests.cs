using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// TA-Lib has no Keltner channels, so these compare with the batch outputs of <see cref="Ema"/> and <see cref="Atr"/>
/// (both checked against TA-Lib in their own suites) and repeat the suite's other checks.
/// </summary>
public sealed class KeltnerChannelsTests
{
    private static void Update(KeltnerChannels indicator, PriceSeries prices, int index) =>
        indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);

    private static (double[] Upper, double[] Middle, double[] Lower) Compute(PriceSeries prices, int period, double multiplier, int atrPeriod)
    {
        var n = prices.Length;
        var lines = (new double[n], new double[n], new double[n]);
        KeltnerChannels.Compute(prices.High, prices.Low, prices.Close, lines.Item1, lines.Item2, lines.Item3, period, multiplier, atrPeriod);
        return lines;
    }

    public static TheoryData<string, int, double, int> Series => new()
    {
        { "2006-day-001.txt", 20, 2, 10 },
        { "orcl-1995-2014.txt", 20, 2, 10 },
        { "orcl-1995-2014.txt", 5, 1.5, 30 },
        { "orcl-1995-2014.txt", 1, 3, 1 },
        { "random", 10, 2.5, 10 },
    };

    private static PriceSeries Load(string file) => file == "random" ? PriceSeries.Random(1_000, 5) : PriceSeries.Load(file);

    [Theory, MemberData(nameof(Series))]
    public void Streaming_and_batch_are_the_ema_plus_or_minus_a_multiple_of_the_atr(string file, int period, double multiplier, int atrPeriod)
    {
        var prices = Load(file);
        var n = prices.Length;
        var (ema, atr) = (new double[n], new double[n]);
        new Ema(period).Compute(prices.Close, ema);
        new Atr(atrPeriod).Compute(prices.High, prices.Low, prices.Close, atr);
        var (upper, middle, lower) = Compute(prices, period, multiplier, atrPeriod);
        var indicator = new KeltnerChannels(period, multiplier, atrPeriod);
        var first = Math.Max(period - 1, atrPeriod);
        for (var i = 0; i < n; i++)
        {
            Update(indicator, prices, i);
            indicator.IsReady.ShouldBe(i >= first);
            if (i < first)
            {
                new[] { upper[i], middle[i], lower[i], indicator.Value, indicator.Upper, indicator.Lower }.ShouldAllBe(v => double.IsNaN(v));
                continue;
            }
            (upper[i], middle[i], lower[i]).ShouldBe((ema[i] + multiplier * atr[i], ema[i], ema[i] - multiplier * atr[i]), $"bar {i}");
            (indicator.Upper, indicator.Middle, indicator.Lower).ShouldBe((upper[i], middle[i], lower[i]), $"bar {i}");
            indicator.Value.ShouldBe(indicator.Middle);
        }
    }

    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(2, 2, 3)]
    [InlineData(9, 9, 10)]
    [InlineData(20, 10, 20)]
    [InlineData(5, 10, 11)]
    public void Becomes_ready_once_both_averages_are(int period, int atrPeriod, int warmUp)
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new KeltnerChannels(period, 2, atrPeriod);
        (indicator.Name, indicator.Period, indicator.Multiplier, indicator.AtrPeriod, indicator.WarmUpPeriod)
            .ShouldBe(($"KC_{period}_2_{atrPeriod}", period, 2.0, atrPeriod, warmUp));
        for (var i = 0; i < warmUp + 5; i++)
        {
            indicator.IsReady.ShouldBe(i >= warmUp, $"after {i} inputs");
            double.IsNaN(indicator.Value).ShouldBe(i < warmUp, $"after {i} inputs");
            Update(indicator, prices, i);
        }
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var (fresh, reused) = (new KeltnerChannels(), new KeltnerChannels());
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
        var channels = new KeltnerChannels(5, 2, 3);
        for (var i = 0; i < 10; i++) channels.Update(2.5, 2.5, 2.5);
        (channels.Upper, channels.Middle, channels.Lower).ShouldBe((2.5, 2.5, 2.5));
    }

    [Fact]
    public void Exposes_its_three_lines_by_name()
    {
        var channels = new KeltnerChannels();
        (channels.Name, channels.WarmUpPeriod).ShouldBe(("KC_20_2_10", 20));
        new KeltnerChannels(20, 1.5, 10).Name.ShouldBe("KC_20_1.5_10");
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
        var channels = new KeltnerChannels();
        Update(channels, prices, 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < prices.Length; i++) Update(channels, prices, i);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Theory]
    [InlineData(0, 2.0, 10, "period")]
    [InlineData(-1, 2.0, 10, "period")]
    [InlineData(20, 0.0, 10, "multiplier")]
    [InlineData(20, -1.0, 10, "multiplier")]
    [InlineData(20, double.NaN, 10, "multiplier")]
    [InlineData(20, double.PositiveInfinity, 10, "multiplier")]
    [InlineData(20, 2.0, 0, "atrPeriod")]
    public void Invalid_parameters_are_refused_naming_them(int period, double multiplier, int atrPeriod, string parameter)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new KeltnerChannels(period, multiplier, atrPeriod)).ParamName.ShouldBe(parameter);
        Should.Throw<ArgumentOutOfRangeException>(() => KeltnerChannels.Compute(new double[5], new double[5], new double[5], new double[5], new double[5], new double[5], period, multiplier, atrPeriod))
            .ParamName.ShouldBe(parameter);
    }

    [Theory]
    [InlineData(double.NaN, 1, 1, "high")]
    [InlineData(1, double.NegativeInfinity, 1, "low")]
    [InlineData(1, 1, double.NaN, "close")]
    public void A_non_finite_input_is_refused(double high, double low, double close, string parameter) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new KeltnerChannels().Update(high, low, close)).ParamName.ShouldBe(parameter);

    [Fact]
    public void Spans_of_different_lengths_or_short_outputs_are_refused()
    {
        Should.Throw<ArgumentException>(() => KeltnerChannels.Compute(new double[3], new double[3], new double[2], new double[3], new double[3], new double[3], 2, 2, 1));
        Should.Throw<ArgumentException>(() => KeltnerChannels.Compute(new double[3], new double[3], new double[3], new double[3], new double[3], new double[2], 2, 2, 1))
            .ParamName.ShouldBe("output");
    }
}
