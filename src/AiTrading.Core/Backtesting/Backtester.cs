using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Backtesting;

/// <summary>How far a run has got: bars read of the bars it will read.</summary>
public readonly record struct BacktestProgress(long Bars, long Total);

/// <summary>
/// The event-driven backtester: replays bars of one or more instruments, in time order (instruments in the spec's
/// order within one time), through the code the live loop runs: a <see cref="StrategyEngine"/> per instrument decides
/// on each closed bar; a position change becomes an immediate-or-cancel market order checked against the strategy's
/// limits (<see cref="StrategyLimitCheck"/>) and the account's (<see cref="PreTradeRisk"/>, with the automatic kill
/// switch on drawdown), filled by a <see cref="PaperOrderBook"/> against a quote at the fill price (± half the spread,
/// with the venue's slippage) and booked in a <see cref="Portfolio"/>, with commissions and overnight financing charged
/// to it. Bars before <see cref="BacktestOptions.From"/> and the first <see cref="BacktestOptions.WarmupBars"/> of the
/// window only warm the engines up. Ticks (trades or quotes) are built into bars of the spec's timeframe by the live
/// <see cref="BarAggregator"/>, and each decision trades against the tick that closed its bar, at its bid or ask and
/// sizes. A spec that runs live runs here unchanged; the same input gives the same result.
/// A rule failure that would pause the live strategy ends the run with the rule, bar and reason.
/// </summary>
public sealed class Backtester
{
    private readonly StrategySpec _spec;
    private readonly BacktestOptions _options;
    private readonly Lane[] _lanes;
    private readonly Portfolio.Portfolio _portfolio;
    private readonly OrderRateLimiter _accountThrottle;
    private readonly OrderRateLimiter? _strategyThrottle;
    private readonly bool _sizingNeedsEquity;
    private readonly List<long> _times;
    private readonly List<double> _equity;
    private readonly List<BacktestOrder> _orders = [];
    private RiskLimits _limits;
    private readonly Lane[] _converted; // lanes quoted in another currency than the account's
    private decimal _commissions, _financing;
    private double _peakEquity;
    private int _barsExposed;
    private long _orderCount;

    private Backtester(StrategyProgram program, IReadOnlyList<BacktestSeries> series, BacktestOptions options, BacktestModels? models)
    {
        _spec = program.Spec;
        _options = options;
        _limits = options.Risk;
        _portfolio = new Portfolio.Portfolio(_spec.Account, options.AccountCurrency, options.InitialCash);
        _peakEquity = (double)options.InitialCash;
        _accountThrottle = new OrderRateLimiter(_limits.MaxOrdersPerSecond, TimeSpan.FromSeconds(1));
        _strategyThrottle = _spec.Limits.MaxOrdersPerMinute is { } perMinute ? new OrderRateLimiter(perMinute, TimeSpan.FromMinutes(1)) : null;
        _sizingNeedsEquity = _spec.Sizing.Method is PositionSizing.VolatilityTarget or PositionSizing.Kelly;
        _lanes = series.Select((s, i) => new Lane(i, s, program.CreateEngine(s.Symbol),
            new PaperOrderBook(s.Symbol, s.Instrument.TickSize, options.Paper),
            Predictor(program, s.Symbol, models),
            s.Instrument.QuoteCurrency == options.AccountCurrency, s.IsTicks ? new BarAggregator(s.Symbol, program.Timeframe) : null)).ToArray();
        _converted = _lanes.Where(l => !l.QuotedInAccount).ToArray();
        foreach (var lane in _lanes.Where(l => l.QuotedInAccount)) lane.SetRate(1m);
        var capacity = series.Max(s => s.Bars.Count + (s.Ticks?.Count ?? 0) / 16);
        _times = new List<long>(capacity);
        _equity = new List<double>(capacity);
    }

