using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

public abstract class AroonSuite : IndicatorSuite<Aroon>
{
    protected override int Period => 14;
    protected override Aroon Create(int period) => new(period);
    protected override string NameFor(int period) => $"AROONOSC_{period}";
    protected override void Update(Aroon indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);

    /// <summary>Fills one line (0 oscillator, 1 up, 2 down) and throws the others away.</summary>
    protected static void Compute(PriceSeries prices, Span<double> output, int period, int line)
    {
        var (a, b) = (new double[prices.Length], new double[prices.Length]);
        switch (line)
        {
            case 0: Aroon.Compute(prices.High, prices.Low, prices.Close, output, a, b, period); break;
            case 1: Aroon.Compute(prices.High, prices.Low, prices.Close, a, output, b, period); break;
            default: Aroon.Compute(prices.High, prices.Low, prices.Close, a, b, output, period); break;
        }
    }
}

public sealed class AroonTests : AroonSuite
{
    protected override string Column => "AROONOSC_14";
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 0);

    private static (double[] Oscillator, double[] Up, double[] Down) All(double[] high, double[] low, int period)
    {
        var n = high.Length;
        var lines = (new double[n], new double[n], new double[n]);
        Aroon.Compute(high, low, new double[n], lines.Item1, lines.Item2, lines.Item3, period);
        return lines;
    }

    [Fact]
    public void Counts_the_bars_since_the_extremes_of_the_last_period_plus_one_bars()
    {
        double[] high = [5, 7, 6, 6, 4, 8], low = [3, 2, 4, 5, 1, 6];
        var (oscillator, up, down) = All(high, low, 4);
        oscillator[..4].ShouldAllBe(v => double.IsNaN(v));
        up[..4].ShouldAllBe(v => double.IsNaN(v));
        // Bar 4 (bars 0–4): highest 7 three bars ago, lowest 1 today. Bar 5 (bars 1–5): highest 8 today, lowest 1 a bar ago.
        (up[4], down[4], oscillator[4]).ShouldBe((25.0, 100.0, -75.0));
        (up[5], down[5], oscillator[5]).ShouldBe((100.0, 75.0, 25.0));
    }

    [Fact]
    public void Ties_go_to_the_most_recent_extreme_like_talib()
    {
        double[] high = [9, 5, 9, 5, 5, 5], low = [1, 3, 1, 3, 3, 3];
        var (oscillator, up, down) = All(high, low, 3);
        // Bar 3 (bars 0–3): highs 9 at bars 0 and 2 → bar 2 counts. Bar 5 (bars 2–5): the 9 of bar 2, three bars ago.
        (up[3], down[3], oscillator[3]).ShouldBe((200.0 / 3, 200.0 / 3, 0.0));
        (up[4], down[4]).ShouldBe((100.0 / 3, 100.0 / 3));
        (up[5], down[5], oscillator[5]).ShouldBe((0.0, 0.0, 0.0));
    }

    [Fact]
    public void Flat_prices_give_100_up_and_down_and_a_zero_oscillator()
    {
        var aroon = new Aroon(5);
        for (var i = 0; i < 10; i++) aroon.Update(2, 2, 2);
        (aroon.Up, aroon.Down, aroon.Value).ShouldBe((100.0, 100.0, 0.0));
    }

    [Fact]
    public void The_oscillator_is_up_minus_down_and_every_line_stays_in_range()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var (oscillator, up, down) = All(prices.High, prices.Low, 14);
        for (var i = 14; i < prices.Length; i++)
        {
            oscillator[i].ShouldBe(up[i] - down[i], 1e-12);
            up[i].ShouldBeInRange(0, 100);
            down[i].ShouldBeInRange(0, 100);
        }
    }

    [Fact]
    public void Exposes_its_three_lines_by_name()
    {
        var aroon = new Aroon();
        (aroon.Name, aroon.Period, aroon.WarmUpPeriod).ShouldBe(("AROONOSC_14", 14, 15));
        aroon.OutputNames.ShouldBe(["oscillator", "up", "down"]);
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        for (var i = 0; i < 15; i++)
        {
            for (var line = 0; line < 3; line++) double.IsNaN(aroon.Output(line)).ShouldBeTrue();
            Update(aroon, prices, i);
        }
        new[] { aroon.Output(0), aroon.Output(1), aroon.Output(2) }.ShouldBe([aroon.Value, aroon.Up, aroon.Down]);
        Should.Throw<ArgumentOutOfRangeException>(() => aroon.Output(3)).ParamName.ShouldBe("index");
    }

    [Fact]
    public void Spans_of_different_lengths_or_short_outputs_are_refused()
    {
        Should.Throw<ArgumentException>(() => Aroon.Compute(new double[3], new double[2], new double[3], new double[3], new double[3], new double[3], 2));
        Should.Throw<ArgumentException>(() => Aroon.Compute(new double[3], new double[3], new double[3], new double[3], new double[3], new double[2], 2))
            .ParamName.ShouldBe("output");
    }

    [Fact]
    public void Updates_do_not_allocate()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = new Aroon();
        var i = 0;
        indicator.Update(prices.High[i], prices.Low[i], prices.Close[i]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (i = 1; i < prices.Length; i++) indicator.Update(prices.High[i], prices.Low[i], prices.Close[i]);
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}

public sealed class AroonUpTests : AroonSuite
{
    protected override string Column => "AROONUP_14";
    protected override double Read(Aroon indicator) => indicator.Up;
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 1);
}

public sealed class AroonDownTests : AroonSuite
{
    protected override string Column => "AROONDOWN_14";
    protected override double Read(Aroon indicator) => indicator.Down;
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => Compute(prices, output, period, 2);
}
