using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// The suite's argument check creates the indicator with a non-positive <c>period</c> and expects that name; an
/// indicator with several periods names its own first parameter (<c>fastPeriod</c>, …), so its suite maps the suite's
/// period through this guard and checks each real parameter name in a test of its own.
/// </summary>
internal static class SuitePeriod
{
    public static int Checked(int period)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        return period;
    }
}

/// <summary>The suite's period p maps to MACD(p, p+14, min(p, 9)): 12 gives the reference MACD(12, 26, 9).</summary>
public abstract class MacdSuite : IndicatorSuite<Macd>
{
    protected override int Period => 12;
    protected override Macd Create(int period) => new(SuitePeriod.Checked(period), period + 14, Math.Min(period, 9));
    protected override string NameFor(int period) => $"MACD_{period}_{period + 14}_{Math.Min(period, 9)}";
    protected override void Update(Macd indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);

    /// <summary>Fills the line under test (0 macd, 1 signal, 2 histogram) and throws the others away.</summary>
    protected void Compute(PriceSeries prices, Span<double> output, int period, int line)
    {
        var (a, b) = (new double[prices.Length], new double[prices.Length]);
        var checkedPeriod = SuitePeriod.Checked(period);
        switch (line)
        {
            case 0: Macd.Compute(prices.Close, output, a, b, checkedPeriod, period + 14, Math.Min(period, 9)); break;
            case 1: Macd.Compute(prices.Close, a, output, b, checkedPeriod, period + 14, Math.Min(period, 9)); break;
            default: Macd.Compute(prices.Close, a, b, output, checkedPeriod, period + 14, Math.Min(period, 9)); break;
        }
    }
}

