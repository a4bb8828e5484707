using System.Globalization;
using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features;

/// <summary>What an indicator reads on each update.</summary>
public enum FeatureInput
{
    /// <summary>One price of each bar (the close unless the definition names another input).</summary>
    Series,
    /// <summary>High, low and close of each bar.</summary>
    Bar,
    /// <summary>High, low, close and traded volume of each bar.</summary>
    VolumeBar,
    /// <summary>Time, high, low, close and volume of each bar (session-anchored indicators).</summary>
    SessionBar,
    /// <summary>Every tick (bid, ask, sizes, last trade).</summary>
    Tick,
}

/// <summary>
/// A parameter of a catalog indicator. Values outside [<see cref="Minimum"/>, <see cref="Maximum"/>], non-finite
/// values and, for a <see cref="WholeNumber"/> parameter, fractions are refused; the indicator's constructor may
/// refuse more (a MACD slow period shorter than its fast one).
/// </summary>
public sealed record IndicatorParameter(string Name, double Default, double Minimum, double Maximum, bool WholeNumber)
{
    /// <summary>The largest period any catalog indicator accepts: each holds O(period) doubles, and a silo must not allocate gigabytes for one bad definition.</summary>
    public const int MaxPeriod = 100_000;

    internal static IndicatorParameter Period(string name, int @default) => new(name, @default, 1, MaxPeriod, true);

    internal string? Problem(double value)
    {
        if (!double.IsFinite(value)) return $"must be a finite number (got {Format(value)})";
        if ((WholeNumber && value != Math.Floor(value)) || value < Minimum || value > Maximum)
            return $"must be {(WholeNumber ? "a whole number " : "")}between {Format(Minimum)} and {Format(Maximum)} (got {Format(value)})";
        return null;
    }

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// One indicator of the <see cref="FeatureCatalog"/>: its TA-Lib-style function name, what it reads, its parameters
/// with their defaults, and its output lines (<c>value</c> for a single-line indicator). The entry of each input shape
/// is an <see cref="IndicatorInfo{T}"/> of that shape's type, so it creates typed instances and the pipeline node that
/// feeds them.
/// </summary>
public abstract class IndicatorInfo
{
    private protected IndicatorInfo(string name, FeatureInput input, IndicatorParameter[] parameters)
    {
        Name = name;
        Input = input;
        Parameters = parameters;
    }

    public string Name { get; }
    public FeatureInput Input { get; }
    public IReadOnlyList<IndicatorParameter> Parameters { get; }
    public abstract IReadOnlyList<string> Outputs { get; }

    private protected double[] DefaultArguments() => Parameters.Select(p => p.Default).ToArray();

    /// <summary>
    /// A new instance with the arguments in <see cref="Parameters"/> order (already checked against their ranges) behind
    /// the pipeline node of its input shape, and the TA-Lib-style column of each output line.
    /// </summary>
    internal abstract (FeatureNode Node, string[] Columns) CreateNode(double[] arguments, SeriesInput input, Timeframe? timeframe);
}

/// <summary>A catalog indicator whose instances are <typeparamref name="T"/>s.</summary>
public sealed class IndicatorInfo<T> : IndicatorInfo where T : class
{
    private readonly Func<double[], T> _create;
    private readonly Func<T, SeriesInput, Timeframe?, FeatureNode> _node;
    private readonly Func<T, int, string> _column;

    internal IndicatorInfo(string name, FeatureInput input, IndicatorParameter[] parameters, Func<double[], T> create,
        Func<T, SeriesInput, Timeframe?, FeatureNode> node, Func<T, IReadOnlyList<string>> outputs, Func<T, int, string> column)
        : base(name, input, parameters)
    {
        _create = create;
        _node = node;
        _column = column;
        var sample = CreateDefault();
        Outputs = outputs(sample);
        for (var line = 0; line < Outputs.Count; line++) column(sample, line); // a missing column prefix fails here, at start-up
    }

