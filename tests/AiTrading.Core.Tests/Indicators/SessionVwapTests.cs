using System.Globalization;
using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>
/// TA-Lib has no VWAP, so these compare with a naive recomputation per session on the 5-minute bars of
/// 2006-min-005.txt (09:05–17:30, 21 days; the file has no volume, so the tests give the bars seeded volumes).
/// </summary>
public sealed class SessionVwapTests
{
    private sealed record IntradayBars(DateTimeOffset[] Time, double[] High, double[] Low, double[] Close, double[] Volume)
    {
        public int Length => Time.Length;
    }

    private static readonly Lazy<IntradayBars> Minutes = new(() =>
    {
        var lines = File.ReadAllLines(SharedData.File("2006-min-005.txt")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var (date, time, high, low, close) = (Column("Date"), Column("Time"), Column("High"), Column("Low"), Column("Close"));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var random = new Random(7);
        double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
        return new IntradayBars(
            rows.Select(r => DateTimeOffset.ParseExact($"{r[date]} {r[time]}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)).ToArray(),
            rows.Select(r => Parse(r[high])).ToArray(),
            rows.Select(r => Parse(r[low])).ToArray(),
            rows.Select(r => Parse(r[close])).ToArray(),
            rows.Select(_ => random.Next(5) == 0 ? 0.0 : random.Next(1, 10_000)).ToArray());
    });

    /// <summary>For each bar, Σtp·v/Σv (or the mean tp without volume) over the earlier bars of its session, recomputed from scratch.</summary>
    private static double[] Naive(IntradayBars bars, TimeSpan sessionStart)
    {
        var output = new double[bars.Length];
        for (var i = 0; i < bars.Length; i++)
        {
            var session = (bars.Time[i].UtcDateTime - sessionStart).Date;
            double priceVolume = 0, volume = 0, typicalSum = 0;
            var count = 0;
            for (var j = i; j >= 0 && (bars.Time[j].UtcDateTime - sessionStart).Date == session; j--)
            {
                var typical = (bars.High[j] + bars.Low[j] + bars.Close[j]) / 3;
                priceVolume += typical * bars.Volume[j];
                volume += bars.Volume[j];
                typicalSum += typical;
                count++;
            }
            output[i] = volume > 0 ? priceVolume / volume : typicalSum / count;
        }
        return output;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(13, 30)]
    [InlineData(9, 5)]
    public void Streaming_and_batch_equal_a_naive_recomputation_per_session(int hours, int minutes)
    {
        var bars = Minutes.Value;
        var sessionStart = new TimeSpan(hours, minutes, 0);
        var expected = Naive(bars, sessionStart);
        var batch = new double[bars.Length];
        SessionVwap.Compute(bars.Time, bars.High, bars.Low, bars.Close, bars.Volume, batch, sessionStart);
        var vwap = new SessionVwap(sessionStart);
        var sessions = 0;
        for (var i = 0; i < bars.Length; i++)
        {
            vwap.Update(bars.Time[i], bars.High[i], bars.Low[i], bars.Close[i], bars.Volume[i]);
            vwap.IsReady.ShouldBeTrue();
            vwap.Value.ShouldBe(expected[i], Math.Abs(expected[i]) * 1e-12, $"VWAP at {bars.Time[i]:O}");
            batch[i].ShouldBe(vwap.Value);
            var opens = i == 0 || (bars.Time[i].UtcDateTime - sessionStart).Date != (bars.Time[i - 1].UtcDateTime - sessionStart).Date;
            vwap.IsNewSession.ShouldBe(opens, $"at {bars.Time[i]:O}");
            if (opens) sessions++;
        }
        // 21 trading days. At 13:30 the first morning is a session of its own, and so is each Monday morning (it follows
        // Sunday's 13:30 boundary, not Friday's): 1 + 21 + 4.
        sessions.ShouldBe(sessionStart == new TimeSpan(13, 30, 0) ? 26 : 21);
    }

    [Fact]
    public void A_session_starting_at_1330_opens_on_the_first_bar_at_or_after_1330()
    {
        var bars = Minutes.Value;
        var vwap = new SessionVwap(new TimeSpan(13, 30, 0));
        for (var i = 0; i < bars.Length; i++)
        {
            vwap.Update(bars.Time[i], bars.High[i], bars.Low[i], bars.Close[i], bars.Volume[i]);
            var timeOfDay = bars.Time[i].TimeOfDay;
            var mondayMorning = bars.Time[i].DayOfWeek == DayOfWeek.Monday && timeOfDay == new TimeSpan(9, 5, 0);
            vwap.IsNewSession.ShouldBe(i == 0 || timeOfDay == new TimeSpan(13, 30, 0) || mondayMorning, $"at {bars.Time[i]:O}");
        }

        // A gap over the boundary: the first bar after it opens the session.
        var gapped = new SessionVwap(new TimeSpan(13, 30, 0));
        var day = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero);
        gapped.Update(day.AddHours(13), 11, 9, 10, 100);
        gapped.Update(day.AddHours(13.25), 13, 11, 12, 300);
        gapped.Value.ShouldBe((10 * 100 + 12 * 300) / 400.0, 1e-12);
        gapped.Update(day.AddHours(13.75), 21, 19, 20, 50);
        gapped.IsNewSession.ShouldBeTrue();
        gapped.Value.ShouldBe(20, 1e-12);
    }

    [Fact]
    public void Sessions_follow_utc_whatever_the_offset_of_the_times()
    {
        var vwap = new SessionVwap(TimeSpan.Zero);
        var paris = TimeSpan.FromHours(1);
        vwap.Update(new DateTimeOffset(2024, 3, 4, 23, 30, 0, paris), 11, 9, 10, 100);  // 22:30 UTC on the 4th
        vwap.Update(new DateTimeOffset(2024, 3, 5, 0, 30, 0, paris), 13, 11, 12, 100);  // 23:30 UTC on the 4th: same session
        vwap.IsNewSession.ShouldBeFalse();
        vwap.Value.ShouldBe(11, 1e-12);
        vwap.Update(new DateTimeOffset(2024, 3, 5, 1, 0, 0, paris), 31, 29, 30, 100);   // 00:00 UTC on the 5th: a new one
        vwap.IsNewSession.ShouldBeTrue();
        vwap.Value.ShouldBe(30, 1e-12);
    }

    [Fact]
    public void Without_volume_it_is_the_mean_typical_price_of_the_session_until_volume_trades()
    {
        var vwap = new SessionVwap(TimeSpan.Zero);
        var start = new DateTimeOffset(2024, 3, 4, 9, 0, 0, TimeSpan.Zero);
        vwap.Update(start, 11, 9, 10, 0);
        vwap.Value.ShouldBe(10, 1e-12);
        vwap.Update(start.AddMinutes(1), 13, 11, 12, 0);
        vwap.Value.ShouldBe(11, 1e-12);
        vwap.Update(start.AddMinutes(2), 15, 13, 14, 5);
        vwap.Value.ShouldBe(14, 1e-12); // once volume trades, bars without volume weigh nothing
        vwap.Update(start.AddMinutes(3), 3, 1, 2, 0);
        vwap.Value.ShouldBe(14, 1e-12);
    }

    [Fact]
    public void Flat_prices_give_the_price()
    {
        var vwap = new SessionVwap(TimeSpan.Zero);
        var start = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 100; i++)
        {
            vwap.Update(start.AddHours(i), 1.085, 1.085, 1.085, i % 3 == 0 ? 0 : 1000);
            vwap.Value.ShouldBe(1.085, 1e-15);
        }
    }

    [Theory]
    [InlineData(0, 0, "VWAP")]
    [InlineData(13, 30, "VWAP_1330")]
    [InlineData(9, 5, "VWAP_0905")]
    [InlineData(23, 59, "VWAP_2359")]
    public void Is_named_by_its_session_start_and_ready_on_the_first_bar(int hours, int minutes, string name)
    {
        var vwap = new SessionVwap(new TimeSpan(hours, minutes, 0));
        vwap.Name.ShouldBe(name);
        vwap.SessionStart.ShouldBe(new TimeSpan(hours, minutes, 0));
        vwap.WarmUpPeriod.ShouldBe(1);
        vwap.IsReady.ShouldBeFalse();
        vwap.IsNewSession.ShouldBeFalse();
        double.IsNaN(vwap.Value).ShouldBeTrue();
        vwap.Update(new DateTimeOffset(2024, 3, 4, 12, 0, 0, TimeSpan.Zero), 2, 1, 1.5, 10);
        vwap.IsReady.ShouldBeTrue();
        vwap.IsNewSession.ShouldBeTrue();
        vwap.Value.ShouldBe(1.5, 1e-15);
    }

    [Fact]
    public void A_session_start_with_seconds_keeps_them_in_the_name() =>
        new SessionVwap(new TimeSpan(9, 30, 15)).Name.ShouldBe("VWAP_093015");

    [Fact]
    public void Reset_restores_the_initial_behaviour()
    {
        var bars = Minutes.Value;
        var fresh = new SessionVwap(new TimeSpan(13, 30, 0));
        var reused = new SessionVwap(new TimeSpan(13, 30, 0));
        for (var i = 500; i < 700; i++) reused.Update(bars.Time[i], bars.High[i], bars.Low[i], bars.Close[i], bars.Volume[i]);
        reused.Reset();
        reused.IsReady.ShouldBeFalse();
        reused.IsNewSession.ShouldBeFalse();
        double.IsNaN(reused.Value).ShouldBeTrue();
        for (var i = 0; i < bars.Length; i++)
        {
            fresh.Update(bars.Time[i], bars.High[i], bars.Low[i], bars.Close[i], bars.Volume[i]);
            reused.Update(bars.Time[i], bars.High[i], bars.Low[i], bars.Close[i], bars.Volume[i]);
            reused.IsNewSession.ShouldBe(fresh.IsNewSession);
            reused.Value.ShouldBe(fresh.Value, $"VWAP[{i}] after reset");
        }
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(TimeSpan.TicksPerDay)]
    [InlineData(TimeSpan.TicksPerDay + 1)]
    public void A_session_start_outside_the_day_is_refused(long ticks)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new SessionVwap(TimeSpan.FromTicks(ticks))).ParamName.ShouldBe("sessionStart");
        Should.Throw<ArgumentOutOfRangeException>(() => SessionVwap.Compute([], [], [], [], [], [], TimeSpan.FromTicks(ticks))).ParamName.ShouldBe("sessionStart");
    }

    [Fact]
    public void Times_that_go_backwards_are_refused_and_equal_times_are_not()
    {
        var vwap = new SessionVwap(TimeSpan.Zero);
        var time = new DateTimeOffset(2024, 3, 4, 12, 0, 0, TimeSpan.Zero);
        vwap.Update(time, 2, 1, 1.5, 10);
        vwap.Update(time, 2, 1, 1.5, 10);
        Should.Throw<ArgumentException>(() => vwap.Update(time.AddTicks(-1), 2, 1, 1.5, 10)).ParamName.ShouldBe("time");
        // The same instant in another offset is not earlier.
        vwap.Update(new DateTimeOffset(2024, 3, 4, 14, 0, 0, TimeSpan.FromHours(2)), 2, 1, 1.5, 10);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_negative_or_non_finite_volume_is_refused(double volume) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new SessionVwap(TimeSpan.Zero).Update(DateTimeOffset.UnixEpoch, 2, 1, 1.5, volume)).ParamName.ShouldBe("volume");

    [Fact]
    public void A_non_finite_price_is_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new SessionVwap(TimeSpan.Zero).Update(DateTimeOffset.UnixEpoch, 2, 1, double.NaN, 1)).ParamName.ShouldBe("close");

    [Fact]
    public void Short_outputs_and_spans_of_different_lengths_are_refused()
    {
        var time = new DateTimeOffset[10];
        var values = new double[10];
        Should.Throw<ArgumentException>(() => SessionVwap.Compute(time, values, values, values, values, new double[9], TimeSpan.Zero)).ParamName.ShouldBe("output");
        Should.Throw<ArgumentException>(() => SessionVwap.Compute(time, values, values, new double[9], values, new double[10], TimeSpan.Zero));
    }
}
