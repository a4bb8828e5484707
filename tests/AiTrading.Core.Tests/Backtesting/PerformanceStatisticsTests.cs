using AiTrading.Core.Backtesting;

namespace AiTrading.Core.Tests.Backtesting;

public sealed class PerformanceStatisticsTests
{
    private static readonly long[] Days = Enumerable.Range(0, 5).Select(d => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(d).UtcTicks).ToArray();

    [Fact]
    public void Every_statistic_matches_a_hand_computation_on_a_tiny_series()
    {
        // Cash 100; equity 100, 110, 99, 108.9, 119.79: returns 0, +10%, -10%, +10%, +10%.
        double[] equity = [100, 110, 99, 108.9, 119.79];
        var s = PerformanceStatistics.Compute(Days, equity, 100, [10m, -5m, 20m, -5m], barsExposed: 3, periodsPerYear: 252);

        s.TotalReturn.ShouldBe(0.1979, 1e-12);
        // mean 0.04; deviations -0.04, 0.06, -0.14, 0.06, 0.06: squares sum 0.032, sample variance 0.008.
        var sd = Math.Sqrt(0.008);
        s.AnnualizedVolatility!.Value.ShouldBe(sd * Math.Sqrt(252), 1e-12);
        s.Sharpe!.Value.ShouldBe(0.04 / sd * Math.Sqrt(252), 1e-9);
        // downside deviation: sqrt(0.1² / 5) = sqrt(0.002)
        s.Sortino!.Value.ShouldBe(0.04 / Math.Sqrt(0.002) * Math.Sqrt(252), 1e-9);
        // peak 110 at day 1, trough 99: 10%; back above 110 on day 4: 3 days, 3 bars
        s.MaxDrawdown.ShouldBe(0.1, 1e-12);
        s.MaxDrawdownDuration.ShouldBe(TimeSpan.FromDays(3));
        s.MaxDrawdownBars.ShouldBe(3);
        // 4 days = 4/365.25 years
        s.Cagr!.Value.ShouldBe(Math.Pow(1.1979, 365.25 / 4) - 1, 1e-6);
        s.Calmar!.Value.ShouldBe(s.Cagr.Value / 0.1, 1e-6);
        s.WinRate.ShouldBe(0.5);
        s.ProfitFactor.ShouldBe(3.0); // 30 / 10
        s.Expectancy.ShouldBe(5.0);
        s.Exposure.ShouldBe(0.6);
        s.Trades.ShouldBe(4);
        s.PeriodsPerYear.ShouldBe(252);
    }

    [Fact]
    public void Periods_per_year_follow_the_bar_spacing_and_undefined_figures_are_null()
    {
        double[] flat = [100, 100, 100, 100, 100];
        var s = PerformanceStatistics.Compute(Days, flat, 100, [], barsExposed: 0);
        s.PeriodsPerYear.ShouldBe(365.25, 1e-9); // 4 intervals over 4 days
        s.TotalReturn.ShouldBe(0);
        s.Sharpe.ShouldBeNull();
        s.Sortino.ShouldBeNull();
        s.Calmar.ShouldBeNull();
        s.WinRate.ShouldBeNull();
        s.ProfitFactor.ShouldBeNull();
        s.Expectancy.ShouldBeNull();
        s.MaxDrawdown.ShouldBe(0);
        s.MaxDrawdownDuration.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_drawdown_that_never_recovers_lasts_until_the_last_bar()
    {
        double[] falling = [100, 120, 90, 100, 110];
        var s = PerformanceStatistics.Compute(Days, falling, 100, [], barsExposed: 5);
        s.MaxDrawdown.ShouldBe(0.25, 1e-12);
        s.MaxDrawdownBars.ShouldBe(3);
        s.MaxDrawdownDuration.ShouldBe(TimeSpan.FromDays(3));
        s.Exposure.ShouldBe(1);
    }
}
