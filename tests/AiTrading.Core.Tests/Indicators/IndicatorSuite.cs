using System.Collections.Concurrent;
using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>Open, high, low, close and volume of a price file in ../shared/data.</summary>
public sealed record PriceSeries(double[] Open, double[] High, double[] Low, double[] Close, double[] Volume)
{
    private static readonly ConcurrentDictionary<string, PriceSeries> Cache = new();
    private static readonly ConcurrentDictionary<(string, string), double[]> References = new();

    public int Length => Close.Length;

    public static PriceSeries Load(string file) => Cache.GetOrAdd(file, f =>
    {
        var columns = SharedData.Columns(SharedData.File(f), "Open", "High", "Low", "Close", "Volume");
        return new PriceSeries(columns["Open"], columns["High"], columns["Low"], columns["Close"], columns["Volume"]);
    });

    /// <summary>A column of a TA-Lib reference file; NaN where TA-Lib gives no value.</summary>
    public static double[] Reference(string file, string column) =>
        References.GetOrAdd((file, column), key => SharedData.Columns(SharedData.File(Path.Combine("reference", key.Item1)), key.Item2)[key.Item2]);

    /// <summary>A seeded random walk with flat stretches (every 50th bar starts 5 identical bars) and zero-volume bars.</summary>
    public static PriceSeries Random(int length, int seed)
    {
        var random = new System.Random(seed);
        var (open, high, low, close, volume) = (new double[length], new double[length], new double[length], new double[length], new double[length]);
        var last = 50.0;
        for (var i = 0; i < length; i++)
        {
            var flat = i % 50 < 5;
            open[i] = last;
            close[i] = flat ? last : last * (1 + (random.NextDouble() - 0.5) * 0.04);
            high[i] = flat ? last : Math.Max(open[i], close[i]) * (1 + random.NextDouble() * 0.01);
            low[i] = flat ? last : Math.Min(open[i], close[i]) * (1 - random.NextDouble() * 0.01);
            volume[i] = random.Next(4) == 0 ? 0 : random.Next(1, 100_000);
            last = close[i];
        }
        return new PriceSeries(open, high, low, close, volume);
    }

    public static PriceSeries Flat(int length, double price, double volume = 1000)
    {
        double[] Repeat(double value) => Enumerable.Repeat(value, length).ToArray();
        return new(Repeat(price), Repeat(price), Repeat(price), Repeat(price), Repeat(volume));
    }
}

/// <summary>
/// The tests every indicator gets: TA-Lib parity on real series (streaming and batch), exact warm-up, reset,
/// flat prices and argument checks. A concrete suite names only the factory, the update and the batch call;
/// a suite for a secondary line of a multi-line indicator (MACD's signal, +DI of ADX) also overrides
/// <see cref="Read"/>, <see cref="HasValue"/> and <see cref="FirstValueIndex"/>.
/// </summary>
public abstract class IndicatorSuite<T> where T : Indicator
{
    /// <summary>The indicator's name, which is also its column in the TA-Lib reference files.</summary>
    protected abstract string Column { get; }
    protected abstract T Create(int period);
    protected abstract int Period { get; }
    protected abstract void Update(T indicator, PriceSeries prices, int index);
    protected abstract void Compute(PriceSeries prices, Span<double> output, int period);

    /// <summary>The line under test; by default the indicator's main value.</summary>
    protected virtual double Read(T indicator) => indicator.Value;

    /// <summary>Whether the line under test has a value yet.</summary>
    protected virtual bool HasValue(T indicator) => indicator.IsReady;

    /// <summary>The input index (0-based) of the first value of the line under test.</summary>
    protected virtual int FirstValueIndex(T indicator) => indicator.WarmUpPeriod - 1;

    /// <summary>The name for another period: by default the column's text up to its first '_', then the period.</summary>
    protected virtual string NameFor(int period) => Column[..(Column.IndexOf('_') + 1)] + period;

    public static TheoryData<string, string> ReferenceSeries => new()
    {
        { "2006-day-001.txt", "talib-2006-day-001.csv" },
        { "orcl-1995-2014.txt", "talib-orcl-1995-2014.csv" },
    };

    private static void ShouldMatchReference(double actual, double expected, string what)
    {
        // 1e-9 relative, 1e-12 absolute near zero; the reference has 12 significant digits.
        var tolerance = Math.Max(1e-12, Math.Abs(expected) * 1e-9);
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(tolerance, $"{what}: {actual:R} vs TA-Lib {expected:R}");
    }

