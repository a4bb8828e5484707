using AiTrading.Core.Indicators;

namespace AiTrading.Core.Tests.Indicators;

/// <summary>Every value after warm-up matches TA-Lib's output on real daily series (../shared/data/reference).</summary>
public sealed class TaLibReferenceTests
{
    public static TheoryData<string, string> Series => new()
    {
        { "2006-day-001.txt", "reference/talib-2006-day-001.csv" },
        { "orcl-1995-2014.txt", "reference/talib-orcl-1995-2014.csv" },
    };

    private static (double[] High, double[] Low, double[] Close) Prices(string file)
    {
        var columns = SharedData.Columns(SharedData.File(file), "High", "Low", "Close");
        return (columns["High"], columns["Low"], columns["Close"]);
    }

    private static void ShouldMatch(double[] actual, double[] expected, string name)
    {
        actual.Length.ShouldBe(expected.Length);
        var compared = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                double.IsNaN(actual[i]).ShouldBeTrue($"{name}[{i}] should still be warming up but is {actual[i]}");
                continue;
            }
            var tolerance = Math.Max(1e-12, Math.Abs(expected[i]) * 1e-9);
            Math.Abs(actual[i] - expected[i]).ShouldBeLessThanOrEqualTo(tolerance, $"{name}[{i}]: {actual[i]} vs TA-Lib {expected[i]}");
            compared++;
        }
        compared.ShouldBeGreaterThan(100);
    }

    [Theory, MemberData(nameof(Series))]
    public void Sma_ema_rsi_atr_match_talib(string prices, string reference)
    {
        var (high, low, close) = Prices(prices);
        var expected = SharedData.Columns(SharedData.File(reference), "SMA_20", "EMA_20", "RSI_14", "ATR_14");
        var output = new double[close.Length];

        Sma.Compute(close, output, 20);
        ShouldMatch(output, expected["SMA_20"], "SMA_20");
        Ema.Compute(close, output, 20);
        ShouldMatch(output, expected["EMA_20"], "EMA_20");
        Rsi.Compute(close, output, 14);
        ShouldMatch(output, expected["RSI_14"], "RSI_14");
        Atr.Compute(high, low, close, output, 14);
        ShouldMatch(output, expected["ATR_14"], "ATR_14");
    }
}
