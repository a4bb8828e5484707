using AiTrading.Core.MarketData;

namespace AiTrading.ML.Tests;

/// <summary>Bars whose one-bar log returns follow r[t] = φ·r[t−1] + σ·ε (seeded): φ ≠ 0 plants a learnable signal, φ = 0 is a random walk.</summary>
public static class SyntheticBars
{
    public static List<Bar> Generate(int count, double phi, int seed = 7, Timeframe? timeframe = null, double sigma = 0.01)
    {
        var tf = timeframe ?? Timeframe.M5;
        var random = new Random(seed);
        var bars = new List<Bar>(count);
        var time = new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);
        double close = 100, previous = 0;
        for (var i = 0; i < count; i++)
        {
            var r = phi * previous + sigma * Gaussian(random);
            var open = close;
            close = open * Math.Exp(r);
            var high = Math.Max(open, close) * (1 + 0.002 * random.NextDouble());
            var low = Math.Min(open, close) * (1 - 0.002 * random.NextDouble());
            bars.Add(new Bar("SYN", tf, time, open, high, low, close, 1000 + random.Next(500), 10));
            time += tf.Duration;
            previous = r;
        }
        return bars;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