    [Theory, MemberData(nameof(ReferenceSeries))]
    public void Streaming_values_match_talib_after_warm_up(string pricesFile, string referenceFile)
    {
        var prices = PriceSeries.Load(pricesFile);
        var expected = PriceSeries.Reference(referenceFile, Column);
        expected.Length.ShouldBe(prices.Length);
        var indicator = Create(Period);
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            var what = $"{Column} on {pricesFile}, row {i}";
            if (double.IsNaN(expected[i]))
            {
                HasValue(indicator).ShouldBeFalse(what);
                double.IsNaN(Read(indicator)).ShouldBeTrue(what);
            }
            else
            {
                HasValue(indicator).ShouldBeTrue(what);
                ShouldMatchReference(Read(indicator), expected[i], what);
            }
        }
        // TA-Lib's first value sits exactly at the warm-up period.
        Array.FindIndex(expected, v => !double.IsNaN(v)).ShouldBe(FirstValueIndex(indicator));
    }

    [Theory, MemberData(nameof(ReferenceSeries))]
    public void Batch_values_match_talib_and_equal_streaming(string pricesFile, string referenceFile)
    {
        var prices = PriceSeries.Load(pricesFile);
        var expected = PriceSeries.Reference(referenceFile, Column);
        var batch = new double[prices.Length];
        Compute(prices, batch, Period);

        var indicator = Create(Period);
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            if (double.IsNaN(expected[i])) double.IsNaN(batch[i]).ShouldBeTrue($"{Column}[{i}] in warm-up");
            else ShouldMatchReference(batch[i], expected[i], $"{Column} batch on {pricesFile}, row {i}");
            batch[i].ShouldBe(Read(indicator), $"{Column}[{i}]: batch and streaming differ");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Batch_equals_streaming_on_random_series_with_flat_stretches_and_zero_volume(int seed)
    {
        var prices = PriceSeries.Random(1_000, seed);
        var batch = new double[prices.Length];
        Compute(prices, batch, Period);
        var indicator = Create(Period);
        for (var i = 0; i < prices.Length; i++)
        {
            Update(indicator, prices, i);
            batch[i].ShouldBe(Read(indicator), $"{Column}[{i}]: batch and streaming differ");
            if (HasValue(indicator)) double.IsFinite(Read(indicator)).ShouldBeTrue($"{Column}[{i}] = {Read(indicator)}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    public void Becomes_ready_exactly_at_its_warm_up_period(int period)
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt");
        var indicator = Create(period);
        indicator.Name.ShouldBe(NameFor(period));
        var firstValue = FirstValueIndex(indicator);
        for (var i = 0; i < firstValue + 6; i++)
        {
            HasValue(indicator).ShouldBe(i > firstValue, $"after {i} inputs");
            double.IsNaN(Read(indicator)).ShouldBe(i <= firstValue, $"after {i} inputs");
            Update(indicator, prices, i);
        }
    }

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var prices = PriceSeries.Load("2006-day-001.txt");
        var fresh = Create(Period);
        var reused = Create(Period);
        for (var i = 0; i < 100; i++) Update(reused, prices, 150 + i);
        HasValue(reused).ShouldBeTrue();
        reused.Reset();
        HasValue(reused).ShouldBeFalse();
        double.IsNaN(Read(reused)).ShouldBeTrue();
        for (var i = 0; i < prices.Length; i++)
        {
            Update(fresh, prices, i);
            Update(reused, prices, i);
            HasValue(reused).ShouldBe(HasValue(fresh));
            Read(reused).ShouldBe(Read(fresh), $"{Column}[{i}] after reset");
        }
    }

    [Fact]
    public void Flat_prices_give_finite_values_after_warm_up()
    {
        var flat = PriceSeries.Flat(200, 1.08500);
        var indicator = Create(Period);
        for (var i = 0; i < flat.Length; i++)
        {
            Update(indicator, flat, i);
            if (HasValue(indicator)) double.IsFinite(Read(indicator)).ShouldBeTrue($"{Column} on flat prices, input {i}");
        }
        HasValue(indicator).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_non_positive_period_is_refused_naming_the_parameter(int period)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Create(period)).ParamName.ShouldBe("period");
        Should.Throw<ArgumentOutOfRangeException>(() => Compute(PriceSeries.Flat(5, 1), new double[5], period)).ParamName.ShouldBe("period");
    }

    [Fact]
    public void A_non_finite_input_is_refused()
    {
        var broken = PriceSeries.Flat(3, double.NaN);
        Should.Throw<ArgumentOutOfRangeException>(() => Update(Create(Period), broken, 0));
    }

    [Fact]
    public void Batch_output_shorter_than_the_input_is_refused()
    {
        var prices = PriceSeries.Flat(10, 1);
        Should.Throw<ArgumentException>(() => Compute(prices, new double[9], Period)).ParamName.ShouldBe("output");
    }
}

