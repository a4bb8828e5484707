using System.Collections.Concurrent;
using System.Text.Json;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Backtesting;

/// <summary>
/// The lean engine of parameter sweeps, for strategies of one instrument quoted in the account currency. The bars are
/// held as columns, each distinct feature definition is computed once as a column for every parameter set that reads it
/// (as are the model's predictions), and a run scans the columns: the strategy's <see cref="StrategyEngine"/> decides
/// on each bar from the columns, fills are priced as the paper venue prices them (touch ± half the spread, fixed
/// slippage, rounded to the tick away from the trader) and booked in a <see cref="Portfolio.Portfolio"/>, and the equity is
/// marked at each close. Runs are independent and may go in parallel.
/// <para>Against <see cref="Backtester"/>, for the same spec, data and options it gives the same trades and final
/// equity, except where the event-driven run's risk checks refuse an order: this engine applies neither the account's
/// risk limits nor the strategy's <see cref="StrategySpec.Limits"/> (so a spec with limits is refused), and it models
/// no financing and no random slippage (options with them are refused).</para>
/// </summary>
public sealed class VectorizedBacktest
{
    private readonly BacktestSeries _series;
    private readonly BacktestOptions _options;
    private readonly Bar[] _bars;
    private readonly double[] _open, _close;
    private readonly StrategyCatalog _catalog;
    private readonly ConcurrentDictionary<string, Lazy<(string[] Names, double[][] Columns)>> _features = new(StringComparer.Ordinal);
    private readonly Lazy<double[]> _probabilityUp;

    /// <exception cref="ValidationException">The options use what this engine does not model, or are invalid.</exception>
    public VectorizedBacktest(BacktestSeries series, BacktestOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (!options.Financing.IsFree) errors.Add(new("financing", "the vectorized engine models no financing; use the event-driven backtest"));
        if (options.Paper.RandomSlippageBps != 0) errors.Add(new("paper.randomSlippageBps", "the vectorized engine models only fixed slippage"));
        if (series.Instrument.QuoteCurrency != options.AccountCurrency)
            errors.Add(new("data", $"{series.Source}: {series.Symbol} is quoted in {series.Instrument.QuoteCurrency}; the vectorized engine needs an instrument quoted in {options.AccountCurrency}"));
        if (series.IsTicks) errors.Add(new("data", $"{series.Source}: the vectorized engine replays bars, not ticks"));
        else if (series.Bars.Count == 0) errors.Add(new("data", $"{series.Source}: has no bars"));
        if (errors.Count > 0) throw new ValidationException(errors);
        _series = series;
        _options = options;
        _bars = series.Bars.ToArray();
        _open = _bars.Select(b => b.Open).ToArray();
        _close = _bars.Select(b => b.Close).ToArray();
        _catalog = BacktestData.Catalog([series]);
        var timeframe = _bars[0].Timeframe;
        _probabilityUp = new(() =>
        {
            var feed = new ModelFeed(timeframe);
            return _bars.Select(b => feed.OnBar(b).ProbabilityUp).ToArray();
        });
        var to = options.To is { } last ? Array.FindLastIndex(_bars, b => b.OpenTime <= last) + 1 : _bars.Length;
        var from = options.From is { } start ? Array.FindIndex(_bars, b => b.OpenTime >= start) : 0;
        if (from < 0 || from >= to)
            throw new ValidationException("data", $"{series.Source}: no bars between {options.From?.ToString("O") ?? "the start"} and {options.To?.ToString("O") ?? "the end"}");
        (First, End) = (from + options.WarmupBars, to);
        if (First >= End) throw new ValidationException("warmup", $"{series.Source}: the {options.WarmupBars} warm-up bars take all {to - from} bars of the window");
    }

    public BacktestSeries Series => _series;

    /// <summary>The first bar that may trade and the end of the bars read, from the options' window and warm-up.</summary>
    public int First { get; }
    public int End { get; }

