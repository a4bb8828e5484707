using AiTrading.Core.MarketData;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Core.Strategies;

/// <summary>What a live strategy keeps between activations (its grain's stored state implements it).</summary>
public interface IStrategyLedger
{
    /// <summary>Per instrument, the position the strategy's fills made.</summary>
    Dictionary<string, HeldPosition> Positions { get; }
    /// <summary>Per instrument, the signal being acted on: at most one at a time, removed when its outcome is booked.</summary>
    Dictionary<string, SignalOrder> Working { get; }
    /// <summary>Per instrument and timeframe ("EURUSD:M1"), the open time of the last bar decided on.</summary>
    Dictionary<string, DateTimeOffset> LastBars { get; }
    /// <summary>Per instrument, the client order id whose fill the position last booked.</summary>
    Dictionary<string, string> LastOrders { get; }
    long BarsSeen { get; set; }
    long Signals { get; set; }
    long OrdersFilled { get; set; }
    long OrdersRejected { get; set; }
    long EventSequence { get; set; }
}

/// <summary>
/// A position change the strategy decided and has not booked the outcome of: its decision record, the strategy
/// limits' refusal if they refused it, and what is needed to send (or find) its order and book the fill. Its audit
/// records are keyed by the client order id, so recording them again stores them once.
/// </summary>
public sealed record SignalOrder(
    string ClientOrderId,
    DateTimeOffset BarTime,
    decimal Current,
    decimal TargetPosition,
    ProtectiveLevels? Protection,
    decimal? QuoteToAccountRate,
    DateTimeOffset SourcePublishedAt,
    string Decision,
    string SignalMessage,
    string? LimitRefusal = null,
    string? LimitMessage = null)
{
    public decimal Delta => TargetPosition - Current;

    public string AuditKey(string kind) => $"{kind}:{ClientOrderId}";

    public OrderRequest ToRequest(StrategySpec spec, string symbol) => RequestFor(spec, symbol, ClientOrderId, Delta);

    /// <summary>
    /// The order a strategy sends to change its position in <paramref name="symbol"/> by <paramref name="delta"/>:
    /// immediate-or-cancel at the spec's venue (never the account's default, which may be a terminal the spec did not
    /// choose): the position books what fills now; a remainder the touch could not take is not left working.
    /// </summary>
    public static OrderRequest RequestFor(StrategySpec spec, string symbol, string clientOrderId, decimal delta) =>
        new(clientOrderId, spec.Account, symbol, delta > 0 ? OrderSide.Buy : OrderSide.Sell, Math.Abs(delta), OrderType.Market, null, spec.Id, null,
            TimeInForce.Ioc, Venue: spec.Venue);
}

public enum OrderOutcomeKind { Placed, RiskRefused, NotSubmitted, LimitRefused, Expired }

/// <summary>
/// How a strategy's order stands, as the order path answered it: placed (with what filled, and whether it is done:
/// a venue that fills later leaves it working), refused by the account's risk gate or before it, refused by the
/// strategy's own limits, or expired unsent after a restart.
/// </summary>
public sealed record OrderOutcome(OrderOutcomeKind Kind, string Message, decimal FilledQuantity = 0, decimal? AveragePrice = null, bool Duplicate = false,
    DateTimeOffset AnsweredAt = default, bool Done = true)
{
    public static OrderOutcome Placed(OrderStatus status, string? reason, decimal filled, decimal? averagePrice, bool duplicate, DateTimeOffset at) =>
        new(OrderOutcomeKind.Placed, reason is null ? status.ToString() : $"{status} ({reason})", filled, averagePrice, duplicate, at, status.IsTerminal());
}

public enum StrategyNoticeKind { Lifecycle, Signal, Order, Fill, Risk }

/// <summary>Something a strategy reports, numbered in the order it happened.</summary>
public sealed record StrategyNotice(long Sequence, StrategyNoticeKind Kind, string? Symbol, string Message, string? ClientOrderId = null,
    decimal? Quantity = null, decimal? Price = null);