public sealed class SmaTests : IndicatorSuite<Sma>
{
    protected override string Column => "SMA_20";
    protected override int Period => 20;
    protected override Sma Create(int period) => new(period);
    protected override void Update(Sma indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Sma(period).Compute(prices.Close, output);

    [Fact]
    public void Is_the_mean_of_the_last_period_values()
    {
        var output = new double[6];
        new Sma(3).Compute([1, 2, 3, 4, 5, 9], output);
        output[..2].ShouldAllBe(v => double.IsNaN(v));
        output[2..].ShouldBe([2, 3, 4, 6]);
    }
}

public sealed class EmaTests : IndicatorSuite<Ema>
{
    protected override string Column => "EMA_20";
    protected override int Period => 20;
    protected override Ema Create(int period) => new(period);
    protected override void Update(Ema indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Ema(period).Compute(prices.Close, output);

    [Fact]
    public void Is_seeded_with_the_sma_then_smoothed_with_two_over_period_plus_one()
    {
        var output = new double[5];
        new Ema(3).Compute([1, 2, 3, 7, 1], output);
        output[2].ShouldBe(2);
        output[3].ShouldBe(2 + 0.5 * (7 - 2));
        output[4].ShouldBe(4.5 + 0.5 * (1 - 4.5));
    }
}

public sealed class RsiTests : IndicatorSuite<Rsi>
{
    protected override string Column => "RSI_14";
    protected override int Period => 14;
    protected override Rsi Create(int period) => new(period);
    protected override void Update(Rsi indicator, PriceSeries prices, int index) => indicator.Update(prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Rsi(period).Compute(prices.Close, output);

    [Fact]
    public void Flat_prices_give_0_like_talib_and_only_gains_give_100()
    {
        var flat = new Rsi(3);
        foreach (var v in new[] { 5.0, 5, 5, 5, 5 }) flat.Update(v);
        flat.Value.ShouldBe(0);

        var rising = new Rsi(3);
        foreach (var v in new[] { 1.0, 2, 3, 4, 5 }) rising.Update(v);
        rising.Value.ShouldBe(100);

        var falling = new Rsi(3);
        foreach (var v in new[] { 5.0, 4, 3, 2, 1 }) falling.Update(v);
        falling.Value.ShouldBe(0);
    }

    [Fact]
    public void Does_not_depend_on_the_price_scale()
    {
        var prices = PriceSeries.Load("orcl-1995-2014.txt").Close;
        var a = new double[prices.Length];
        var b = new double[prices.Length];
        new Rsi(14).Compute(prices, a);
        new Rsi(14).Compute(prices.Select(p => p * 1e-7).ToArray(), b);
        for (var i = 14; i < prices.Length; i++) b[i].ShouldBe(a[i], 1e-6);
    }
}

public sealed class AtrTests : IndicatorSuite<Atr>
{
    protected override string Column => "ATR_14";
    protected override int Period => 14;
    protected override Atr Create(int period) => new(period);
    protected override void Update(Atr indicator, PriceSeries prices, int index) => indicator.Update(prices.High[index], prices.Low[index], prices.Close[index]);
    protected override void Compute(PriceSeries prices, Span<double> output, int period) => new Atr(period).Compute(prices.High, prices.Low, prices.Close, output);

    [Fact]
    public void True_range_includes_gaps_from_the_previous_close()
    {
        Atr.TrueRange(high: 11, low: 10, previousClose: 10.5).ShouldBe(1);
        Atr.TrueRange(high: 11, low: 10, previousClose: 8).ShouldBe(3);
        Atr.TrueRange(high: 11, low: 10, previousClose: 13).ShouldBe(3);
    }

    [Fact]
    public void Flat_prices_give_zero()
    {
        var atr = new Atr(3);
        for (var i = 0; i < 10; i++) atr.Update(2, 2, 2);
        atr.Value.ShouldBe(0);
    }

    [Fact]
    public void Spans_of_different_lengths_are_refused() =>
        Should.Throw<ArgumentException>(() => new Atr(2).Compute(new double[3], new double[2], new double[3], new double[3]));
}
