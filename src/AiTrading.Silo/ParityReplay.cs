using AiTrading.Connectors.Feeds;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;
using Orleans.Streams;

namespace AiTrading.Silo;

/// <summary>The live side of a parity run: what the strategy sent, the account it traded in, and the bars it decided on.</summary>
public sealed record ParityLiveRun(IReadOnlyList<ParityOrder> Orders, AccountRecord Account, long Bars);

/// <summary>
/// Replays a CSV through a running cluster for a parity check: the instrument is configured, the spec's account
/// opened (when it is not) and the spec submitted before the first tick; then the file's ticks go to the ticks stream
/// as fast as the strategy takes them, bar-synchronously: the ticks after one that closes a bar of the strategy's
/// timeframe wait until the strategy has handled that bar and its order is done. So the order trades on the tick
/// that closed its bar, as the backtester assumes (no market time passes between a decision and its order), however
/// fast the cluster is. The orders are read back from the strategy's events and the order grains.
/// </summary>
public static class ParityReplay
{
    /// <summary>Who opens the spec's account when it is not open, in its audit stream.</summary>
    public const string Principal = "parity";

    /// <param name="barTimeout">the longest a bar may take from its closing tick to its order's end</param>
    /// <exception cref="ValidationException">The spec does not fit the feed (one instrument, the feed's), or the cluster refused it.</exception>
    /// <exception cref="TimeoutException">The strategy did not finish a bar in <paramref name="barTimeout"/>.</exception>
    public static async Task<ParityLiveRun> RunAsync(IClusterClient cluster, CsvReplayFeed feed, StrategySpec spec, TimeSpan barTimeout, CancellationToken cancellationToken)
    {
        spec = spec.Normalized();
        var timeframe = Check(feed, spec);
        var instrument = feed.Instruments[0];
        var symbol = instrument.Symbol;
        await cluster.GetGrain<IInstrumentGrain>(symbol).ConfigureAsync(instrument);
        var accountGrain = cluster.GetGrain<IAccountGrain>(spec.Account);
        if (await accountGrain.GetRecordAsync() is null) await accountGrain.CreateAsync(new AccountRequest(spec.Account), Principal);
        var account = (await accountGrain.GetRecordAsync())!;

        var provider = cluster.GetStreamProvider(StreamNames.Provider);
        var events = new List<StrategyEvent>();
        var subscription = await provider.GetStream<StrategyEvent>(StreamNames.StrategyEvents, spec.Id)
            .SubscribeAsync((e, _) => { lock (events) events.Add(e); return Task.CompletedTask; });
        try
        {
            var strategy = cluster.GetGrain<IStrategyGrain>(spec.Id);
            await strategy.SubmitAsync(spec);
            var ticks = provider.GetStream<TickBatch>(StreamNames.Ticks, symbol);
            var closer = new BarAggregator(symbol, timeframe);
            var closes = new List<(long Signals, Tick Tick)>(); // after each bar: the strategy's signals so far, and the tick that closed it
            var batch = new List<Tick>(TickBatcherLimit);
            foreach (var tick in feed.ReadTicks())
            {
                cancellationToken.ThrowIfCancellationRequested();
                batch.Add(tick);
                var closed = closer.Update(tick, out _);
                if (!closed && batch.Count < TickBatcherLimit) continue;
                await ticks.OnNextAsync(new TickBatch(symbol, batch.ToArray(), DateTimeOffset.UtcNow));
                batch.Clear();
                if (closed) closes.Add((await SettledAsync(strategy, closes.Count + 1, tick, barTimeout, cancellationToken), tick));
            }
            if (batch.Count > 0) await ticks.OnNextAsync(new TickBatch(symbol, batch.ToArray(), DateTimeOffset.UtcNow));

            var signals = (await strategy.GetAsync())!.Signals;
            var deadline = DateTime.UtcNow + barTimeout;
            List<StrategyEvent> seen;
            while (true)
            {
                lock (events) seen = events.Where(e => e.Kind == StrategyEventKinds.Signal).OrderBy(e => e.Sequence).ToList();
                if (seen.Count >= signals) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{seen.Count} of the strategy's {signals} signal events arrived in {barTimeout.TotalSeconds:0} s");
                await Task.Delay(10, cancellationToken);
            }
            return new(await OrdersAsync(cluster, spec, seen, closes), account, closes.Count);
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    /// <summary>The spec's timeframe, when the spec trades the feed's one instrument on a timeframe the live cluster builds.</summary>
    /// <exception cref="ValidationException">It does not, naming the field.</exception>
    public static Timeframe Check(CsvReplayFeed feed, StrategySpec spec)
    {
        var symbol = feed.Instruments[0].Symbol;
        if (spec.Instruments is not [var traded] || traded != symbol)
            throw new ValidationException("instruments", $"a parity run replays one instrument, {symbol} (the spec trades {string.Join(", ", spec.Instruments ?? [])})");
        return Timeframe.TryParseName(spec.Timeframe, out var timeframe, out var problem) ? timeframe : throw new ValidationException("timeframe", problem);
    }

    /// <summary>At most this many ticks a batch, as the live feed sends them.</summary>
    private const int TickBatcherLimit = 1024;

    /// <summary>
    /// Waits until the strategy has handled <paramref name="bars"/> bars and every signal has its order done (filled
    /// or refused); its signal count then.
    /// </summary>
    private static async Task<long> SettledAsync(IStrategyGrain strategy, long bars, Tick closing, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var view = (await strategy.GetAsync())!;
            if (view.State is not (StrategyLifecycle.Running or StrategyLifecycle.Paused))
                throw new ValidationException("strategy", $"'{view.Spec.Id}' is {view.State.ToString().ToLowerInvariant()}{(view.Reason is { } why ? $": {why}" : "")}");
            if (view.BarsSeen >= bars && view.Signals == view.OrdersFilled + view.OrdersRejected) return view.Signals;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the strategy did not finish bar {bars} (closed by the tick at {closing.Time:O}) in {timeout.TotalSeconds:0} s");
            await Task.Delay(1, cancellationToken);
        }
    }

    /// <summary>
    /// Each signal's order: its order grain's view, or (when the strategy's limits refused it before it became an
    /// order) the side and quantity it would have had, from the target and the position the fills before it left.
    /// </summary>
    private static async Task<IReadOnlyList<ParityOrder>> OrdersAsync(IClusterClient cluster, StrategySpec spec, IReadOnlyList<StrategyEvent> signals,
        IReadOnlyList<(long Signals, Tick Tick)> closes)
    {
        var orders = new List<ParityOrder>(signals.Count);
        var position = 0m;
        var close = 0;
        for (var i = 0; i < signals.Count; i++)
        {
            while (close < closes.Count - 1 && closes[close].Signals <= i) close++;
            var tick = closes[close].Tick;
            var spread = (decimal)tick.Ask - (decimal)tick.Bid;
            var signal = signals[i];
            var order = await cluster.GetGrain<IOrderGrain>(OrderView.IdFor(spec.Account, signal.ClientOrderId!)).GetAsync();
            if (order is null)
            {
                var delta = (signal.Quantity ?? 0) - position;
                orders.Add(new(signal.Symbol!, tick.Time, Side(delta > 0 ? OrderSide.Buy : OrderSide.Sell), Math.Abs(delta), nameof(OrderStatus.Rejected), 0, null, spread));
                continue;
            }
            var filledAt = order.Fills.Count > 0 ? order.Fills[0].Time : tick.Time;
            orders.Add(new(order.Request.Symbol, filledAt, Side(order.Request.Side), order.Request.Quantity, order.Status.ToString(), order.FilledQuantity,
                order.AverageFillPrice, spread));
            position += order.Request.Side.Sign() * order.FilledQuantity;
        }
        return orders;
    }

    private static string Side(OrderSide side) => side.ToString().ToUpperInvariant();
}
