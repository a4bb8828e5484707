using System.Globalization;
using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.Indicators;

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
/// with their defaults, and its output lines (<c>value</c> for a single-line indicator).
/// </summary>
public sealed class IndicatorInfo
{
    private readonly Func<double[], object> _create;
    private readonly string[] _columnPrefixes;
    private readonly Func<object, int, string>? _columnName;

    internal IndicatorInfo(string name, FeatureInput input, IndicatorParameter[] parameters, Func<double[], object> create,
        string[]? columnPrefixes = null, Func<object, int, string>? columnName = null)
    {
        Name = name;
        Input = input;
        Parameters = parameters;
        _create = create;
        _columnName = columnName;
        Outputs = CreateDefault() is IIndicatorOutputs lines ? lines.OutputNames : ["value"];
        _columnPrefixes = columnPrefixes ?? [];
        if (_columnName is null && Outputs.Count > 1 && _columnPrefixes.Length != Outputs.Count)
            throw new InvalidOperationException($"{name}: {Outputs.Count} outputs need as many column prefixes");
    }

    public string Name { get; }
    public FeatureInput Input { get; }
    public IReadOnlyList<IndicatorParameter> Parameters { get; }
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>
    /// A new instance with the default parameters: an <see cref="ISeriesIndicator"/>, <see cref="IBarIndicator"/>,
    /// <see cref="IVolumeBarIndicator"/> or <see cref="SessionVwap"/>, or for tick input <see cref="MicrostructureFeatures"/>,
    /// as <see cref="Input"/> says.
    /// </summary>
    public object CreateDefault() => _create(Parameters.Select(p => p.Default).ToArray());

    /// <summary>A new instance with the arguments in <see cref="Parameters"/> order, already checked against their ranges.</summary>
    internal object Create(double[] arguments) => _create(arguments);

