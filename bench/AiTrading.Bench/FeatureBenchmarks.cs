using AiTrading.Core.Features;
using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;
using BenchmarkDotNet.Attributes;

namespace AiTrading.Bench;

/// <summary>Seeded synthetic market data shared by the feature benchmarks.</summary>
internal static class SyntheticSeries
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>EURUSD quotes every 125 ms (a trade on every fourth), a random walk of the mid.</summary>
    public static Tick[] Ticks(int count)
    {
        var random = new Random(1);
        var mid = 1.085;
        return Enumerable.Range(0, count).Select(i =>
        {
            mid *= 1 + (random.NextDouble() - 0.5) * 1e-4;
            return new Tick("EURUSD", Start.AddMilliseconds(i * 125), mid - 0.00004, mid + 0.00004, random.Next(1, 20) * 1e5, random.Next(1, 20) * 1e5,
                i % 4 == 0 ? mid : double.NaN, i % 4 == 0 ? random.Next(1, 10) * 1e4 : 0);
        }).ToArray();
    }

    /// <summary>M1 bars of a random walk with volume.</summary>
    public static Bar[] Bars(int count)
    {
        var random = new Random(2);
        var close = 1.085;
        return Enumerable.Range(0, count).Select(i =>
        {
            var open = close;
            close = open * (1 + (random.NextDouble() - 0.5) * 0.002);
            var high = Math.Max(open, close) * (1 + random.NextDouble() * 0.0005);
            var low = Math.Min(open, close) * (1 - random.NextDouble() * 0.0005);
            return new Bar("EURUSD", Timeframe.M1, Start.AddMinutes(i), open, high, low, close, random.Next(100, 10_000), 60);
        }).ToArray();
    }
}

/// <summary>
/// The whole default feature vector (<see cref="DefaultFeatures.All"/>: every catalog bar indicator with all its
/// lines, plus the 12 microstructure features) on one instrument.
/// </summary>
[MemoryDiagnoser]
public class FeatureVectorBenchmarks
{
    private const int TickCount = 1 << 16;
    private const int BarCount = 1 << 12;
    private Tick[] _ticks = [];
    private Bar[] _bars = [];
    private BarAggregator _aggregator = null!;
    private FeaturePipeline _pipeline = null!;
    private FeaturePipeline _barPipeline = null!;
    private MicrostructureFeatures _microstructure = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ticks = SyntheticSeries.Ticks(TickCount);
        _bars = SyntheticSeries.Bars(BarCount);
        _aggregator = new BarAggregator("EURUSD", Timeframe.M1);
        _pipeline = new FeaturePipeline(DefaultFeatures.All, Timeframe.M1);
        _barPipeline = new FeaturePipeline(DefaultFeatures.Bars, Timeframe.M1);
        _microstructure = new MicrostructureFeatures();
    }

    /// <summary>
    /// Per tick, as InstrumentGrain does it: the M1 bar aggregator, the tick features, every bar indicator when the
    /// tick closes a bar (one in 480 here), and a read of the whole vector. The time is per tick.
    /// </summary>
    [Benchmark(OperationsPerInvoke = TickCount)]
    public double FullVectorPerTick()
    {
        _aggregator.Reset();
        _pipeline.Reset();
        var sum = 0.0;
        foreach (var tick in _ticks)
        {
            if (_aggregator.Update(tick, out var bar) && bar is not null) _pipeline.OnBar(bar);
            _pipeline.OnTick(tick);
            sum += _pipeline.Values[^1];
        }
        return sum;
    }

    /// <summary>Per bar: all 51 bar features updated and read. This is the whole vector's cost when every tick is a bar.</summary>
    [Benchmark(OperationsPerInvoke = BarCount)]
    public double AllBarIndicatorsPerBar()
    {
        _barPipeline.Reset();
        var sum = 0.0;
        foreach (var bar in _bars)
        {
            _barPipeline.OnBar(bar);
            sum += _barPipeline.Values[0];
        }
        return sum;
    }

    /// <summary>Per tick: the 12 microstructure features alone.</summary>
    [Benchmark(OperationsPerInvoke = TickCount)]
    public double MicrostructurePerTick()
    {
        _microstructure.Reset();
        foreach (var tick in _ticks) _microstructure.Update(tick);
        return _microstructure.KyleLambda;
    }
}

/// <summary>
/// One catalog indicator with its default parameters over 4,096 M1 bars: streaming (one update, timed per update)
/// and the batch form (spans in, span out; timed per value). Updates/s and values/s are 10⁹ / the mean in ns.
/// </summary>
[MemoryDiagnoser]
public class IndicatorBenchmarks
{
    private const int BarCount = 1 << 12;
    private Bar[] _bars = [];
    private double[] _high = [], _low = [], _close = [], _volume = [], _output = [];
    private DateTimeOffset[] _time = [];
    private Indicator _indicator = null!;

    public static IEnumerable<string> Indicators => FeatureCatalog.Indicators.Where(i => i.Input != FeatureInput.Tick).Select(i => i.Name);

    [ParamsSource(nameof(Indicators))]
    public string Indicator { get; set; } = "SMA";

    [GlobalSetup]
    public void Setup()
    {
        _bars = SyntheticSeries.Bars(BarCount);
        _high = _bars.Select(b => b.High).ToArray();
        _low = _bars.Select(b => b.Low).ToArray();
        _close = _bars.Select(b => b.Close).ToArray();
        _volume = _bars.Select(b => b.Volume).ToArray();
        _time = _bars.Select(b => b.OpenTime).ToArray();
        _output = new double[BarCount];
        FeatureCatalog.TryFind(Indicator, out var info, out _);
        _indicator = info switch
        {
            IndicatorInfo<SeriesIndicator> series => series.CreateDefault(),
            IndicatorInfo<BarIndicator> bar => bar.CreateDefault(),
            IndicatorInfo<VolumeBarIndicator> volume => volume.CreateDefault(),
            IndicatorInfo<SessionVwap> vwap => vwap.CreateDefault(),
            _ => throw new InvalidOperationException($"{Indicator} is not a bar indicator"),
        };
    }

    [Benchmark(OperationsPerInvoke = BarCount)]
    public double Streaming()
    {
        _indicator.Reset();
        switch (_indicator)
        {
            case SeriesIndicator series:
                for (var i = 0; i < _close.Length; i++) series.Update(_close[i]);
                break;
            case BarIndicator bar:
                for (var i = 0; i < _close.Length; i++) bar.Update(_high[i], _low[i], _close[i]);
                break;
            case VolumeBarIndicator volume:
                for (var i = 0; i < _close.Length; i++) volume.Update(_high[i], _low[i], _close[i], _volume[i]);
                break;
            case SessionVwap vwap:
                for (var i = 0; i < _close.Length; i++) vwap.Update(_time[i], _high[i], _low[i], _close[i], _volume[i]);
                break;
        }
        return _indicator.Value;
    }

    [Benchmark(OperationsPerInvoke = BarCount)]
    public double Batch()
    {
        switch (_indicator)
        {
            case SeriesIndicator series: series.Compute(_close, _output); break;
            case BarIndicator bar: bar.Compute(_high, _low, _close, _output); break;
            case VolumeBarIndicator volume: volume.Compute(_high, _low, _close, _volume, _output); break;
            case SessionVwap vwap: SessionVwap.Compute(_time, _high, _low, _close, _volume, _output, vwap.SessionStart); break;
        }
        return _output[^1];
    }
}
