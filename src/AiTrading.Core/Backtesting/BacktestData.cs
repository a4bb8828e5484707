using AiTrading.Core.MarketData;
using AiTrading.Core.Models;
using AiTrading.Core.Strategies;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// The bars of one instrument to replay, in time order, and where they came from (named in errors); or its ticks
/// (<see cref="Ticks"/>, with no bars), which the replay builds into bars of the strategy's timeframe.
/// </summary>
public sealed record BacktestSeries(InstrumentSpec Instrument, IReadOnlyList<Bar> Bars, string Source, IReadOnlyList<Tick>? Ticks = null)
{
    public string Symbol => Instrument.Symbol;
    public bool IsTicks => Ticks is not null;
}

public static class BacktestData
{
    /// <summary>
    /// What a backtest offers a spec (see <see cref="StrategyCatalog"/>): the instruments of the data, the timeframe of
    /// their bars, the models and venue of the live cluster (so a live spec validates unchanged).
    /// </summary>
    /// <param name="timeframe">the spec's timeframe, which ticks can be built into (bars offer only their own)</param>
    /// <param name="registryModels">models besides the built-in baseline that the backtest can score</param>
    public static StrategyCatalog Catalog(IEnumerable<BacktestSeries> data, string? timeframe = null, IEnumerable<string>? registryModels = null)
    {
        var series = data.ToList();
        var tickTimeframes = series.Any(s => s.IsTicks) && timeframe is not null && IsTimeframe(timeframe) ? [timeframe] : Array.Empty<string>();
        return new StrategyCatalog(
            series.Select(s => s.Symbol).ToHashSet(StringComparer.Ordinal),
            series.Where(s => !s.IsTicks).Select(s => TimeframeOf(s).Name).Concat(tickTimeframes).ToHashSet(StringComparer.Ordinal),
            (registryModels ?? []).Append(BaselineDirectionModel.Name).ToHashSet(StringComparer.Ordinal),
            new HashSet<string> { "paper" });
    }

    private static bool IsTimeframe(string name)
    {
        try
        {
            return Timeframe.Parse(name).Duration > TimeSpan.Zero;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    internal static Timeframe TimeframeOf(BacktestSeries series) =>
        series.Bars.Count > 0 ? series.Bars[0].Timeframe : throw new ValidationException("data", $"{series.Source}: has no bars");

    /// <summary>
    /// Checks the data against the spec and the options and orders it as the spec names its instruments: one series per
    /// instrument of the spec's timeframe, bars of that symbol and timeframe in strictly increasing time, none in an empty
    /// window.
    /// </summary>
    internal static IReadOnlyList<BacktestSeries> Arrange(StrategySpec spec, IReadOnlyList<BacktestSeries> data, BacktestOptions options)
    {
        var errors = new List<FieldError>();
        var arranged = new List<BacktestSeries>();
        foreach (var symbol in spec.Instruments)
        {
            var matching = data.Where(s => s.Symbol == symbol).ToList();
            if (matching.Count != 1)
            {
                errors.Add(new("data", matching.Count == 0 ? $"no data for {symbol}, which the strategy trades" : $"{symbol} has {matching.Count} data sources ({string.Join(", ", matching.Select(m => m.Source))})"));
                continue;
            }
            var series = matching[0];
            if (series.Ticks is { } ticks)
            {
                CheckTicks(series, ticks, options, errors);
                arranged.Add(series);
                continue;
            }
            var timeframe = Timeframe.Parse(spec.Timeframe);
            var bars = series.Bars;
            if (bars.Count == 0) { errors.Add(new("data", $"{series.Source}: has no bars")); continue; }
            for (var i = 0; i < bars.Count; i++)
            {
                var bar = bars[i];
                if (bar.Symbol != symbol || bar.Timeframe != timeframe)
                {
                    errors.Add(new("data", $"{series.Source}: bar {i + 1} is {bar.Symbol} {bar.Timeframe}; the strategy reads {symbol} {timeframe} bars"));
                    break;
                }
                if (i > 0 && bar.OpenTime <= bars[i - 1].OpenTime)
                {
                    errors.Add(new("data", $"{series.Source}: bar {i + 1} at {bar.OpenTime:O} is {(bar.OpenTime == bars[i - 1].OpenTime ? "a duplicate of" : "before")} the bar before it; bars must be in increasing time order"));
                    break;
                }
            }
            var inWindow = bars.Count(b => (options.From is not { } from || b.OpenTime >= from) && (options.To is not { } to || b.OpenTime <= to));
            if (inWindow == 0)
                errors.Add(new("data", $"{series.Source}: no bars between {options.From?.ToString("O") ?? "the start"} and {options.To?.ToString("O") ?? "the end"} (the file has {bars[0].OpenTime:O} to {bars[^1].OpenTime:O})"));
            else if (inWindow <= options.WarmupBars)
                errors.Add(new("warmup", $"{series.Source}: the {options.WarmupBars} warm-up bars take all {inWindow} bars of the window"));
            arranged.Add(series);
        }
        if (arranged.Select(s => s.IsTicks).Distinct().Count() > 1) errors.Add(new("data", "replay bars or ticks, not both at once"));
        foreach (var extra in data.Where(s => !spec.Instruments.Contains(s.Symbol)))
            errors.Add(new("data", $"{extra.Source}: {extra.Symbol} is not an instrument of the strategy ({string.Join(", ", spec.Instruments)})"));
        if (errors.Count > 0) throw new ValidationException(errors);
        return arranged;
    }

    private static void CheckTicks(BacktestSeries series, IReadOnlyList<Tick> ticks, BacktestOptions options, List<FieldError> errors)
    {
        if (ticks.Count == 0) { errors.Add(new("data", $"{series.Source}: has no ticks")); return; }
        for (var i = 0; i < ticks.Count; i++)
        {
            var tick = ticks[i];
            if (tick.Symbol != series.Symbol) { errors.Add(new("data", $"{series.Source}: tick {i + 1} is of {tick.Symbol}, not {series.Symbol}")); return; }
            if (i > 0 && tick.Time < ticks[i - 1].Time) { errors.Add(new("data", $"{series.Source}: tick {i + 1} at {tick.Time:O} is before the tick before it; ticks must be in time order")); return; }
            if (!(tick.Bid > 0) || !(tick.Ask >= tick.Bid)) { errors.Add(new("data", $"{series.Source}: tick {i + 1} at {tick.Time:O} has no usable bid/ask ({tick.Bid}/{tick.Ask})")); return; }
        }
        if ((options.To is { } to && ticks[0].Time > to) || (options.From is { } from && ticks[^1].Time < from))
            errors.Add(new("data", $"{series.Source}: no ticks between {options.From?.ToString("O") ?? "the start"} and {options.To?.ToString("O") ?? "the end"} (the file has {ticks[0].Time:O} to {ticks[^1].Time:O})"));
    }
}
