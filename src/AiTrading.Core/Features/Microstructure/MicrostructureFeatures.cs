using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features.Microstructure;

/// <summary>
/// Tick-level market microstructure features of one instrument, updated per <see cref="Tick"/> in amortized O(1) time
/// with no allocation after construction.
/// <para>
/// Each tick has a <b>price</b> p (the trade price when the tick carries a trade, else the mid), a <b>volume</b> v
/// (the trade size for a trade, 1 for a quote update), a <b>tick-rule sign</b> s (+1 when p is above the previous
/// tick's price, −1 when below, the previous sign when unchanged, 0 before the first move and on the first tick),
/// a <b>signed volume</b> q = s·v, and from the second tick on a <b>price change</b> Δp = p − p₋₁ and a
/// <b>log return</b> r = ln(p/p₋₁). The rolling window is the last <see cref="Window"/> = N ticks; the change and
/// return of the oldest tick of the window need the tick before it, so the return statistics need N + 1 ticks.
/// </para>
/// <para>Outputs (<see cref="Names"/>, in order) and the tick count at which each is first defined (NaN before):</para>
/// <list type="number">
/// <item><c>spread</c> = ask − bid (tick 1).</item>
/// <item><c>relativeSpread</c> = (ask − bid)/mid (tick 1).</item>
/// <item><c>mid</c> = (bid + ask)/2 (tick 1).</item>
/// <item><c>microPrice</c> = (bid·askSize + ask·bidSize)/(bidSize + askSize), the mid when both sizes are 0 (tick 1);
/// computed as bid + spread·bidSize/(bidSize + askSize) with the weight taken from the size ratio, so huge sizes
/// cannot overflow.</item>
/// <item><c>orderFlowImbalance</c> = Σq/Σv over the window, in [−1, 1]; 0 when Σv = 0 (tick N).</item>
/// <item><c>realizedVolatility</c> = sqrt(Σr²) over the window's N returns, not annualized (tick N + 1).</item>
/// <item><c>tickIntensity</c> = ticks per second over the last <see cref="IntensityWindow"/> (tick 1): the count of
/// the ticks in 100 time buckets of IntensityWindow/100 each (aligned on the first tick's time, the current bucket
/// included) divided by IntensityWindow in seconds. Resolution: one bucket: a tick stops counting when its bucket
/// leaves the window, up to IntensityWindow/100 before it is IntensityWindow old; ticks before the first are taken
/// as absent, so the first IntensityWindow reads low.</item>
/// <item><c>vwapDeviation</c> = (p − VWAP)/VWAP, VWAP = Σ tradePrice·tradeSize / Σ tradeSize over the trades in the
/// window; 0 when the window holds no traded volume (tick N).</item>
/// <item><c>rollSpread</c> = Roll (1984) 2·sqrt(−cov(Δp_t, Δp_{t−1})), the sample covariance (divisor M − 1) of the
/// M = N − 1 consecutive pairs of price changes in the window; 0 when that covariance is ≥ 0, where the estimator is
/// undefined (trending or momentum prices), or when either series of the pairs is constant (tick N + 1).</item>
/// <item><c>amihudIlliquidity</c> = mean of |r|/(tradePrice·tradeSize) over the window's trades with size &gt; 0;
/// 0 when there are none (tick N + 1).</item>
/// <item><c>kyleLambda</c> = OLS slope of Δp on q over the window's N ticks; 0 when q has zero variance (or Δp is
/// constant, where the slope is 0) (tick N + 1).</item>
/// <item><c>returnAutocorrelation</c> = the Pearson correlation of the M = N − 1 consecutive return pairs
/// (r_{t−1}, r_t) in the window, in [−1, 1]; 0 when either has zero variance (tick N + 1).</item>
/// </list>
/// <para>
/// Once defined no output is NaN or ±Infinity: identical prices, zero sizes, quote-only and trade-only feeds
/// (bid = ask = trade price) give the neutral values above. "Zero variance" means every value of the window is the
/// same (an exact count), or a centred sum below 1e-12 of its sum of squares about a value of the window (rounding);
/// a covariance whose correlation is below 1e-12 in magnitude is rounding noise and reads as 0 (so Roll's estimator
/// does not turn 1e-17 of noise into a spread of 1e-8).
/// </para>
/// <para>
/// Drift control: the rolling sums are updated in O(1) (add the new term, subtract the displaced one) as compensated
/// (Neumaier) sums, so a large term leaving the window leaves no residue of ε times its size, and they are also
/// recomputed from their ring buffers every N updates (amortized O(1)), so no error carries over more than one window.
/// Second moments are summed about a value of the window (see <see cref="WindowCovariance"/>) to limit cancellation.
/// </para>
/// <para>
/// Validation (before any state changes): bid and ask finite and &gt; 0, ask ≥ bid, sizes finite and ≥ 0, last
/// price NaN (no trade) or finite and &gt; 0, last size finite and ≥ 0 (ignored without a trade), time not before the
/// previous tick's (equal times are allowed). The symbol is not checked: feed one instrument per instance.
/// </para>
/// </summary>
public sealed class MicrostructureFeatures
{
    /// <summary>The largest <see cref="Window"/> accepted (the instance holds about a dozen doubles per tick of window).</summary>
    public const int MaxWindow = 1_000_000;