    public override IReadOnlyList<string> Outputs { get; }

    /// <summary>A new instance with the default parameters.</summary>
    public T CreateDefault() => _create(DefaultArguments());

    internal override (FeatureNode Node, string[] Columns) CreateNode(double[] arguments, SeriesInput input, Timeframe? timeframe)
    {
        var instance = _create(arguments);
        var columns = new string[Outputs.Count];
        for (var line = 0; line < columns.Length; line++) columns[line] = _column(instance, line);
        return (_node(instance, input, timeframe), columns);
    }
}

/// <summary>
/// Every indicator a <see cref="FeatureDefinition"/> can name, with TA-Lib's function names and definitions. The
/// defaults are the parameters of the reference columns in <c>shared/data/reference</c> (SMA/EMA/WMA/DEMA/TEMA/TRIMA
/// 20, KAMA 30, T3 5 with volume factor 0.7, RSI/CMO/WILLR/ATR/NATR/ADX/AROON/MFI 14, MACD 12/26/9, BBANDS 20/2,
/// STOCH 14/3/3, STOCHRSI 14/14/3, CCI/STDDEV 20, ROC/MOM 10, TRIX 15, ULTOSC 7/14/28, SAR 0.02/0.2,
/// LINEARREG_SLOPE 14, ADOSC 3/10), which are the common chart settings rather than TA-Lib's own defaults (30 for
/// most averages). Beyond TA-Lib: KELTNER (EMA 20 ± 2·ATR 10), DONCHIAN 20, session VWAP and the tick-level
/// MICROSTRUCTURE set. PLUS_DI, MINUS_DI and AROONOSC, separate functions in TA-Lib, name one line of ADX and AROON.
/// </summary>
public static class FeatureCatalog
{
    private static readonly Dictionary<string, IndicatorInfo> ByName;
    private static readonly Dictionary<string, (string Indicator, string Output)> Aliases;