public sealed class MacdTests : MacdSuite
{
    protected override string Column => "MACD_12_26_9";
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 0);

    [Fact]
    public void Seeds_both_emas_on_the_same_input_then_smooths_the_signal()
    {
        var (macd, signal, histogram) = (new double[5], new double[5], new double[5]);
        Macd.Compute([1, 2, 3, 4, 6], macd, signal, histogram, 2, 3, 2);
        // Slow EMA(3) seeded with mean(1,2,3) = 2, fast EMA(2) with mean(2,3) = 2.5 (input 1 is skipped): MACD 0.5.
        // Input 4: slow 3, fast 3.5, MACD 0.5; the signal is seeded with mean(0.5, 0.5).
        // Input 6: slow 4.5, fast 3.5 + 2/3·2.5 = 31/6, MACD 2/3; signal 0.5 + 2/3·(2/3 − 0.5) = 11/18.
        macd[..3].ShouldAllBe(v => double.IsNaN(v));
        signal[..3].ShouldAllBe(v => double.IsNaN(v));
        histogram[..3].ShouldAllBe(v => double.IsNaN(v));
        (macd[3], signal[3], histogram[3]).ShouldBe((0.5, 0.5, 0.0));
        macd[4].ShouldBe(2.0 / 3, 1e-12);
        signal[4].ShouldBe(11.0 / 18, 1e-12);
        histogram[4].ShouldBe(1.0 / 18, 1e-12);
    }

    [Fact]
    public void Is_the_difference_of_the_fast_ema_started_late_and_the_slow_ema()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        var n = prices.Length;
        var (slow, fast, macd, signal, histogram) = (new double[n], new double[n], new double[n], new double[n], new double[n]);
        new Ema(26).Compute(prices, slow);
        Array.Fill(fast, double.NaN);
        new Ema(12).Compute(prices.AsSpan(14), fast.AsSpan(14));
        Macd.Compute(prices, macd, signal, histogram, 12, 26, 9);
        var line = new double[n];
        for (var i = 0; i < n; i++) line[i] = fast[i] - slow[i];
        var expectedSignal = new double[n];
        Array.Fill(expectedSignal, double.NaN);
        new Ema(9).Compute(line.AsSpan(25), expectedSignal.AsSpan(25));
        for (var i = 33; i < n; i++)
        {
            macd[i].ShouldBe(line[i]);
            signal[i].ShouldBe(expectedSignal[i]);
            histogram[i].ShouldBe(line[i] - expectedSignal[i]);
        }
    }

    [Fact]
    public void Flat_prices_and_equal_periods_give_zero_on_every_line()
    {
        var flat = new Macd();
        for (var i = 0; i < 60; i++) flat.Update(2.5);
        (flat.Value, flat.Signal, flat.Histogram).ShouldBe((0.0, 0.0, 0.0));
        // The SMA seeds of a price like 1.085 round differently over 12 and 26 values (as in TA-Lib): ~1e-16, not 0.
        var rounded = new Macd();
        for (var i = 0; i < 60; i++) rounded.Update(1.085);
        rounded.Value.ShouldBe(0, 1e-15);
        rounded.Signal.ShouldBe(0, 1e-15);
        rounded.Histogram.ShouldBe(0, 1e-15);

        var equal = new Macd(5, 5, 3);
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        foreach (var price in prices.AsSpan(0, 50)) equal.Update(price);
        (equal.Value, equal.Signal, equal.Histogram).ShouldBe((0.0, 0.0, 0.0));
    }

    [Fact]
    public void Exposes_its_three_lines_by_name()
    {
        var macd = new Macd();
        (macd.Name, macd.FastPeriod, macd.SlowPeriod, macd.SignalPeriod, macd.WarmUpPeriod).ShouldBe(("MACD_12_26_9", 12, 26, 9, 34));
        macd.OutputNames.ShouldBe(["macd", "signal", "histogram"]);
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        for (var i = 0; i < 33; i++)
        {
            macd.Update(prices[i]);
            for (var line = 0; line < 3; line++) double.IsNaN(macd.Output(line)).ShouldBeTrue();
        }
        macd.Update(prices[33]);
        macd.IsReady.ShouldBeTrue();
        macd.Output(0).ShouldBe(macd.Value);
        macd.Output(1).ShouldBe(macd.Signal);
        macd.Output(2).ShouldBe(macd.Histogram);
        Should.Throw<ArgumentOutOfRangeException>(() => macd.Output(3)).ParamName.ShouldBe("index");
        Should.Throw<ArgumentOutOfRangeException>(() => macd.Output(-1)).ParamName.ShouldBe("index");
    }

    [Theory]
    [InlineData(0, 26, 9, "fastPeriod")]
    [InlineData(-1, 26, 9, "fastPeriod")]
    [InlineData(12, 0, 9, "slowPeriod")]
    [InlineData(12, 26, 0, "signalPeriod")]
    [InlineData(12, 11, 9, "slowPeriod")] // TA-Lib would swap them silently
    public void Invalid_periods_are_refused_naming_the_parameter(int fast, int slow, int signal, string parameter)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Macd(fast, slow, signal)).ParamName.ShouldBe(parameter);
        Should.Throw<ArgumentOutOfRangeException>(() => Macd.Compute(new double[5], new double[5], new double[5], new double[5], fast, slow, signal))
            .ParamName.ShouldBe(parameter);
    }

    [Fact]
    public void Short_outputs_are_refused()
    {
        Should.Throw<ArgumentException>(() => Macd.Compute(new double[5], new double[5], new double[4], new double[5], 2, 3, 2)).ParamName.ShouldBe("output");
        Should.Throw<ArgumentException>(() => Macd.Compute(new double[5], new double[5], new double[5], new double[4], 2, 3, 2)).ParamName.ShouldBe("output");
    }

    [Fact]
    public void Updates_do_not_allocate()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new Macd();
        var i = 0;
        indicator.Update(prices.Close[i]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (i = 1; i < prices.Length; i++) indicator.Update(prices.Close[i]);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}

public sealed class MacdSignalTests : MacdSuite
{
    protected override string Column => "MACDSIGNAL_12_26_9";
    protected override double Read(Macd indicator) => indicator.Signal;
    protected override bool HasValue(Macd indicator) => !double.IsNaN(indicator.Signal);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 1);
}

public sealed class MacdHistogramTests : MacdSuite
{
    protected override string Column => "MACDHIST_12_26_9";
    protected override double Read(Macd indicator) => indicator.Histogram;
    protected override bool HasValue(Macd indicator) => !double.IsNaN(indicator.Histogram);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 2);
}