/// <summary>What a bar did: the order to act on, if the engine changed the position while trading; why it must pause, if a rule failed.</summary>
public sealed record BarStep(SignalOrder? Order, StrategyNotice? Signal, string? Failure)
{
    public static readonly BarStep Held = new(null, null, null);
}

/// <summary>What a live bar comes with besides itself: the models' reading, the equity for sizing, the quote-to-account rate.</summary>
public readonly record struct BarReading(double ProbabilityUp, string? Veto, long? Verdict, decimal Equity, decimal? QuoteToAccountRate,
    DateTimeOffset SourcePublishedAt);

/// <summary>
/// A live strategy's decisions, kept apart from where bars come from and where orders go: per instrument an
/// engine of the compiled program, the positions the strategy's fills made (<see cref="HeldPosition"/>), the one
/// signal per instrument it is acting on (<see cref="SignalOrder"/>), its counters, its numbered notices and its
/// tick-to-fill samples. Client order ids derive from the strategy, the instrument and the bar, so a bar decided
/// again orders nothing twice; an outcome is booked once, for the signal still working.
/// </summary>
public sealed class StrategyBook(string strategyId, IStrategyLedger ledger, Func<object, string> auditJson)
{
    public const int LatencySamples = 4096;

    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Queue<double> _latencies = new();
    private OrderRateLimiter? _throttle;

    public IStrategyLedger Ledger => ledger;

    /// <summary>The running program, or null while no engine runs.</summary>
    public StrategyProgram? Program { get; private set; }

    /// <summary>Tick-to-fill of the orders this activation placed, in microseconds, the latest <see cref="LatencySamples"/>.</summary>
    public IReadOnlyList<double> TickToFillMicroseconds => _latencies.ToList();

    /// <summary>Starts <paramref name="program"/> with no instruments yet (the engines start over; positions and counters stay).</summary>
    public void Run(StrategyProgram program)
    {
        Program = program;
        _throttle = program.Spec.Limits.MaxOrdersPerMinute is { } perMinute ? new OrderRateLimiter(perMinute, TimeSpan.FromMinutes(1)) : null;
        _lanes.Clear();
    }

    public void Stop()
    {
        Program = null;
        _lanes.Clear();
    }

    /// <summary>
    /// An engine for <paramref name="symbol"/>, warmed on its recent bars (oldest first); bars up to the later of the
    /// last one of those and the last one decided on are not decided again.
    /// </summary>
    public void AddInstrument(string symbol, string quoteCurrency, IEnumerable<Bar> history)
    {
        var program = Program ?? throw new InvalidOperationException("no program runs");
        var lane = new Lane(program.CreateEngine(symbol), quoteCurrency, program.Spec.Instruments.ToList().IndexOf(symbol));
        foreach (var bar in history)
        {
            try
            {
                lane.Engine.OnBar(bar, StrategyPosition.Flat, new StrategyContext(double.NaN, 0, 1));
            }
            catch (StrategyRuleException)
            {
                // Rules with no prediction or position behind them can fail where live ones would not; only live bars pause.
            }
            lane.LastBar = bar.OpenTime;
        }
        if (ledger.LastBars.GetValueOrDefault(LastBarKey(symbol, program.Timeframe)) is var decided && decided > lane.LastBar) lane.LastBar = decided;
        _lanes[symbol] = lane;
    }

    public string QuoteCurrencyOf(string symbol) => _lanes[symbol].QuoteCurrency;

    /// <summary>Whether the running program trades this bar's instrument and timeframe.</summary>
    public bool Trades(Bar bar) => Program is { } program && bar.Timeframe == program.Timeframe && _lanes.ContainsKey(bar.Symbol);

    /// <summary>Whether <paramref name="bar"/> (which <see cref="Trades"/>) comes after the last one decided on.</summary>
    public bool IsNew(Bar bar) => bar.OpenTime > _lanes[bar.Symbol].LastBar;