    static FeatureCatalog()
    {
        static IndicatorParameter P(string name, int value) => IndicatorParameter.Period(name, value);
        static int I(double value) => (int)value;
        IndicatorInfo[] all =
        [
            Series("SMA", [P("period", 20)], a => new Sma(I(a[0]))),
            Series("EMA", [P("period", 20)], a => new Ema(I(a[0]))),
            Series("WMA", [P("period", 20)], a => new Wma(I(a[0]))),
            Series("DEMA", [P("period", 20)], a => new Dema(I(a[0]))),
            Series("TEMA", [P("period", 20)], a => new Tema(I(a[0]))),
            Series("TRIMA", [P("period", 20)], a => new Trima(I(a[0]))),
            Series("KAMA", [P("period", 30)], a => new Kama(I(a[0]))),
            Series("T3", [P("period", 5), new("volumeFactor", 0.7, 0, 1, false)], a => new T3(I(a[0]), a[1])),
            Series("MACD", [P("fastPeriod", 12), P("slowPeriod", 26), P("signalPeriod", 9)],
                a => new Macd(I(a[0]), I(a[1]), I(a[2])), ["MACD", "MACDSIGNAL", "MACDHIST"]),
            Series("RSI", [P("period", 14)], a => new Rsi(I(a[0]))),
            Series("STOCHRSI", [P("rsiPeriod", 14), P("fastKPeriod", 14), P("fastDPeriod", 3)],
                a => new StochasticRsi(I(a[0]), I(a[1]), I(a[2])), ["STOCHRSIK", "STOCHRSID"]),
            Series("CMO", [P("period", 14)], a => new Cmo(I(a[0]))),
            Series("ROC", [P("period", 10)], a => new Roc(I(a[0]))),
            Series("MOM", [P("period", 10)], a => new Momentum(I(a[0]))),
            Series("TRIX", [P("period", 15)], a => new Trix(I(a[0]))),
            Series("BBANDS", [P("period", 20), new("deviations", 2, 0, 100, false)],
                a => new BollingerBands(I(a[0]), a[1]), ["BBUPPER", "BBMIDDLE", "BBLOWER", "BBPERCENTB", "BBWIDTH"]),
            Series("STDDEV", [P("period", 20)], a => new StdDev(I(a[0]))),
            Series("LINEARREG_SLOPE", [P("period", 14)], a => new LinearRegressionSlope(I(a[0]))),
            Bar("STOCH", [P("fastKPeriod", 14), P("slowKPeriod", 3), P("slowDPeriod", 3)],
                a => new Stochastic(I(a[0]), I(a[1]), I(a[2])), ["STOCHK", "STOCHD"]),
            Bar("WILLR", [P("period", 14)], a => new WilliamsR(I(a[0]))),
            Bar("CCI", [P("period", 20)], a => new Cci(I(a[0]))),
            Bar("ULTOSC", [P("period1", 7), P("period2", 14), P("period3", 28)],
                a => new UltimateOscillator(I(a[0]), I(a[1]), I(a[2]))),
            Bar("ADX", [P("period", 14)], a => new Adx(I(a[0])), ["ADX", "PLUS_DI", "MINUS_DI"]),
            Bar("AROON", [P("period", 14)], a => new Aroon(I(a[0])), ["AROONOSC", "AROONUP", "AROONDOWN"]),
            Bar("SAR", [new("acceleration", 0.02, 0, 1, false), new("maximum", 0.2, 0, 1, false)],
                a => new ParabolicSar(a[0], a[1])),
            Bar("TRANGE", [], _ => new TrueRange()),
            Bar("ATR", [P("period", 14)], a => new Atr(I(a[0]))),
            Bar("NATR", [P("period", 14)], a => new Natr(I(a[0]))),
            Bar("KELTNER", [P("period", 20), new("multiplier", 2, 0, 100, false), P("atrPeriod", 10)],
                a => new KeltnerChannels(I(a[0]), a[1], I(a[2])), ["KCUPPER", "KCMIDDLE", "KCLOWER"]),
            Bar("DONCHIAN", [P("period", 20)], a => new DonchianChannels(I(a[0])), ["DCUPPER", "DCMIDDLE", "DCLOWER"]),
            VolumeBar("OBV", [], _ => new OnBalanceVolume()),
            VolumeBar("MFI", [P("period", 14)], a => new MoneyFlowIndex(I(a[0]))),
            VolumeBar("AD", [], _ => new AccumulationDistribution()),
            VolumeBar("ADOSC", [P("fastPeriod", 3), P("slowPeriod", 10)], a => new ChaikinOscillator(I(a[0]), I(a[1]))),
            new IndicatorInfo<SessionVwap>("VWAP", FeatureInput.SessionBar, [new("sessionStartHour", 0, 0, 24, false)],
                a => new SessionVwap(TimeSpan.FromTicks((long)Math.Round(a[0] * TimeSpan.TicksPerHour))),
                (vwap, _, timeframe) => new SessionNode(vwap, timeframe!.Value), vwap => vwap.OutputNames, (vwap, _) => vwap.Name),
            new IndicatorInfo<MicrostructureFeatures>("MICROSTRUCTURE", FeatureInput.Tick,
                [new("window", 100, 3, IndicatorParameter.MaxPeriod, true), new("intensitySeconds", 10, 0, 3600, false)],
                a => new MicrostructureFeatures(I(a[0]), TimeSpan.FromTicks((long)Math.Round(a[1] * TimeSpan.TicksPerSecond))),
                (features, _, _) => new TickNode(features), _ => MicrostructureFeatures.Names, MicrostructureColumn),
        ];
        ByName = all.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
        Indicators = all;
        Aliases = new(StringComparer.OrdinalIgnoreCase)
        {
            ["PLUS_DI"] = ("ADX", "plusDi"),
            ["MINUS_DI"] = ("ADX", "minusDi"),
            ["AROONOSC"] = ("AROON", "oscillator"),
        };
    }

