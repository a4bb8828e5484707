using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Tests.Features.Microstructure;

/// <summary>
/// A naive recomputation of <see cref="MicrostructureFeatures"/> straight from the formulas: plain loops over the last
/// N ticks for every tick, two-pass centred moments, no running sums. Only the tick-rule sign, a definition over the
/// whole history, is carried from tick to tick.
/// </summary>
internal static class MicrostructureReference
{
    public const int Outputs = 12;

    public static double Price(in Tick tick) => tick.HasTrade ? tick.LastPrice : tick.Mid;

    public static double Volume(in Tick tick) => tick.HasTrade ? tick.LastSize : 1.0;

    /// <summary>Tick-rule signs: +1 up, −1 down, the previous sign when unchanged, 0 before any move.</summary>
    public static int[] Signs(IReadOnlyList<Tick> ticks)
    {
        var signs = new int[ticks.Count];
        for (var k = 1; k < ticks.Count; k++)
        {
            var (p, previous) = (Price(ticks[k]), Price(ticks[k - 1]));
            signs[k] = p > previous ? 1 : p < previous ? -1 : signs[k - 1];
        }
        return signs;
    }

    /// <summary>The intensity bucket of a time: 100 buckets per window, counted from the first tick.</summary>
    public static long Bucket(DateTimeOffset time, DateTimeOffset origin, TimeSpan intensityWindow)
    {
        var elapsed = time.UtcTicks - origin.UtcTicks;
        var w = intensityWindow.Ticks;
        return elapsed / w * 100 + elapsed % w * 100 / w;
    }

    /// <summary>The 12 outputs after tick <paramref name="n"/> (0-based), NaN where not yet defined.</summary>
    public static double[] At(IReadOnlyList<Tick> ticks, int[] signs, int n, int window, TimeSpan intensityWindow)
    {
        var o = Enumerable.Repeat(double.NaN, Outputs).ToArray();
        var t = ticks[n];
        var mid = (t.Bid + t.Ask) / 2;
        o[0] = t.Ask - t.Bid;
        o[1] = (t.Ask - t.Bid) / mid;
        o[2] = mid;
        o[3] = t.BidSize + t.AskSize == 0 ? mid : (t.Bid * t.AskSize + t.Ask * t.BidSize) / (t.BidSize + t.AskSize);

        var now = Bucket(t.Time, ticks[0].Time, intensityWindow);
        var inWindow = 0;
        for (var k = n; k >= 0 && Bucket(ticks[k].Time, ticks[0].Time, intensityWindow) > now - 100; k--) inWindow++;
        o[6] = inWindow / intensityWindow.TotalSeconds;

        var count = n + 1;
        var first = n - window + 1;
        if (count >= window)
        {
            double signedVolume = 0, volume = 0, value = 0, size = 0;
            for (var k = first; k <= n; k++)
            {
                signedVolume += signs[k] * Volume(ticks[k]);
                volume += Volume(ticks[k]);
                if (ticks[k].HasTrade)
                {
                    value += ticks[k].LastPrice * ticks[k].LastSize;
                    size += ticks[k].LastSize;
                }
            }
            o[4] = volume == 0 ? 0 : signedVolume / volume;
            var vwap = value / size;
            o[7] = size == 0 ? 0 : (Price(t) - vwap) / vwap;
        }
        if (count > window)
        {
            var returns = new double[window];
            var changes = new double[window];
            var signed = new double[window];
            double squares = 0, amihud = 0;
            var trades = 0;
            for (var k = first; k <= n; k++)
            {
                var (p, previous) = (Price(ticks[k]), Price(ticks[k - 1]));
                var r = Math.Log(p / previous);
                returns[k - first] = r;
                changes[k - first] = p - previous;
                signed[k - first] = signs[k] * Volume(ticks[k]);
                squares += r * r;
                if (ticks[k].HasTrade && ticks[k].LastSize > 0)
                {
                    amihud += Math.Abs(r) / (ticks[k].LastPrice * ticks[k].LastSize);
                    trades++;
                }
            }
            o[5] = Math.Sqrt(squares);
            o[9] = trades == 0 ? 0 : amihud / trades;
            o[10] = Constant(signed) ? 0 : Covariance(signed, changes) / Covariance(signed, signed);
            var covariance = Covariance(changes[..^1], changes[1..]) * (window - 1) / (window - 2);
            o[8] = covariance < 0 ? 2 * Math.Sqrt(-covariance) : 0;
            var (lagged, current) = (returns[..^1], returns[1..]);
            o[11] = Constant(lagged) || Constant(current)
                ? 0
                : Covariance(lagged, current) / Math.Sqrt(Covariance(lagged, lagged) * Covariance(current, current));
        }
        return o;
    }

    /// <summary>The outputs after every tick, row-major.</summary>
    public static double[][] All(IReadOnlyList<Tick> ticks, int window, TimeSpan intensityWindow)
    {
        var signs = Signs(ticks);
        return Enumerable.Range(0, ticks.Count).Select(n => At(ticks, signs, n, window, intensityWindow)).ToArray();
    }

    private static bool Constant(double[] values) => values.All(v => v == values[0]);

    /// <summary>
    /// Population covariance, two-pass; 0 when either series is constant (all values equal) or when the correlation
    /// is below 1e-12 in magnitude (rounding level, as the implementation documents).
    /// </summary>
    private static double Covariance(double[] x, double[] y)
    {
        if (Constant(x) || Constant(y)) return 0;
        var covariance = RawCovariance(x, y);
        return x == y || Math.Abs(covariance) > 1e-12 * Math.Sqrt(RawCovariance(x, x)) * Math.Sqrt(RawCovariance(y, y)) ? covariance : 0;
    }

    private static double RawCovariance(double[] x, double[] y)
    {
        double mx = 0, my = 0;
        for (var i = 0; i < x.Length; i++)
        {
            mx += x[i];
            my += y[i];
        }
        mx /= x.Length;
        my /= y.Length;
        double sum = 0;
        for (var i = 0; i < x.Length; i++) sum += (x[i] - mx) * (y[i] - my);
        return sum / x.Length;
    }
}