    /// <summary>Runs <paramref name="spec"/> over <paramref name="data"/> (one series per instrument of the spec).</summary>
    /// <param name="models">registry models the spec may name (the built-in baseline needs none)</param>
    /// <exception cref="ValidationException">The spec, the options or the data are unusable (every problem named), or a rule failed on a bar.</exception>
    public static BacktestResult Run(StrategySpec spec, IReadOnlyList<BacktestSeries> data, BacktestOptions options,
        IProgress<BacktestProgress>? progress = null, CancellationToken cancellationToken = default, BacktestModels? models = null)
    {
        var (program, series) = Prepare(spec, data, options, models?.Names);
        return new Backtester(program, series, options, models).Execute(progress, cancellationToken);
    }

    /// <summary>Checks what <see cref="Run"/> checks before it replays anything.</summary>
    /// <exception cref="ValidationException">The spec, the options or the data are unusable, every problem named.</exception>
    /// <param name="registryModels">the names of the registry models <see cref="Run"/> will be given</param>
    public static void Validate(StrategySpec spec, IReadOnlyList<BacktestSeries> data, BacktestOptions options, IEnumerable<string>? registryModels = null) =>
        Prepare(spec, data, options, registryModels);

    private static (StrategyProgram Program, IReadOnlyList<BacktestSeries> Series) Prepare(StrategySpec spec, IReadOnlyList<BacktestSeries> data, BacktestOptions options,
        IEnumerable<string>? registryModels)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var optionErrors = options.Validate();
        if (optionErrors.Count > 0) throw new ValidationException(optionErrors);
        if (data.Count == 0) throw new ValidationException("data", "no data to replay");
        spec = spec.Normalized();
        var program = StrategyProgram.Compile(spec, BacktestData.Catalog(data, spec.Timeframe, registryModels));
        var series = BacktestData.Arrange(spec, data, options);
        CheckConversions(series, options.AccountCurrency);
        return (program, series);
    }

    /// <summary>The built-in baseline when the spec names it, else the registry models' predictor; none without models.</summary>
    private static IBarPredictor? Predictor(StrategyProgram program, string symbol, BacktestModels? models) =>
        program.Spec.Models.Count == 0 ? null
        : program.Spec.Models.Any(m => m.Model == Models.BaselineDirectionModel.Name) || models is null ? new ModelFeed(program.Timeframe)
        : models.ForInstrument(symbol);

    private static void CheckConversions(IReadOnlyList<BacktestSeries> series, string account)
    {
        var symbols = series.Select(s => s.Symbol).ToHashSet(StringComparer.Ordinal);
        var errors = series
            .Where(s => s.Instrument.QuoteCurrency != account && !FxConverter.ConversionSymbols(s.Instrument.QuoteCurrency, account).Any(symbols.Contains))
            .Select(s => new FieldError("data", $"{s.Source}: {s.Symbol} is quoted in {s.Instrument.QuoteCurrency}; add data for {s.Instrument.QuoteCurrency}{account} or {account}{s.Instrument.QuoteCurrency} to convert it into {account}"))
            .ToList();
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    private BacktestResult Execute(IProgress<BacktestProgress>? progress, CancellationToken cancellationToken)
    {
        if (_lanes[0].Aggregator is not null) return ExecuteTicks(progress, cancellationToken);
        var to = _options.To?.UtcTicks ?? long.MaxValue;
        long total = 0;
        foreach (var lane in _lanes)
        {
            lane.End = Count(lane.Series.Bars, to);
            total += lane.End;
        }
        long done = 0, nextReport = 1 << 16;
        progress?.Report(new(0, total));
        var trading = false;
        while (true)
        {
            var time = long.MaxValue;
            foreach (var lane in _lanes)
                if (lane.Next < lane.End && lane.Series.Bars[lane.Next].OpenTime.UtcTicks < time) time = lane.Series.Bars[lane.Next].OpenTime.UtcTicks;
            if (time == long.MaxValue) break;
            foreach (var lane in _lanes)
            {
                if (lane.Next >= lane.End) continue;
                var bar = lane.Series.Bars[lane.Next];
                if (bar.OpenTime.UtcTicks != time) continue;
                lane.Next++;
                trading |= Step(lane, bar);
                done++;
            }
            if (trading) Record(time);
            if (done >= nextReport)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new(done, total));
                nextReport = done + (1 << 16);
            }
        }
        progress?.Report(new(done, total));
        return Result();
    }

    /// <summary>
    /// Ticks, merged in time order: each builds its instrument's bar; the tick that closes a bar is the quote the
    /// decision on that bar trades against (bid for sells, ask for buys, with the venue's slippage and the sizes it shows),
    /// as live. Positions are marked at the bid (long) or the ask (short).
    /// </summary>
    private BacktestResult ExecuteTicks(IProgress<BacktestProgress>? progress, CancellationToken cancellationToken)
    {
        var to = _options.To ?? DateTimeOffset.MaxValue;
        long total = _lanes.Sum(l => (long)l.Series.Ticks!.Count), done = 0, nextReport = 1 << 16;
        progress?.Report(new(0, total));
        var trading = false;
        while (true)
        {
            Lane? next = null;
            foreach (var lane in _lanes)
                if (lane.Next < lane.Series.Ticks!.Count && (next is null || lane.Series.Ticks[lane.Next].Time < next.Series.Ticks![next.Next].Time)) next = lane;
            if (next is null) break;
            var tick = next.Series.Ticks![next.Next++];
            if (tick.Time > to) break;
            (next.Bid, next.Ask) = (tick.Bid, tick.Ask);
            if (next.Aggregator!.Update(tick, out var bar))
            {
                trading |= Step(next, bar!, Quote.From(tick));
                if (trading) Record(bar!.OpenTime.UtcTicks);
            }
            if (++done >= nextReport)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new(done, total));
                nextReport = done + (1 << 16);
            }
        }
        progress?.Report(new(done, total));
        if (_times.Count == 0) throw new ValidationException("data", $"no bar of {_spec.Timeframe} closed in the trading window of the ticks");
        return Result();
    }

    private static int Count(IReadOnlyList<Bar> bars, long to)
    {
        if (to == long.MaxValue || bars[^1].OpenTime.UtcTicks <= to) return bars.Count;
        var count = 0;
        while (count < bars.Count && bars[count].OpenTime.UtcTicks <= to) count++;
        return count;
    }

    /// <summary>
    /// One closed bar of one instrument; <paramref name="quote"/> is the tick that closed it, when replaying ticks. True
    /// when the bar is in the trading window (past the warm-up).
    /// </summary>
    private bool Step(Lane lane, Bar bar, Quote? quote = null)
    {
        var tradable = (_options.From is not { } from || bar.OpenTime >= from) && ++lane.WindowBars > _options.WarmupBars;
        // The nights since the last bar were held with the position as it stood before this bar's open.
        var day = bar.OpenTime.UtcTicks / TimeSpan.TicksPerDay;
        if (lane.Quantity != 0 && day > lane.Day && !_options.Financing.IsFree) Finance(lane, day - lane.Day, bar.OpenTime);
        lane.Day = day;
        if (lane.Pending is { } pending)
        {
            // The market is at the open now: marks and conversions follow it before the order trades.
            lane.Pending = null;
            lane.Bid = lane.Ask = bar.Open;
            if (_converted.Length > 0) UpdateRates(lane);
            Execute(lane, pending.Signal, pending.DecidedAt, BarQuote(lane, bar.Open, bar.OpenTime));
        }
        lane.OnBar();

        var outlook = lane.Model?.OnBar(bar) ?? new BarOutlook(double.NaN);
        lane.CloseValue = bar.Close;
        if (quote is null) lane.Bid = lane.Ask = bar.Close;
        if (_converted.Length > 0) UpdateRates(lane);
        var equity = _sizingNeedsEquity ? Equity() : 0m;
        StrategySignal signal;
        try
        {
            signal = lane.Engine.OnBar(bar, lane.Position, new StrategyContext(outlook.ProbabilityUp, equity, lane.Rate ?? 0m, outlook.Veto));
        }
        catch (StrategyRuleException failure)
        {
            // Like the live strategy's warm-up, rules with no position behind them yet may fail harmlessly.
            if (!tradable) return false;
            throw new ValidationException(failure.Field, $"{lane.Symbol} bar {bar.OpenTime:O}: {failure.InnerException!.Message}");
        }
        if (!signal.ChangesPosition) lane.Protection = signal.Protection;
        else if (tradable)
        {
            if (quote is not null) Execute(lane, signal, bar.CloseTime, quote);
            else if (_options.Fill == FillModel.ThisBarClose) Execute(lane, signal, bar.CloseTime, BarQuote(lane, bar.Close, bar.CloseTime));
            else lane.Pending = (signal, bar.CloseTime);
        }
        return tradable;
    }

    /// <summary>Bars have no quote: bid and ask are the price ± half the spread, with no size limit.</summary>
    private Quote BarQuote(Lane lane, double price, DateTimeOffset time)
    {
        var half = price * (double)_options.SpreadBps / 20_000;
        return new Quote(lane.Symbol, time, price - half, price + half, 0, 0);
    }

    /// <summary>Sends the order that takes the position to the signal's target, as the live strategy does, and books what fills.</summary>
    private void Execute(Lane lane, StrategySignal signal, DateTimeOffset decidedAt, Quote quote)
    {
        var time = quote.Time;
        var current = lane.Quantity;
        var delta = signal.TargetPosition - current;
        if (delta == 0) return;
        var side = delta > 0 ? OrderSide.Buy : OrderSide.Sell;
        var quantity = Math.Abs(delta);
        var orderId = $"{_spec.Id}-{lane.Index}-{++_orderCount}";
        var request = new OrderRequest(orderId, _spec.Account, lane.Symbol, side, quantity, OrderType.Market, null, _spec.Id, null, TimeInForce.Ioc);
        var touch = (decimal)(side == OrderSide.Buy ? quote.Ask : quote.Bid);

        if (lane.Rate is not { } rate)
        {
            Refused(lane, request, decidedAt, time, signal, $"{RiskLimitNames.MarketData}: no quote to convert {lane.Series.Instrument.QuoteCurrency} into {_options.AccountCurrency} yet");
            return;
        }
        var today = DateOnly.FromDateTime(time.UtcDateTime);
        var realizedToday = _portfolio.TradingDay == today ? _portfolio.RealizedToday : 0m;
        var strategyPnl = realizedToday + (lane.Close - lane.EntryPrice) * current * rate;
        var limit = StrategyLimitCheck.Check(_spec.Limits, current, signal.TargetPosition, quantity * touch * rate, strategyPnl, _strategyThrottle, time);
        if (!limit.Approved)
        {
            Refused(lane, request, decidedAt, time, signal, $"{limit.Limit}: {limit.Message}");
            return;
        }
        var risk = PreTradeRisk.Check(request, _limits, Exposure(lane, quote, today), Pricing(lane, touch, (decimal)quote.Mid, rate), _accountThrottle, time);
        if (risk.Limit == RiskLimitNames.MaxDrawdown && !_limits.KillSwitch) _limits = _limits with { KillSwitch = true };
        if (!risk.Approved)
        {
            Refused(lane, request, decidedAt, time, signal, $"{risk.Limit}: {risk.Message}");
            return;
        }

        var order = new Order(orderId, request, time);
        order.Accept(time);
        decimal commission = 0;
        string? reason = null;
        foreach (var report in lane.Venue.Submit(orderId, request, _spec.Venue, quote, time))
        {
            // The live order's state machine (OrderSteps), booked here instead of stored.
            if (OrderSteps.Apply(order, report) is not { } step) continue;
            if (step.Fill is { } fill) commission += lane.Book(_portfolio, fill, signal, rate, _options.Commission);
            else if (order.IsTerminal) reason = report.Reason;
        }
        _commissions += commission;
        _orders.Add(new(orderId, lane.Symbol, side.ToString().ToUpperInvariant(), quantity, decidedAt, time, order.Status.ToString(),
            order.FilledQuantity, order.AverageFillPrice, commission, signal.Reason, reason));
    }

    private void Refused(Lane lane, OrderRequest request, DateTimeOffset decidedAt, DateTimeOffset time, StrategySignal signal, string reason) =>
        _orders.Add(new(request.ClientOrderId, lane.Symbol, request.Side.ToString().ToUpperInvariant(), request.Quantity, decidedAt, time,
            OrderStatus.Rejected.ToString(), 0, null, 0, signal.Reason, reason));

    private AccountExposure Exposure(Lane trading, Quote quote, DateOnly today)
    {
        var valuation = _portfolio.Value(symbol =>
        {
            var lane = _lanes.First(l => l.Symbol == symbol);
            if (lane.Rate is not { } rate) return null;
            var (bid, ask) = lane == trading ? ((decimal)quote.Bid, (decimal)quote.Ask) : ((decimal)lane.Bid, (decimal)lane.Ask);
            var baseRate = FxConverter.TryRate(lane.Series.Instrument.BaseCurrency, _options.AccountCurrency, MidOf) ?? 0m;
            return new Mark(bid, ask, rate, lane.Series.Instrument.BaseCurrency, baseRate);
        });
        var daily = (_portfolio.TradingDay == today ? _portfolio.RealizedToday : 0m) + valuation.UnrealizedPnl;
        return new AccountExposure(_portfolio.PositionIn(trading.Symbol), daily, valuation.Equity, Math.Max(valuation.PeakEquity, (decimal)_peakEquity),
            valuation.GrossNotional, valuation.CurrencyExposure, valuation.Currency);
    }

    private OrderPricing Pricing(Lane lane, decimal touch, decimal mid, decimal rate)
    {
        var instrument = lane.Series.Instrument;
        return new OrderPricing(touch, mid, null, instrument.BaseCurrency, instrument.QuoteCurrency,
            FxConverter.TryRate(instrument.BaseCurrency, _options.AccountCurrency, MidOf) ?? 0m, rate);
    }

    private double? MidOf(string symbol)
    {
        foreach (var lane in _lanes)
            if (lane.Symbol == symbol) return lane.Next > 0 ? (lane.Bid + lane.Ask) / 2 : null;
        return null;
    }

    private void Finance(Lane lane, long nights, DateTimeOffset time)
    {
        var rate = lane.Quantity > 0 ? _options.Financing.LongRate : _options.Financing.ShortRate;
        var amount = Math.Abs(lane.Quantity) * lane.Close * (lane.Rate ?? 0m) * rate * nights / 365m;
        if (amount == 0) return;
        var booked = _portfolio.Charge(amount, time);
        _financing += booked;
        lane.Trades.Finance(booked);
    }

    private void UpdateRates(Lane updated)
    {
        foreach (var lane in _converted)
            if (lane == updated || lane.Rate is null || ConvertsThrough(lane, updated.Symbol))
                lane.SetRate(FxConverter.TryRate(lane.Series.Instrument.QuoteCurrency, _options.AccountCurrency, MidOf) ?? lane.Rate);
    }

    private bool ConvertsThrough(Lane lane, string symbol)
    {
        var (quote, account) = (lane.Series.Instrument.QuoteCurrency, _options.AccountCurrency);
        return symbol.Length == 6 && (symbol == quote + account || symbol == account + quote);
    }

    /// <summary>Cash plus the open positions marked at their last close (each rounded to the account currency's minor unit, as the portfolio does).</summary>
    private decimal Equity()
    {
        var equity = _portfolio.Cash;
        foreach (var lane in _lanes)
            if (lane.QuantityValue != 0) equity += lane.Unrealized((decimal)lane.Bid, (decimal)lane.Ask, lane.Rate ?? 0m, _options.AccountCurrency);
        return equity;
    }

    private void Record(long time)
    {
        var equity = (double)_portfolio.Cash;
        var exposed = false;
        foreach (var lane in _lanes)
        {
            if (lane.QuantityValue == 0) continue;
            equity += lane.UnrealizedValue(lane.Bid, lane.Ask, lane.RateValue);
            exposed = true;
        }
        if (equity > _peakEquity) _peakEquity = equity;
        if (_times.Count > 0 && _times[^1] >= time)
        {
            // Ticks close the bars of several instruments one at a time: one point per bar time, as it stands after the last.
            _equity[^1] = equity;
            return;
        }
        if (exposed) _barsExposed++;
        _times.Add(time);
        _equity.Add(equity);
    }

    private BacktestResult Result()
    {
        var finalEquity = Equity();
        var trades = _lanes.SelectMany(l => l.Trades.Closed).OrderBy(t => t.ExitTime).ToList();
        var closed = trades.Select(t => t.Pnl).ToList();
        foreach (var lane in _lanes)
            if (lane.Trades.Mark(lane.Unrealized((decimal)lane.Bid, (decimal)lane.Ask, lane.Rate ?? 0m, _options.AccountCurrency), lane.BarsHeld) is { } open)
                trades.Add(open);
        var times = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_times);
        var equity = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_equity);
        var statistics = PerformanceStatistics.Compute(times, equity, (double)_options.InitialCash, closed, _barsExposed, _options.PeriodsPerYear, _options.RiskFreeRate);
        var points = new EquityPoint[_times.Count];
        for (var i = 0; i < points.Length; i++) points[i] = new(new DateTimeOffset(_times[i], TimeSpan.Zero), _equity[i]);
        return new BacktestResult(_spec.Id, _lanes.Select(l => l.Symbol).ToList(), points[0].Time, points[^1].Time, points.Length,
            _options.InitialCash, finalEquity, _portfolio.Cash, _commissions, _financing, statistics, trades, _orders, points);
    }

    /// <summary>One instrument's replay: its bars, engine, book, position and the order waiting for the next bar.</summary>
    private sealed class Lane(int index, BacktestSeries series, StrategyEngine engine, PaperOrderBook book, IBarPredictor? model, bool quotedInAccount, BarAggregator? aggregator)
        : Holding(series.Symbol, series.Instrument.QuoteCurrency)
    {
        public int Index { get; } = index;
        public BacktestSeries Series { get; } = series;
        public string Symbol { get; } = series.Symbol;
        public StrategyEngine Engine { get; } = engine;
        public PaperOrderBook Venue { get; } = book;
        public IBarPredictor? Model { get; } = model;
        public bool QuotedInAccount { get; } = quotedInAccount;
        public int Next, End, WindowBars;
        public long Day = long.MinValue;
        public BarAggregator? Aggregator { get; } = aggregator;
        public double CloseValue;

        /// <summary>Where the position is marked and currencies convert: the last tick's bid and ask, or the last close for bars.</summary>
        public double Bid, Ask;
        public decimal? Rate { get; private set; }
        public double RateValue { get; private set; }

        /// <summary>The last close as a price (converted only where money is computed).</summary>
        public decimal Close => (decimal)CloseValue;

        public void SetRate(decimal? rate) => (Rate, RateValue) = (rate, rate is { } r ? (double)r : 0);
        public (StrategySignal Signal, DateTimeOffset DecidedAt)? Pending;
    }
}