    /// <summary>The number of time buckets of the tick intensity.</summary>
    public const int IntensityBuckets = 100;

    private static readonly string[] OutputNameArray =
    [
        "spread", "relativeSpread", "mid", "microPrice", "orderFlowImbalance", "realizedVolatility",
        "tickIntensity", "vwapDeviation", "rollSpread", "amihudIlliquidity", "kyleLambda", "returnAutocorrelation",
    ];

    private const int SpreadIndex = 0, RelativeSpreadIndex = 1, MidIndex = 2, MicroPriceIndex = 3, OrderFlowImbalanceIndex = 4,
        RealizedVolatilityIndex = 5, TickIntensityIndex = 6, VwapDeviationIndex = 7, RollSpreadIndex = 8, AmihudIndex = 9,
        KyleLambdaIndex = 10, ReturnAutocorrelationIndex = 11;

    private readonly double[] _outputs = new double[OutputNameArray.Length];

    // Over the last N ticks.
    private readonly WindowSum _volume;
    private readonly WindowSum _signedVolume;
    private readonly WindowSum _tradeValue;
    private readonly WindowSum _tradeSize;
    // Over the last N returns (ticks 2 onwards).
    private readonly WindowSum _squaredReturns;
    private readonly WindowSum _amihudRatios;
    private readonly WindowSum _amihudTrades;
    private readonly WindowCovariance _kyle;   // (q, Δp), N pairs
    private readonly WindowCovariance _roll;   // (Δp₋₁, Δp), N − 1 pairs
    private readonly WindowCovariance _serial; // (r₋₁, r), N − 1 pairs

    // Tick intensity: counts per bucket; a bucket is (window number, slot) of the time since the first tick.
    private readonly long[] _bucketCounts = new long[IntensityBuckets];
    private readonly long _intensityTicks;
    private readonly double _intensitySeconds;
    private long _origin;
    private long _bucketWindow;
    private int _bucketSlot;
    private long _inIntensityWindow;

    private long _lastTime;
    private double _previousPrice;
    private double _previousChange;
    private double _previousReturn;
    private int _sign;

