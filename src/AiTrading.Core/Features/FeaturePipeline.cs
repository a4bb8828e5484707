using System.Globalization;
using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features;

/// <summary>
/// A named feature vector built from a declarative list of <see cref="FeatureDefinition"/>s, for bars of one
/// <see cref="Timeframe"/> (the timeframe of definitions that name none). Feed it every closed bar the features need
/// (<see cref="OnBar"/>: bars of timeframes no feature uses are ignored) and every tick when it has tick features
/// (<see cref="OnTick"/>); <see cref="Values"/> are then the features known now, in <see cref="Names"/> order.
/// Definitions that ask for the same indicator with the same parameters, input and timeframe share one instance,
/// whichever lines they read. Updates allocate nothing.
/// <para>
/// NaN/gap policy. A feature is NaN exactly while it warms up; once it has a value it stays finite. Indicators
/// count bars, not clock periods: a missing bar (no ticks in a period, a weekend, a holiday) is not invented, the
/// next bar simply follows. Zero volume, zero ranges and identical prices have values defined by each indicator (RSI,
/// Stochastic %K, Williams %R and MFI 0 as in TA-Lib, %B 0.5; each class says which) and never give ±Infinity or an exception. A bar with a
/// non-finite price or volume, a negative volume, a high below its low, or one that does not open after the previous
/// bar of its timeframe is refused with an <see cref="ArgumentException"/> before any feature changes. A feature of
/// another timeframe reads its last closed bar: no value from a bar still forming enters the vector.
/// </para>
/// </summary>
public sealed class FeaturePipeline
{
    private readonly FeatureNode[] _nodes;
    private readonly FeatureNode[][] _nodesByTimeframe; // bar nodes, in the order of _barTimeframes
    private readonly FeatureNode[] _tickNodes;
    private readonly Timeframe[] _barTimeframes;
    private readonly long[] _lastOpenTicks;
    private readonly FeatureNode[] _columnNode;
    private readonly int[] _columnOutput;
    private readonly double[] _values;
    private readonly string[] _names;
    private readonly int[] _barColumns;
    private readonly int[] _tickColumns;
    private bool _barsChanged, _ticksChanged;

    /// <exception cref="ValidationException">Any definition is invalid; every problem is listed, each naming its field.</exception>
    public FeaturePipeline(IEnumerable<FeatureDefinition> definitions, Timeframe timeframe)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        Timeframe = timeframe;
        var (columns, errors) = Resolve(definitions.ToArray(), timeframe);
        if (errors.Count > 0) throw new ValidationException(errors);