    /// <summary>
    /// The TA-Lib-style column of one output of an instance: the instance's own name for a single line; for several,
    /// the line's prefix followed by the parameter part of the instance's name (<c>MACD_12_26_9</c> → <c>MACDSIGNAL_12_26_9</c>).
    /// </summary>
    internal string ColumnName(object instance, int output)
    {
        if (_columnName is not null) return _columnName(instance, output);
        var name = ((IIndicator)instance).Name;
        if (Outputs.Count == 1) return name;
        var underscore = name.IndexOf('_');
        return _columnPrefixes[output] + (underscore < 0 ? "" : name[underscore..]);
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
            new("SMA", FeatureInput.Series, [P("period", 20)], a => new Sma(I(a[0]))),
            new("EMA", FeatureInput.Series, [P("period", 20)], a => new Ema(I(a[0]))),
            new("WMA", FeatureInput.Series, [P("period", 20)], a => new Wma(I(a[0]))),
            new("DEMA", FeatureInput.Series, [P("period", 20)], a => new Dema(I(a[0]))),
            new("TEMA", FeatureInput.Series, [P("period", 20)], a => new Tema(I(a[0]))),
            new("TRIMA", FeatureInput.Series, [P("period", 20)], a => new Trima(I(a[0]))),
            new("KAMA", FeatureInput.Series, [P("period", 30)], a => new Kama(I(a[0]))),
            new("T3", FeatureInput.Series, [P("period", 5), new("volumeFactor", 0.7, 0, 1, false)], a => new T3(I(a[0]), a[1])),
            new("MACD", FeatureInput.Series, [P("fastPeriod", 12), P("slowPeriod", 26), P("signalPeriod", 9)],
                a => new Macd(I(a[0]), I(a[1]), I(a[2])), ["MACD", "MACDSIGNAL", "MACDHIST"]),
            new("RSI", FeatureInput.Series, [P("period", 14)], a => new Rsi(I(a[0]))),
            new("STOCHRSI", FeatureInput.Series, [P("rsiPeriod", 14), P("fastKPeriod", 14), P("fastDPeriod", 3)],
                a => new StochasticRsi(I(a[0]), I(a[1]), I(a[2])), ["STOCHRSIK", "STOCHRSID"]),
            new("CMO", FeatureInput.Series, [P("period", 14)], a => new Cmo(I(a[0]))),
            new("ROC", FeatureInput.Series, [P("period", 10)], a => new Roc(I(a[0]))),
            new("MOM", FeatureInput.Series, [P("period", 10)], a => new Momentum(I(a[0]))),
            new("TRIX", FeatureInput.Series, [P("period", 15)], a => new Trix(I(a[0]))),
            new("BBANDS", FeatureInput.Series, [P("period", 20), new("deviations", 2, 0, 100, false)],
                a => new BollingerBands(I(a[0]), a[1]), ["BBUPPER", "BBMIDDLE", "BBLOWER", "BBPERCENTB", "BBWIDTH"]),
            new("STDDEV", FeatureInput.Series, [P("period", 20)], a => new StdDev(I(a[0]))),
            new("LINEARREG_SLOPE", FeatureInput.Series, [P("period", 14)], a => new LinearRegressionSlope(I(a[0]))),
            new("STOCH", FeatureInput.Bar, [P("fastKPeriod", 14), P("slowKPeriod", 3), P("slowDPeriod", 3)],
                a => new Stochastic(I(a[0]), I(a[1]), I(a[2])), ["STOCHK", "STOCHD"]),
            new("WILLR", FeatureInput.Bar, [P("period", 14)], a => new WilliamsR(I(a[0]))),
            new("CCI", FeatureInput.Bar, [P("period", 20)], a => new Cci(I(a[0]))),
            new("ULTOSC", FeatureInput.Bar, [P("period1", 7), P("period2", 14), P("period3", 28)],
                a => new UltimateOscillator(I(a[0]), I(a[1]), I(a[2]))),
            new("ADX", FeatureInput.Bar, [P("period", 14)], a => new Adx(I(a[0])), ["ADX", "PLUS_DI", "MINUS_DI"]),
            new("AROON", FeatureInput.Bar, [P("period", 14)], a => new Aroon(I(a[0])), ["AROONOSC", "AROONUP", "AROONDOWN"]),
            new("SAR", FeatureInput.Bar, [new("acceleration", 0.02, 0, 1, false), new("maximum", 0.2, 0, 1, false)],
                a => new ParabolicSar(a[0], a[1])),
            new("TRANGE", FeatureInput.Bar, [], _ => new TrueRange()),
            new("ATR", FeatureInput.Bar, [P("period", 14)], a => new Atr(I(a[0]))),
            new("NATR", FeatureInput.Bar, [P("period", 14)], a => new Natr(I(a[0]))),
            new("KELTNER", FeatureInput.Bar, [P("period", 20), new("multiplier", 2, 0, 100, false), P("atrPeriod", 10)],
                a => new KeltnerChannels(I(a[0]), a[1], I(a[2])), ["KCUPPER", "KCMIDDLE", "KCLOWER"]),
            new("DONCHIAN", FeatureInput.Bar, [P("period", 20)], a => new DonchianChannels(I(a[0])), ["DCUPPER", "DCMIDDLE", "DCLOWER"]),
            new("OBV", FeatureInput.VolumeBar, [], _ => new OnBalanceVolume()),
            new("MFI", FeatureInput.VolumeBar, [P("period", 14)], a => new MoneyFlowIndex(I(a[0]))),
            new("AD", FeatureInput.VolumeBar, [], _ => new AccumulationDistribution()),
            new("ADOSC", FeatureInput.VolumeBar, [P("fastPeriod", 3), P("slowPeriod", 10)], a => new ChaikinOscillator(I(a[0]), I(a[1]))),
            new("VWAP", FeatureInput.SessionBar, [new("sessionStartHour", 0, 0, 24, false)],
                a => new SessionVwap(TimeSpan.FromTicks((long)Math.Round(a[0] * TimeSpan.TicksPerHour)))),
            new("MICROSTRUCTURE", FeatureInput.Tick,
                [new("window", 100, 3, IndicatorParameter.MaxPeriod, true), new("intensitySeconds", 10, 0, 3600, false)],
                a => new MicrostructureFeatures(I(a[0]), TimeSpan.FromTicks((long)Math.Round(a[1] * TimeSpan.TicksPerSecond))),
                columnName: MicrostructureColumn),
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

    // SPREAD, RELSPREAD, MID and MICROPRICE need no window; the rolling ones carry it (OFI_100), the intensity its span in seconds (TICKRATE_10S).
    private static readonly string[] MicrostructurePrefixes =
        ["SPREAD", "RELSPREAD", "MID", "MICROPRICE", "OFI", "RVOL", "TICKRATE", "VWAPDEV", "ROLLSPREAD", "AMIHUD", "KYLELAMBDA", "AUTOCORR"];

    private static string MicrostructureColumn(object instance, int output)
    {
        var features = (MicrostructureFeatures)instance;
        var prefix = MicrostructurePrefixes[output];
        return output switch
        {
            < 4 => prefix,
            6 => $"{prefix}_{IndicatorParameter.Format(features.IntensityWindow.TotalSeconds)}S",
            _ => $"{prefix}_{features.Window}",
        };
    }
}