    public BacktestResult Run(StrategySpec spec) => Run(spec, First, End);

    /// <summary>Runs over bars [0, <paramref name="end"/>), trading from bar <paramref name="first"/> (earlier bars warm up).</summary>
    /// <exception cref="ValidationException">The spec is invalid here, has limits, or a rule failed on a bar.</exception>
    public BacktestResult Run(StrategySpec spec, int first, int end)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (first < 0 || end > _bars.Length || first >= end) throw new ArgumentOutOfRangeException(nameof(first), $"window [{first}, {end}) is not within the {_bars.Length} bars");
        spec = spec.Normalized();
        var program = StrategyProgram.Compile(spec, _catalog);
        if (spec.Limits is { MaxPosition: not null } or { MaxOrderNotional: not null } or { MaxDailyLoss: not null } or { MaxOrdersPerMinute: not null })
            throw new ValidationException("limits", "the vectorized engine applies no strategy limits; sweep a spec without them or use the event-driven backtest");
        return new Scan(this, program, first, end).Run();
    }

    /// <summary>The columns of a spec's features, in its pipeline order, each definition computed once per engine.</summary>
    private double[][] Columns(StrategyProgram program)
    {
        var columns = new List<double[]>(program.FeatureNames.Count);
        var names = new List<string>(program.FeatureNames.Count);
        foreach (var definition in program.Spec.Features)
        {
            var key = JsonSerializer.Serialize(definition);
            var computed = _features.GetOrAdd(key, _ => new(() => Compute(definition, program.Timeframe))).Value;
            names.AddRange(computed.Names);
            columns.AddRange(computed.Columns);
        }
        if (!names.SequenceEqual(program.FeatureNames))
            throw new InvalidOperationException($"feature columns {string.Join(",", names)} do not line up with the spec's {string.Join(",", program.FeatureNames)}");
        return columns.ToArray();
    }

    private (string[] Names, double[][] Columns) Compute(FeatureDefinition definition, Timeframe timeframe)
    {
        var pipeline = new FeaturePipeline([definition], timeframe);
        var columns = pipeline.Names.Select(_ => new double[_bars.Length]).ToArray();
        for (var t = 0; t < _bars.Length; t++)
        {
            pipeline.OnBar(_bars[t]);
            var values = pipeline.Values;
            for (var c = 0; c < columns.Length; c++) columns[c][t] = values[c];
        }
        return (pipeline.Names.ToArray(), columns);
    }

    /// <summary>One run of one spec over the columns.</summary>
    private sealed class Scan
    {
        private readonly VectorizedBacktest _data;
        private readonly StrategySpec _spec;
        private readonly StrategyEngine _engine;
        private readonly double[][] _columns;
        private readonly double[]? _probabilityUp;
        private readonly int _first, _end;
        private readonly Portfolio.Portfolio _portfolio;
        private readonly Holding _holding;
        private readonly decimal _tick;
        private readonly string _currency;
        private readonly List<BacktestOrder> _orders = [];
        private decimal _commissions;

        public Scan(VectorizedBacktest data, StrategyProgram program, int first, int end)
        {
            _data = data;
            _spec = program.Spec;
            _engine = new StrategyEngine(program, data._series.Symbol, computesFeatures: false);
            _columns = data.Columns(program);
            _probabilityUp = _spec.Models.Count > 0 ? data._probabilityUp.Value : null;
            (_first, _end) = (first, end);
            _currency = data._options.AccountCurrency;
            _portfolio = new Portfolio.Portfolio(_spec.Account, _currency, data._options.InitialCash);
            _holding = new Holding(data._series.Symbol, data._series.Instrument.QuoteCurrency);
            _tick = (decimal)data._series.Instrument.TickSize;
        }

        public BacktestResult Run()
        {
            var bars = _data._bars;
            var options = _data._options;
            var sizingNeedsEquity = _spec.Sizing.Method is PositionSizing.VolatilityTarget or PositionSizing.Kelly;
            var features = new double[_columns.Length];
            var times = new long[_end - _first];
            var equity = new double[_end - _first];
            var exposed = 0;
            (StrategySignal Signal, DateTimeOffset DecidedAt)? pending = null;
            for (var t = 0; t < _end; t++)
            {
                var bar = bars[t];
                if (pending is { } order)
                {
                    pending = null;
                    Fill(order.Signal, order.DecidedAt, _data._open[t], bar.OpenTime);
                }
                _holding.OnBar();
                for (var c = 0; c < features.Length; c++) features[c] = _columns[c][t];
                var context = new StrategyContext(_probabilityUp?[t] ?? double.NaN, sizingNeedsEquity ? Equity((decimal)_data._close[t]) : 0m, 1m);
                StrategySignal signal;
                try
                {
                    signal = _engine.Decide(bar, features, _holding.Position, context);
                }
                catch (StrategyRuleException failure)
                {
                    if (t < _first) continue;
                    throw new ValidationException(failure.Field, $"{bar.Symbol} bar {bar.OpenTime:O}: {failure.InnerException!.Message}");
                }
                if (!signal.ChangesPosition) _holding.Protection = signal.Protection;
                else if (t >= _first)
                {
                    if (options.Fill == FillModel.ThisBarClose) Fill(signal, bar.CloseTime, _data._close[t], bar.CloseTime);
                    else pending = (signal, bar.CloseTime);
                }
                if (t < _first) continue;
                times[t - _first] = bar.OpenTime.UtcTicks;
                equity[t - _first] = (double)_portfolio.Cash + _holding.UnrealizedValue(_data._close[t], _data._close[t], 1);
                if (_holding.QuantityValue != 0) exposed++;
            }

            var last = (decimal)_data._close[_end - 1];
            var trades = _holding.Trades.Closed.ToList();
            var closed = trades.Select(t => t.Pnl).ToList();
            if (_holding.Trades.Mark(_holding.Unrealized(last, last, 1m, _currency), _holding.BarsHeld) is { } open) trades.Add(open);
            var statistics = PerformanceStatistics.Compute(times, equity, (double)options.InitialCash, closed, exposed, options.PeriodsPerYear, options.RiskFreeRate);
            var points = times.Select((time, i) => new EquityPoint(new DateTimeOffset(time, TimeSpan.Zero), equity[i])).ToArray();
            return new BacktestResult(_spec.Id, [_data._series.Symbol], points[0].Time, points[^1].Time, points.Length, options.InitialCash,
                Equity(last), _portfolio.Cash, _commissions, 0m, statistics, trades, _orders, points);
        }

        private decimal Equity(decimal close) => _portfolio.Cash + _holding.Unrealized(close, close, 1m, _currency);

        private void Fill(StrategySignal signal, DateTimeOffset decidedAt, double price, DateTimeOffset time)
        {
            var delta = signal.TargetPosition - _holding.Quantity;
            if (delta == 0) return;
            var side = delta > 0 ? OrderSide.Buy : OrderSide.Sell;
            var half = price * (double)_data._options.SpreadBps / 20_000;
            var touch = (decimal)(side == OrderSide.Buy ? price + half : price - half);
            var fillPrice = PaperOrderBook.Slipped(touch, side, _data._options.Paper.SlippageBps, _tick);
            var id = $"{_spec.Id}-0-{_orders.Count + 1}";
            var quantity = Math.Abs(delta);
            var fill = new Fill($"{id}#1", id, _spec.Account, _data._series.Symbol, side, quantity, fillPrice, time, _spec.Venue);
            var commission = _holding.Book(_portfolio, fill, signal, 1m, _data._options.Commission);
            _commissions += commission;
            _orders.Add(new(id, fill.Symbol, side.ToString().ToUpperInvariant(), quantity, decidedAt, time, OrderStatus.Filled.ToString(),
                quantity, fillPrice, commission, signal.Reason, null));
        }
    }
}