    /// <summary>
    /// Decides a new bar: counts it, runs the engine on the strategy's position and, when the position should change
    /// and <paramref name="trading"/>, stores the signal as working (with the strategy limits' verdict on its order)
    /// and returns it with its notice. Trading needs the instrument to have no signal working.
    /// </summary>
    public BarStep OnBar(Bar bar, BarReading reading, DateTimeOffset now, bool trading)
    {
        var program = Program ?? throw new InvalidOperationException("no program runs");
        var (symbol, lane) = (bar.Symbol, _lanes[bar.Symbol]);
        if (trading && ledger.Working.ContainsKey(symbol)) throw new InvalidOperationException($"{symbol} has a signal working: book its outcome first");
        lane.LastBar = bar.OpenTime;
        ledger.LastBars[LastBarKey(symbol, bar.Timeframe)] = bar.OpenTime;
        ledger.BarsSeen++;
        var held = ledger.Positions[symbol] = (ledger.Positions.GetValueOrDefault(symbol) ?? HeldPosition.Flat(symbol, lane.QuoteCurrency)).NextBar();

        StrategySignal signal;
        try
        {
            signal = lane.Engine.OnBar(bar, held.ForEngine, new StrategyContext(reading.ProbabilityUp, reading.Equity, reading.QuoteToAccountRate ?? 0m, reading.Veto));
        }
        catch (StrategyRuleException failure)
        {
            return new(null, null, $"{symbol} bar {bar.OpenTime:O}: {failure.Message}");
        }
        if (!signal.ChangesPosition)
        {
            ledger.Positions[symbol] = held with { Protection = signal.Protection };
            return BarStep.Held;
        }
        if (!trading) return BarStep.Held;

        ledger.Signals++;
        var order = Decide(program.Spec, lane, bar, held, signal, reading, now);
        ledger.Working[symbol] = order;
        return new(order, Notice(StrategyNoticeKind.Signal, symbol, order.SignalMessage, order.ClientOrderId, order.TargetPosition), null);
    }

    private SignalOrder Decide(StrategySpec spec, Lane lane, Bar bar, HeldPosition held, StrategySignal signal, BarReading reading, DateTimeOffset now)
    {
        var clientOrderId = $"{strategyId}-{lane.Index}-{Base36(bar.OpenTime.UtcTicks)}";
        var probabilityUp = double.IsNaN(reading.ProbabilityUp) ? (double?)null : reading.ProbabilityUp;
        var decision = auditJson(new
        {
            strategyId, version = spec.Version, symbol = bar.Symbol, barTime = bar.OpenTime, action = signal.Action.ToString(), current = held.Quantity,
            target = signal.TargetPosition, signal.Reason, probabilityUp, verdict = reading.Verdict, clientOrderId,
        });
        var order = new SignalOrder(clientOrderId, bar.OpenTime, held.Quantity, signal.TargetPosition, signal.Protection, reading.QuoteToAccountRate,
            reading.SourcePublishedAt, decision, $"{signal.Action}: {signal.Reason} (target {signal.TargetPosition})");

        var close = (decimal)bar.Close;
        var rate = reading.QuoteToAccountRate;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var dailyPnl = ledger.Positions.Values.Sum(h => h.RealizedOn(today)) + (rate is { } r && held.Quantity != 0 ? (close - held.EntryPrice) * held.Quantity * r : 0);
        var limit = StrategyLimitCheck.Check(spec.Limits, held.Quantity, signal.TargetPosition, Math.Abs(order.Delta) * close * (rate ?? 0), dailyPnl, _throttle, now);
        return limit.Approved ? order : order with
        {
            LimitRefusal = auditJson(new { strategyId, request = order.ToRequest(spec, bar.Symbol), decision = limit }),
            LimitMessage = $"{limit.Limit}: {limit.Message}",
        };
    }