        var nodes = new Dictionary<string, FeatureNode>(StringComparer.Ordinal);
        _names = new string[columns.Count];
        _columnNode = new FeatureNode[columns.Count];
        _columnOutput = new int[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            // Definitions of the same indicator, parameters, input and timeframe share the first one's node.
            if (!nodes.TryGetValue(column.NodeKey, out var node)) nodes.Add(column.NodeKey, node = column.Node);
            _names[i] = column.Name;
            _columnNode[i] = node;
            _columnOutput[i] = column.Output;
        }
        _nodes = nodes.Values.ToArray();
        _tickNodes = _nodes.Where(n => n.Timeframe is null).ToArray();
        _barTimeframes = _nodes.Where(n => n.Timeframe is not null).Select(n => n.Timeframe!.Value).Distinct().ToArray();
        _nodesByTimeframe = _barTimeframes.Select(t => _nodes.Where(n => n.Timeframe == t).ToArray()).ToArray();
        _lastOpenTicks = new long[_barTimeframes.Length];
        _values = new double[columns.Count];
        _barColumns = Enumerable.Range(0, columns.Count).Where(i => _columnNode[i].Timeframe is not null).ToArray();
        _tickColumns = Enumerable.Range(0, columns.Count).Where(i => _columnNode[i].Timeframe is null).ToArray();
        Reset();
    }

    /// <summary>The timeframe of the bars whose close the vector describes, and of every definition that names none.</summary>
    public Timeframe Timeframe { get; }

    /// <summary>Feature names in <see cref="Values"/> order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The bar timeframes the features run on (the pipeline's own and any others definitions name).</summary>
    public IReadOnlyList<Timeframe> BarTimeframes => _barTimeframes;

    /// <summary>True when some feature runs on ticks, so <see cref="OnTick"/> must see every tick.</summary>
    public bool UsesTicks => _tickNodes.Length > 0;

    /// <summary>The features known now, in <see cref="Names"/> order; NaN while warming up. Valid until the next update.</summary>
    public ReadOnlySpan<double> Values
    {
        get
        {
            // Only the lines of features updated since the last read are read again.
            if (_barsChanged) Refresh(_barColumns);
            if (_ticksChanged) Refresh(_tickColumns);
            _barsChanged = _ticksChanged = false;
            return _values;
        }
    }

    private void Refresh(int[] columns)
    {
        foreach (var i in columns) _values[i] = _columnNode[i].Read(_columnOutput[i]);
    }

    /// <summary>True once every feature has a value.</summary>
    public bool IsReady
    {
        get
        {
            foreach (var value in Values)
                if (double.IsNaN(value)) return false;
            return true;
        }
    }

    /// <summary>Feeds a closed bar to the features of its timeframe; a bar of a timeframe no feature uses is ignored.</summary>
    /// <exception cref="ArgumentException">The bar is unusable (see the class remarks); nothing has changed.</exception>
    public void OnBar(Bar bar)
    {
        ArgumentNullException.ThrowIfNull(bar);
        var slot = Array.IndexOf(_barTimeframes, bar.Timeframe);
        if (slot < 0) return;
        CheckBar(bar, _lastOpenTicks[slot]);
        _lastOpenTicks[slot] = bar.OpenTime.UtcTicks;
        foreach (var node in _nodesByTimeframe[slot]) node.Update(bar);
        _barsChanged = true;
    }

    /// <summary>Feeds a tick to the tick-level features (none: nothing to do).</summary>
    /// <exception cref="ArgumentException">The tick is unusable (see <see cref="MicrostructureFeatures"/>); nothing has changed.</exception>
    public void OnTick(in Tick tick)
    {
        // Every tick node has seen the same ticks, so the first refuses a bad tick before any of them changes.
        foreach (var node in _tickNodes) node.Update(tick);
        _ticksChanged = _tickNodes.Length > 0;
    }

    /// <summary>The current values as a <see cref="FeatureVector"/> of <paramref name="symbol"/> at <paramref name="time"/>.</summary>
    public FeatureVector ToVector(string symbol, DateTimeOffset time)
    {
        var values = Values;
        var named = new Dictionary<string, double>(_names.Length, StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++) named[_names[i]] = values[i];
        return new FeatureVector(symbol, Timeframe, time, named);
    }

    public void Reset()
    {
        foreach (var node in _nodes) node.Reset();
        Array.Fill(_lastOpenTicks, long.MinValue);
        _barsChanged = _ticksChanged = true;
    }

    /// <summary>Every problem of <paramref name="definitions"/> for a pipeline on <paramref name="timeframe"/>; empty when they are valid.</summary>
    public static IReadOnlyList<FieldError> Validate(IReadOnlyList<FeatureDefinition> definitions, Timeframe timeframe)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return Resolve(definitions, timeframe).Errors;
    }

    private static void CheckBar(Bar bar, long lastOpenTicks)
    {
        string? field = null, problem = null;
        if (!double.IsFinite(bar.Open)) (field, problem) = ("open", "is not a finite number");
        else if (!double.IsFinite(bar.High)) (field, problem) = ("high", "is not a finite number");
        else if (!double.IsFinite(bar.Low)) (field, problem) = ("low", "is not a finite number");
        else if (!double.IsFinite(bar.Close)) (field, problem) = ("close", "is not a finite number");
        else if (!double.IsFinite(bar.Volume) || bar.Volume < 0) (field, problem) = ("volume", "must be a finite number ≥ 0");
        else if (bar.High < bar.Low) (field, problem) = ("high", $"is below the low {bar.Low.ToString(CultureInfo.InvariantCulture)}");
        else if (bar.OpenTime.UtcTicks <= lastOpenTicks)
            (field, problem) = ("openTime", $"is not after the previous {bar.Timeframe} bar's {new DateTimeOffset(lastOpenTicks, TimeSpan.Zero):O}");
        if (field is not null)
            throw new ArgumentException($"{bar.Symbol} {bar.Timeframe} bar opened at {bar.OpenTime:O}: {field} {problem}", field);
    }

    private sealed record Column(string Name, FeatureNode Node, int Output, string NodeKey);

    private static (List<Column> Columns, List<FieldError> Errors) Resolve(IReadOnlyList<FeatureDefinition> definitions, Timeframe timeframe)
    {
        var columns = new List<Column>();
        var errors = new List<FieldError>();
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < definitions.Count; index++)
        {
            var field = $"features[{index}]";
            var definition = definitions[index];
            if (definition is null)
            {
                errors.Add(new(field, "is missing"));
                continue;
            }
            var resolved = ResolveOne(definition, field, timeframe, errors);
            foreach (var column in resolved)
            {
                if (owners.TryGetValue(column.Name, out var owner))
                {
                    errors.Add(new($"{field}.name", $"feature name '{column.Name}' is already taken by features[{owner}]; give one of them a name"));
                    continue;
                }
                owners.Add(column.Name, index);
                columns.Add(column);
            }
        }
        return (columns, errors);
    }

    private static List<Column> ResolveOne(FeatureDefinition definition, string field, Timeframe pipelineTimeframe, List<FieldError> errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(definition.Indicator))
        {
            errors.Add(new($"{field}.indicator", "is required (an indicator name such as RSI or MACD)"));
            return [];
        }
        if (!FeatureCatalog.TryFind(definition.Indicator.Trim(), out var indicator, out var impliedOutput))
        {
            errors.Add(new($"{field}.indicator", $"unknown indicator '{definition.Indicator}' (known: {string.Join(", ", FeatureCatalog.Names)})"));
            return [];
        }
        var what = definition.Indicator.Trim().ToUpperInvariant();

        var arguments = indicator.Parameters.Select(p => p.Default).ToArray();
        foreach (var (name, value) in definition.Parameters ?? new Dictionary<string, double>())
        {
            var position = indicator.Parameters.ToList().FindIndex(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (position < 0)
            {
                var takes = indicator.Parameters.Count == 0 ? "it takes none" : "it takes " + string.Join(", ", indicator.Parameters.Select(p => p.Name));
                errors.Add(new($"{field}.parameters.{name}", $"{what} has no parameter '{name}' ({takes})"));
                continue;
            }
            var parameter = indicator.Parameters[position];
            if (parameter.Problem(value) is { } problem) errors.Add(new($"{field}.parameters.{parameter.Name}", $"{what}: {parameter.Name} {problem}"));
            else arguments[position] = value;
        }

        int[] outputs;
        var output = definition.Output ?? impliedOutput;
        if (definition.Output is not null && impliedOutput is not null && !string.Equals(definition.Output, impliedOutput, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new($"{field}.output", $"{what} is the {impliedOutput} line of {indicator.Name}; leave output out or use {indicator.Name}"));
            outputs = [];
        }
        else if (output is null) outputs = Enumerable.Range(0, indicator.Outputs.Count).ToArray();
        else
        {
            var position = indicator.Outputs.ToList().FindIndex(o => string.Equals(o, output.Trim(), StringComparison.OrdinalIgnoreCase));
            if (position < 0) errors.Add(new($"{field}.output", $"{what} has no output '{output}' (it has {string.Join(", ", indicator.Outputs)})"));
            outputs = position < 0 ? [] : [position];
        }

        Timeframe? timeframe = pipelineTimeframe;
        if (indicator.Input == FeatureInput.Tick)
        {
            if (definition.Timeframe is { } given && !string.Equals(given.Trim(), FeatureDefinition.TickTimeframe, StringComparison.OrdinalIgnoreCase))
                errors.Add(new($"{field}.timeframe", $"{what} runs on ticks; leave the timeframe out or use '{FeatureDefinition.TickTimeframe}' (got '{given}')"));
            timeframe = null;
        }
        else if (definition.Timeframe is { } given)
        {
            if (string.Equals(given.Trim(), FeatureDefinition.TickTimeframe, StringComparison.OrdinalIgnoreCase))
                errors.Add(new($"{field}.timeframe", $"{what} runs on bars; use a bar timeframe such as M1, M5, H1 or D1"));
            else
            {
                try { timeframe = Timeframe.Parse(given.Trim()); }
                catch (ArgumentException e) { errors.Add(new($"{field}.timeframe", $"{what}: {FirstLine(e)}")); }
            }
        }

        var input = SeriesInput.Close;
        if (definition.Input is { } inputName)
        {
            if (indicator.Input != FeatureInput.Series)
                errors.Add(new($"{field}.input", $"{what} reads {Describe(indicator.Input)}; input applies only to indicators of one series"));
            else if (!Enum.TryParse(inputName.Trim(), ignoreCase: true, out input) || !Enum.IsDefined(input) || int.TryParse(inputName, out _))
                errors.Add(new($"{field}.input", $"unknown input '{inputName}' (use {string.Join(", ", Enum.GetNames<SeriesInput>().Select(n => n.ToLowerInvariant()))})"));
        }

        if (definition.Name is { } customName && !IsValidName(customName))
            errors.Add(new($"{field}.name", $"'{customName}' is not a feature name: use 1 to 64 letters, digits, '_', '.', '-' or '@'"));

        if (errors.Count > before) return [];

        FeatureNode node;
        string[] lineColumns;
        try
        {
            (node, lineColumns) = indicator.CreateNode(arguments, input, timeframe);
        }
        catch (ArgumentException e)
        {
            var parameter = indicator.Parameters.FirstOrDefault(p => string.Equals(p.Name, e.ParamName, StringComparison.OrdinalIgnoreCase));
            errors.Add(new(parameter is null ? $"{field}.parameters" : $"{field}.parameters.{parameter.Name}", $"{what}: {FirstLine(e)}"));
            return [];
        }

        var suffix = (input == SeriesInput.Close ? "" : "_" + input.ToString().ToUpperInvariant())
                     + (timeframe is { } t && t != pipelineTimeframe ? "@" + t.Name : "");
        var key = string.Join('|', indicator.Name, string.Join(',', arguments.Select(IndicatorParameter.Format)), input, timeframe?.Name ?? "tick");
        var oneLine = output is not null || indicator.Outputs.Count == 1;
        var columns = new List<Column>(outputs.Length);
        foreach (var line in outputs)
        {
            var name = definition.Name is { } given
                ? oneLine ? given : $"{given}_{indicator.Outputs[line]}"
                : lineColumns[line] + suffix;
            columns.Add(new Column(name, node, line, key));
        }
        return columns;
    }

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '@');

    private static string Describe(FeatureInput input) => input switch
    {
        FeatureInput.Bar => "the high, low and close",
        FeatureInput.VolumeBar => "the high, low, close and volume",
        FeatureInput.SessionBar => "the time, high, low, close and volume",
        FeatureInput.Tick => "ticks",
        _ => "one series",
    };

    private static string FirstLine(ArgumentException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        var newline = message.IndexOf('\n');
        return (newline >= 0 ? message[..newline] : message).TrimEnd();
    }
}