    /// <summary>Every indicator, in the order of the reference columns (series, then bar, volume, session and tick inputs).</summary>
    public static IReadOnlyList<IndicatorInfo> Indicators { get; }

    /// <summary>Names a definition may use: the indicators' and the aliases of single lines.</summary>
    public static IEnumerable<string> Names => Indicators.Select(i => i.Name).Concat(Aliases.Keys);

    /// <summary>The indicator of that name (any case); for an alias, the line it names as well.</summary>
    public static bool TryFind(string name, out IndicatorInfo indicator, out string? impliedOutput)
    {
        impliedOutput = null;
        if (ByName.TryGetValue(name, out indicator!)) return true;
        if (Aliases.TryGetValue(name, out var alias))
        {
            indicator = ByName[alias.Indicator];
            impliedOutput = alias.Output;
            return true;
        }
        return false;
    }

    private static IndicatorInfo<SeriesIndicator> Series(string name, IndicatorParameter[] parameters, Func<double[], SeriesIndicator> create, string[]? columnPrefixes = null) =>
        new(name, FeatureInput.Series, parameters, create, (indicator, input, timeframe) => new SeriesNode(indicator, input, timeframe!.Value),
            indicator => indicator.OutputNames, Columns(name, columnPrefixes));

    private static IndicatorInfo<BarIndicator> Bar(string name, IndicatorParameter[] parameters, Func<double[], BarIndicator> create, string[]? columnPrefixes = null) =>
        new(name, FeatureInput.Bar, parameters, create, (indicator, _, timeframe) => new BarNode(indicator, timeframe!.Value),
            indicator => indicator.OutputNames, Columns(name, columnPrefixes));

    private static IndicatorInfo<VolumeBarIndicator> VolumeBar(string name, IndicatorParameter[] parameters, Func<double[], VolumeBarIndicator> create) =>
        new(name, FeatureInput.VolumeBar, parameters, create, (indicator, _, timeframe) => new VolumeBarNode(indicator, timeframe!.Value),
            indicator => indicator.OutputNames, Columns(name, null));

    /// <summary>
    /// The TA-Lib-style column of one output of an instance: the instance's own name for a single line; for several,
    /// the line's prefix followed by the parameter part of the instance's name (<c>MACD_12_26_9</c> → <c>MACDSIGNAL_12_26_9</c>).
    /// </summary>
    private static Func<Indicator, int, string> Columns(string indicator, string[]? prefixes) => (instance, line) =>
    {
        if (instance.OutputNames.Count == 1) return instance.Name;
        if (prefixes is null || prefixes.Length != instance.OutputNames.Count)
            throw new InvalidOperationException($"{indicator}: {instance.OutputNames.Count} outputs need as many column prefixes");
        var underscore = instance.Name.IndexOf('_');
        return prefixes[line] + (underscore < 0 ? "" : instance.Name[underscore..]);
    };

    // SPREAD, RELSPREAD, MID and MICROPRICE need no window; the rolling ones carry it (OFI_100), the intensity its span in seconds (TICKRATE_10S).
    private static readonly string[] MicrostructurePrefixes =
        ["SPREAD", "RELSPREAD", "MID", "MICROPRICE", "OFI", "RVOL", "TICKRATE", "VWAPDEV", "ROLLSPREAD", "AMIHUD", "KYLELAMBDA", "AUTOCORR"];

    private static string MicrostructureColumn(MicrostructureFeatures features, int output)
    {
        var prefix = MicrostructurePrefixes[output];
        return output switch
        {
            < 4 => prefix,
            6 => $"{prefix}_{IndicatorParameter.Format(features.IntensityWindow.TotalSeconds)}S",
            _ => $"{prefix}_{features.Window}",
        };
    }
}