    /// <summary>
    /// Books the outcome of the signal working on <paramref name="symbol"/> if it is still the one
    /// <paramref name="clientOrderId"/> names (else nothing: the outcome was booked already) and the order is done
    /// (else nothing yet: the signal keeps working), and returns the notices it makes. A fill already booked for that
    /// order (<see cref="IStrategyLedger.LastOrders"/>) is not booked again.
    /// </summary>
    public IReadOnlyList<StrategyNotice> Settle(string symbol, string clientOrderId, OrderOutcome outcome)
    {
        if (!ledger.Working.TryGetValue(symbol, out var order) || order.ClientOrderId != clientOrderId || !outcome.Done) return [];
        ledger.Working.Remove(symbol);
        var quantity = Math.Abs(order.Delta);
        switch (outcome.Kind)
        {
            case OrderOutcomeKind.Expired:
                return [Notice(StrategyNoticeKind.Order, symbol, outcome.Message, clientOrderId)];
            case OrderOutcomeKind.LimitRefused:
                ledger.OrdersRejected++;
                return [Notice(StrategyNoticeKind.Risk, symbol, order.LimitMessage ?? outcome.Message, clientOrderId, quantity)];
            case OrderOutcomeKind.RiskRefused:
                ledger.OrdersRejected++;
                return [Notice(StrategyNoticeKind.Risk, symbol, outcome.Message, clientOrderId, quantity)];
            case OrderOutcomeKind.NotSubmitted:
                ledger.OrdersRejected++;
                return [Notice(StrategyNoticeKind.Order, symbol, $"not submitted: {outcome.Message}", clientOrderId, quantity)];
        }

        var side = order.Delta > 0 ? OrderSide.Buy : OrderSide.Sell;
        var placed = Notice(StrategyNoticeKind.Order, symbol, $"{side} {quantity}: {outcome.Message}", clientOrderId, quantity);
        if (outcome.FilledQuantity == 0 || ledger.LastOrders.GetValueOrDefault(symbol) == clientOrderId)
        {
            if (outcome.FilledQuantity == 0) ledger.OrdersRejected++;
            return [placed];
        }
        var price = outcome.AveragePrice ?? throw new ArgumentException("a fill needs its average price", nameof(outcome));
        var held = ledger.Positions.GetValueOrDefault(symbol) ?? HeldPosition.Flat(symbol, _lanes.GetValueOrDefault(symbol)?.QuoteCurrency ?? "");
        var booked = ledger.Positions[symbol] = held.Book(side.Sign() * outcome.FilledQuantity, price, order.QuoteToAccountRate ?? 1m,
            DateOnly.FromDateTime(outcome.AnsweredAt.UtcDateTime), order.Protection);
        ledger.LastOrders[symbol] = clientOrderId;
        ledger.OrdersFilled++;
        if (!outcome.Duplicate)
        {
            _latencies.Enqueue((outcome.AnsweredAt - order.SourcePublishedAt).TotalMicroseconds);
            if (_latencies.Count > LatencySamples) _latencies.Dequeue();
        }
        return [placed, Notice(StrategyNoticeKind.Fill, symbol, $"{side} {outcome.FilledQuantity} at {price}; position {booked.Quantity}", clientOrderId,
            outcome.FilledQuantity, price)];
    }

    /// <summary>The next notice, numbered after every one before it.</summary>
    public StrategyNotice Notice(StrategyNoticeKind kind, string? symbol, string message, string? clientOrderId = null, decimal? quantity = null, decimal? price = null) =>
        new(++ledger.EventSequence, kind, symbol, message, clientOrderId, quantity, price);

    private static string LastBarKey(string symbol, Timeframe timeframe) => $"{symbol}:{timeframe.Name}";

    private static string Base36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = new Stack<char>();
        do
        {
            text.Push(digits[(int)(value % 36)]);
            value /= 36;
        } while (value > 0);
        return new string(text.ToArray());
    }

    private sealed class Lane(StrategyEngine engine, string quoteCurrency, int index)
    {
        public StrategyEngine Engine { get; } = engine;
        public string QuoteCurrency { get; } = quoteCurrency;
        public int Index { get; } = index;
        public DateTimeOffset LastBar { get; set; } = DateTimeOffset.MinValue;
    }
}