    public MicrostructureFeatures(int window = 100, TimeSpan? intensityWindow = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 3);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, MaxWindow);
        var intensity = intensityWindow ?? TimeSpan.FromSeconds(10);
        if (intensity <= TimeSpan.Zero || intensity > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(nameof(intensityWindow), intensity, "the intensity window must be > 0 and ≤ 1 hour");
        Window = window;
        IntensityWindow = intensity;
        _intensityTicks = intensity.Ticks;
        _intensitySeconds = intensity.TotalSeconds;
        _volume = new WindowSum(window, nonNegative: true);
        _signedVolume = new WindowSum(window, nonNegative: false);
        _tradeValue = new WindowSum(window, nonNegative: true);
        _tradeSize = new WindowSum(window, nonNegative: true);
        _squaredReturns = new WindowSum(window, nonNegative: true);
        _amihudRatios = new WindowSum(window, nonNegative: true);
        _amihudTrades = new WindowSum(window, nonNegative: true);
        _kyle = new WindowCovariance(window);
        _roll = new WindowCovariance(window - 1);
        _serial = new WindowCovariance(window - 1);
        Array.Fill(_outputs, double.NaN);
    }

    /// <summary>Short names of the outputs, in <see cref="Output"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(OutputNameArray);

    public IReadOnlyList<string> OutputNames => Names;

    /// <summary>The number of ticks in the rolling statistics (N).</summary>
    public int Window { get; }

    /// <summary>The time span of <see cref="TickIntensity"/>.</summary>
    public TimeSpan IntensityWindow { get; }

    /// <summary>Ticks fed since construction or the last reset.</summary>
    public long TickCount { get; private set; }

    /// <summary>Ticks needed before every output is defined: N + 1 (N returns).</summary>
    public int WarmUpPeriod => Window + 1;

    /// <summary>True once every output is defined (the return window is full).</summary>
    public bool IsReady => TickCount >= WarmUpPeriod;

    public double Spread => _outputs[SpreadIndex];
    public double RelativeSpread => _outputs[RelativeSpreadIndex];
    public double Mid => _outputs[MidIndex];
    public double MicroPrice => _outputs[MicroPriceIndex];
    public double OrderFlowImbalance => _outputs[OrderFlowImbalanceIndex];
    public double RealizedVolatility => _outputs[RealizedVolatilityIndex];
    public double TickIntensity => _outputs[TickIntensityIndex];
    public double VwapDeviation => _outputs[VwapDeviationIndex];
    public double RollSpread => _outputs[RollSpreadIndex];
    public double AmihudIlliquidity => _outputs[AmihudIndex];
    public double KyleLambda => _outputs[KyleLambdaIndex];
    public double ReturnAutocorrelation => _outputs[ReturnAutocorrelationIndex];

    /// <summary>The output at <paramref name="index"/> of <see cref="Names"/>; NaN until it is defined.</summary>
    public double Output(int index)
    {
        if ((uint)index >= (uint)_outputs.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the output index must be in [0, {_outputs.Length})");
        return _outputs[index];
    }

    public void Update(in Tick tick)
    {
        var bid = tick.Bid;
        var ask = tick.Ask;
        var time = tick.Time.UtcTicks;
        Validate(tick, time);

        var hasTrade = tick.HasTrade;
        var spread = ask - bid;
        var mid = 0.5 * bid + 0.5 * ask;
        var price = hasTrade ? tick.LastPrice : mid;
        var volume = hasTrade ? tick.LastSize : 1.0;
        var count = ++TickCount;

        if (count == 1)
        {
            _origin = time;
            _sign = 0;
        }
        else
        {
            if (price > _previousPrice) _sign = 1;
            else if (price < _previousPrice) _sign = -1;
        }
        var signedVolume = _sign * volume;
        _lastTime = time;

        _volume.Push(volume);
        _signedVolume.Push(signedVolume);
        var tradeSize = hasTrade ? tick.LastSize : 0.0;
        _tradeSize.Push(tradeSize);
        _tradeValue.Push(tradeSize > 0 ? tick.LastPrice * tradeSize : 0.0);

        if (count >= 2)
        {
            var change = price - _previousPrice;
            var logReturn = Math.Log(price / _previousPrice);
            _squaredReturns.Push(logReturn * logReturn);
            var qualifies = tradeSize > 0;
            _amihudRatios.Push(qualifies ? Math.Abs(logReturn) / (price * tradeSize) : 0.0);
            _amihudTrades.Push(qualifies ? 1.0 : 0.0);
            _kyle.Push(signedVolume, change);
            if (count >= 3)
            {
                _roll.Push(_previousChange, change);
                _serial.Push(_previousReturn, logReturn);
            }
            _previousChange = change;
            _previousReturn = logReturn;
        }
        _previousPrice = price;
        CountIntensity(time);

        var outputs = _outputs;
        outputs[SpreadIndex] = spread;
        outputs[RelativeSpreadIndex] = spread / mid;
        outputs[MidIndex] = mid;
        outputs[MicroPriceIndex] = MicroPriceOf(bid, spread, mid, tick.BidSize, tick.AskSize);
        outputs[TickIntensityIndex] = _inIntensityWindow / _intensitySeconds;
        if (count >= Window)
        {
            outputs[OrderFlowImbalanceIndex] = _volume.NonZeroCount == 0 ? 0 : Math.Clamp(_signedVolume.Sum / _volume.Sum, -1, 1);
            outputs[VwapDeviationIndex] = VwapDeviationOf(price);
        }
        if (count > Window)
        {
            outputs[RealizedVolatilityIndex] = Math.Sqrt(Math.Max(0, _squaredReturns.Sum));
            outputs[AmihudIndex] = _amihudTrades.NonZeroCount == 0 ? 0 : _amihudRatios.Sum / _amihudTrades.NonZeroCount;
            var xx = _kyle.CentredXX;
            outputs[KyleLambdaIndex] = xx == 0 ? 0 : _kyle.CentredXY / xx;
            var covariance = _roll.CentredXY / (_roll.Count - 1);
            outputs[RollSpreadIndex] = covariance < 0 ? 2 * Math.Sqrt(-covariance) : 0;
            var returnsXX = _serial.CentredXX;
            var returnsYY = _serial.CentredYY;
            outputs[ReturnAutocorrelationIndex] = returnsXX == 0 || returnsYY == 0
                ? 0
                : Math.Clamp(_serial.CentredXY / (Math.Sqrt(returnsXX) * Math.Sqrt(returnsYY)), -1, 1);
        }
    }

    public void Reset()
    {
        TickCount = 0;
        _volume.Reset();
        _signedVolume.Reset();
        _tradeValue.Reset();
        _tradeSize.Reset();
        _squaredReturns.Reset();
        _amihudRatios.Reset();
        _amihudTrades.Reset();
        _kyle.Reset();
        _roll.Reset();
        _serial.Reset();
        Array.Clear(_bucketCounts);
        _origin = _bucketWindow = 0;
        _bucketSlot = 0;
        _inIntensityWindow = 0;
        _lastTime = 0;
        _previousPrice = _previousChange = _previousReturn = 0;
        _sign = 0;
        Array.Fill(_outputs, double.NaN);
    }

    /// <summary>
    /// Batch form: streams <paramref name="ticks"/> through a fresh instance and writes, row by row, the
    /// <see cref="Names"/>.Count outputs after each tick (row-major: output[i·12 + j] is output j after tick i).
    /// </summary>
    public static void Compute(ReadOnlySpan<Tick> ticks, Span<double> output, int window, TimeSpan intensityWindow)
    {
        var features = new MicrostructureFeatures(window, intensityWindow);
        var width = OutputNameArray.Length;
        if (output.Length < (long)ticks.Length * width)
            throw new ArgumentException($"output has {output.Length} elements but {ticks.Length} ticks need {(long)ticks.Length * width}", nameof(output));
        for (var i = 0; i < ticks.Length; i++)
        {
            features.Update(ticks[i]);
            features._outputs.AsSpan().CopyTo(output.Slice(i * width, width));
        }
    }

    private void Validate(in Tick tick, long time)
    {
        RequirePositive(tick.Bid, "bid");
        RequirePositive(tick.Ask, "ask");
        if (tick.Ask < tick.Bid)
            throw new ArgumentException($"ask {tick.Ask} is below bid {tick.Bid}", "ask");
        RequireSize(tick.BidSize, "bidSize");
        RequireSize(tick.AskSize, "askSize");
        if (tick.HasTrade) RequirePositive(tick.LastPrice, "lastPrice");
        RequireSize(tick.LastSize, "lastSize");
        if (TickCount > 0 && time < _lastTime)
            throw new ArgumentException($"time {tick.Time:O} is before the previous tick's {new DateTimeOffset(_lastTime, TimeSpan.Zero):O}", "time");
    }

    private static void RequirePositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0");
    }

    private static void RequireSize(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0");
    }

    // bid + spread·w with w = bidSize/(bidSize + askSize), taken from the smaller-over-larger size ratio (no overflow).
    private static double MicroPriceOf(double bid, double spread, double mid, double bidSize, double askSize)
    {
        if (bidSize == 0 && askSize == 0) return mid;
        double weight;
        if (bidSize >= askSize) weight = 1 / (1 + askSize / bidSize);
        else
        {
            var ratio = bidSize / askSize;
            weight = ratio / (1 + ratio);
        }
        return bid + spread * weight;
    }

    private double VwapDeviationOf(double price)
    {
        if (_tradeSize.NonZeroCount == 0) return 0;
        var vwap = _tradeValue.Sum / _tradeSize.Sum;
        return (price - vwap) / vwap;
    }

    // Buckets are numbered (window, slot) from the first tick: window = elapsed / W, slot = ⌊(elapsed mod W)·100/W⌋,
    // which needs no multiplication that could overflow. The count covers the current bucket and the 99 before it.
    private void CountIntensity(long time)
    {
        var elapsed = time - _origin;
        var window = elapsed / _intensityTicks;
        var slot = (int)(elapsed % _intensityTicks * IntensityBuckets / _intensityTicks);
        if (TickCount == 1)
        {
            _bucketWindow = window;
            _bucketSlot = slot;
        }
        else if (window != _bucketWindow || slot != _bucketSlot)
        {
            var advance = window - _bucketWindow >= 2 ? IntensityBuckets : (window - _bucketWindow) * IntensityBuckets + slot - _bucketSlot;
            if (advance >= IntensityBuckets)
            {
                Array.Clear(_bucketCounts);
                _inIntensityWindow = 0;
            }
            else
            {
                // Empty the buckets that the window leaves: they are the slots after the old one, up to the new one.
                for (var step = 1; step <= advance; step++)
                {
                    var expired = (_bucketSlot + step) % IntensityBuckets;
                    _inIntensityWindow -= _bucketCounts[expired];
                    _bucketCounts[expired] = 0;
                }
            }
            _bucketWindow = window;
            _bucketSlot = slot;
        }
        _bucketCounts[slot]++;
        _inIntensityWindow++;
    }
}
