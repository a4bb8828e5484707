using AiTrading.Connectors.Feeds;
using AiTrading.Contracts;
using AiTrading.Core.Accounts;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;
using AiTrading.Core.Strategies;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace AiTrading.Silo;

/// <summary>What the embedded runner starts besides the silo: a feed, and optionally demo strategies.</summary>
public sealed class LiveFeedSettings
{
    public bool StartDemoStrategies { get; set; } = true;
    public string DemoAccount { get; set; } = "DEMO";
    /// <summary>Approximate notional per demo trade, in USD; each demo strategy's quantity is derived from it.</summary>
    public decimal DemoNotionalUsd { get; set; } = 100_000m;
}

/// <summary>
/// Declares the feed's instruments, starts the demo strategies, then publishes the feed's ticks to the ticks
/// stream, one batch per symbol, awaiting the publishes so a slow cluster slows the feed instead of losing ticks.
/// </summary>
public sealed class LiveFeedService(
    IMarketDataFeed feed,
    IClusterClient cluster,
    LiveFeedSettings settings,
    TimeProvider clock,
    ILogger<LiveFeedService> logger) : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once instruments are configured and demo strategies run.</summary>
    public Task Ready => _ready.Task;

    public long TicksPublished { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var spec in feed.Instruments)
                await cluster.GetGrain<IInstrumentGrain>(spec.Symbol).ConfigureAsync(spec);
            if (settings.StartDemoStrategies)
            {
                await OpenDemoAccountAsync();
                foreach (var spec in feed.Instruments)
                    await cluster.GetGrain<IStrategyGrain>(DemoStrategyId(spec.Symbol)).SubmitAsync(DemoStrategy(spec));
            }
            _ready.TrySetResult();
            logger.LogInformation("Feed started: {Symbols}", string.Join(", ", feed.Instruments.Select(i => i.Symbol)));

            var provider = cluster.GetStreamProvider(StreamNames.Provider);
            var streams = new Dictionary<string, IAsyncStream<TickBatch>>(StringComparer.Ordinal);
            var bySymbol = new Dictionary<string, List<Tick>>(StringComparer.Ordinal);
            var publishes = new List<Task>();
            await foreach (var batch in feed.ReadAsync(stoppingToken))
            {
                foreach (var list in bySymbol.Values) list.Clear();
                foreach (var tick in batch)
                {
                    if (!bySymbol.TryGetValue(tick.Symbol, out var list)) bySymbol[tick.Symbol] = list = [];
                    list.Add(tick);
                }
                // The symbols' batches go out together: one after another, the last symbol's ticks would wait for
                // every enqueue before theirs. Each symbol still has one batch in flight, so its ticks stay in order.
                var publishedAt = clock.GetUtcNow();
                publishes.Clear();
                var handed = 0;
                foreach (var (symbol, ticks) in bySymbol)
                {
                    if (ticks.Count == 0) continue;
                    if (!streams.TryGetValue(symbol, out var stream))
                        streams[symbol] = stream = provider.GetStream<TickBatch>(StreamNames.Ticks, symbol);
                    publishes.Add(stream.OnNextAsync(new TickBatch(symbol, ticks.ToArray(), publishedAt)));
                    handed += ticks.Count;
                }
                await Task.WhenAll(publishes);
                TicksPublished += handed;
            }
            logger.LogInformation("Feed finished after {Ticks} ticks", TicksPublished);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            logger.LogCritical(e, "Feed failed");
            throw;
        }
    }

    /// <summary>Who opens the demo account, in its audit stream.</summary>
    public const string DemoPrincipal = "demo";

    /// <summary>Opens the demo account with the "Trading" defaults unless it is open (configuration may have opened it with its own terms).</summary>
    private async Task OpenDemoAccountAsync()
    {
        var account = cluster.GetGrain<IAccountGrain>(settings.DemoAccount);
        if (await account.GetRecordAsync() is not null) return;
        try
        {
            await account.CreateAsync(new AccountRequest(settings.DemoAccount), DemoPrincipal);
        }
        catch (ConflictException)
        {
            // Opened meanwhile with other terms: that account serves the demo as well.
        }
    }

    public static string DemoStrategyId(string symbol) => "demo-" + symbol.ToLowerInvariant();

    /// <summary>
    /// The demo: the baseline model's view of each symbol, long when P(up) ≥ 0.6, short when ≤ 0.4, flat when it comes
    /// back within 0.02 of a coin flip, about <see cref="LiveFeedSettings.DemoNotionalUsd"/> a trade.
    /// </summary>
    public StrategySpec DemoStrategy(InstrumentSpec spec)
    {
        var usdPerUnit = spec.QuoteCurrency == "USD" ? spec.InitialPrice : spec.BaseCurrency == "USD" ? 1.0 : spec.InitialPrice;
        var quantity = Math.Max(1m, Math.Round(settings.DemoNotionalUsd / (decimal)usdPerUnit, 0));
        const string flat = "abs(p_up - 0.5) <= 0.02";
        return new StrategySpec
        {
            Id = DemoStrategyId(spec.Symbol),
            Account = settings.DemoAccount,
            Instruments = [spec.Symbol],
            Timeframe = "M1",
            Models = [new(BaselineDirectionModel.Name)],
            MinConfidence = 0.6,
            Rules = new() { EntryLong = "p_up >= 0.6", ExitLong = flat, EntryShort = "p_up <= 0.4", ExitShort = flat },
            Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = quantity },
        };
    }
}
