using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.MarketData;
using AiTrading.Core.Strategies;
using AiTrading.Core.Trading;
using AiTrading.Grains;
using AiTrading.Streaming.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace AiTrading.Postgres.Tests;

/// <summary>
/// Three silos on PostgreSQL membership and storage with Kafka streams (librdkafka's mock cluster, 3 brokers), a
/// strategy trading six instruments, and one silo killed while the ticks stream.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Account = "FO-ACC", StrategyId = "fo-cross";
    private const int Minutes = 40, TicksPerMinute = 12, KillAtMinute = 16;
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Symbols = Enumerable.Range(0, 6).Select(i => $"FO{i}").ToArray();

    // A database and a Kafka cluster for each case: the audit stream and the consumer group start empty.
    private readonly PostgresDatabase database = new();
    private readonly KafkaMockCluster kafka = KafkaMockCluster.Start(brokers: 3);

    public Task InitializeAsync() => database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        kafka.Dispose();
    }

    /// <summary>
    /// Kafka streams, fast failure detection (Orleans' default takes most of a minute to declare a silo dead) and the
    /// account the strategy trades.
    /// </summary>
    public static Dictionary<string, string?> KafkaSettings(KafkaMockCluster kafka, string topic) => new()
    {
        [$"Trading:Accounts:{Account}:Currency"] = "USD",
        ["Streams:Provider"] = "Kafka",
        ["Streams:Kafka:BootstrapServers"] = kafka.BootstrapServers,
        ["Streams:Kafka:Topic"] = topic,
        ["Streams:Kafka:Partitions"] = "4",
        ["Streams:Kafka:CreateTopics"] = "false",
        ["Streams:Kafka:CommitInterval"] = "00:00:00.100",
        ["Clustering:Membership:ProbeTimeout"] = "00:00:01",
        ["Clustering:Membership:NumMissedProbesLimit"] = "2",
        ["Clustering:Membership:TableRefreshTimeout"] = "00:00:01",
        ["Clustering:Membership:IAmAliveTablePublishTimeout"] = "00:00:02",
    };

    public static string CreateTopics(KafkaMockCluster kafka)
    {
        var topic = $"market-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, 4);
        kafka.CreateTopic(topic + ".dlq", 1);
        return topic;
    }

    /// <summary>Tick k of a symbol: one every 5 s, the mid a 10-minute wave, so SMA 3/8 on minute bars cross every few bars.</summary>
    private static List<Tick> TicksOf(string symbol, int index) => Enumerable.Range(0, Minutes * TicksPerMinute).Select(k =>
    {
        var mid = Math.Round(100 + 10 * index + 2 * Math.Sin(2 * Math.PI * k / (10 * TicksPerMinute)), 2);
        return new Tick(symbol, Start.AddSeconds(5 * k), mid - 0.01, mid + 0.01, 1000, 1000);
    }).ToList();

    private static StrategySpec Spec() => new()
    {
        Id = StrategyId,
        Account = Account,
        Instruments = Symbols,
        Features = [new("SMA", new Dictionary<string, double> { ["period"] = 3 }), new("SMA", new Dictionary<string, double> { ["period"] = 8 })],
        Rules = new() { EntryLong = "cross_above(SMA_3, SMA_8)", ExitLong = "cross_below(SMA_3, SMA_8)" },
        Sizing = new() { Method = PositionSizing.FixedQuantity, Quantity = 10 },
    };

    /// <summary>Waits until every instrument has taken the last tick and the account's audit stream has stopped growing.</summary>
    private static async Task SettledAsync(IClusterClient client)
    {
        var last = Start.AddSeconds(5 * (Minutes * TicksPerMinute - 1));
        foreach (var symbol in Symbols)
        {
            InstrumentSnapshot? seen = null;
            try
            {
                await Eventually.True(async () => (seen = await client.GetGrain<IInstrumentGrain>(symbol).GetSnapshotAsync(0)).LastTickTime == last,
                    $"{symbol} to take its last tick", TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}: it took {seen?.TickCount} ticks, {seen?.FirstTickTime:O} to {seen?.LastTickTime:O}, refused {seen?.RejectedTicks}", e);
            }
        }
        // Quiet for 5 s in a row: a pending signal is retried each second, and a loaded machine can pause the pipeline
        // for longer than one poll, so one unchanged poll is not the end of trading.
        long length = -1;
        var quietPolls = 0;
        await Eventually.True(async () =>
        {
            var before = length;
            await Task.Delay(1000);
            length = (await client.GetGrain<IAuditStreamGrain>(Account).GetInfoAsync()).Length;
            quietPolls = length == before ? quietPolls + 1 : 0;
            return quietPolls >= 5;
        }, "the strategy to trade the last bars");
    }

    /// <summary>The account's whole audit stream, after checking its chain.</summary>
    private static async Task<List<AuditRecord>> VerifiedAuditAsync(IClusterClient client)
    {
        var audit = client.GetGrain<IAuditStreamGrain>(Account);
        var verification = await audit.VerifyAsync();
        verification.Valid.ShouldBeTrue();
        var records = new List<AuditRecord>();
        while (await audit.ReadAsync(records.Count + 1, AuditStreamGrain.MaxReadLimit) is { Count: > 0 } page) records.AddRange(page);
        records.Count.ShouldBe((int)verification.RecordsChecked);
        return records;
    }

    /// <param name="rewind">
    /// How far a partition's new reader goes back before the committed offset: 0 resumes exactly there (a gap in
    /// what was committed would show as a lost tick), 10 s replays the whole run to instruments that survived.
    /// </param>
    /// <param name="killStrategy">whether the victim also hosts the strategy grain (else it must not)</param>
    [Theory]
    [InlineData("00:00:00", true)]
    [InlineData("00:00:10", false)]
    public async Task A_silo_killed_while_ticks_stream_loses_and_doubles_no_tick_order_fill_or_audit_record(string rewind, bool killStrategy)
    {
        var settings = KafkaSettings(kafka, CreateTopics(kafka));
        settings["Streams:Kafka:RewindWindow"] = rewind;
        await using var cluster = await PostgresCluster.StartAsync(database.ConnectionString, $"failover", settings: settings);
        var client = cluster.Client;
        var ticks = Symbols.Select((s, i) => (Symbol: s, Ticks: TicksOf(s, i))).ToDictionary(x => x.Symbol, x => x.Ticks);
        for (var i = 0; i < Symbols.Length; i++) await cluster.ConfigureInstrumentAsync(Symbols[i], 100 + 10 * i);
        await client.GetGrain<IStrategyGrain>(StrategyId).SubmitAsync(Spec());

        var provider = client.GetStreamProvider(StreamNames.Provider);
        async Task PublishMinuteAsync(int minute) => await Task.WhenAll(Symbols.Select(s =>
            provider.GetStream<TickBatch>(StreamNames.Ticks, s).OnNextAsync(new TickBatch(s, ticks[s].Skip(minute * TicksPerMinute).Take(TicksPerMinute).ToArray(), DateTimeOffset.UtcNow))));
        for (var minute = 0; minute < KillAtMinute; minute++) await PublishMinuteAsync(minute);
        await Eventually.True(async () => (await client.GetGrain<IInstrumentGrain>(Symbols[^1]).GetSnapshotAsync(0)).TickCount > 0, "the first ticks to arrive");

        var statistics = await client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var hosts = statistics.Where(s => s.GrainType.Contains(nameof(InstrumentGrain)) && Symbols.Contains(s.GrainId.Key.ToString())).GroupBy(s => s.SiloAddress).ToDictionary(g => g.Key, g => g.Select(s => s.GrainId.Key.ToString()!).ToHashSet());
        var strategyHost = statistics.Single(s => s.GrainType.Contains(nameof(StrategyGrain))).SiloAddress;
        // The strategy's silo when the case kills the strategy (it may host no instrument); else another silo, one
        // reading partitions and hosting instruments where there is one (all six may have landed on the strategy's silo).
        int Partitions(SiloHandle silo) => ((KafkaAdapterFactory)cluster.Cluster.GetSiloServiceProvider(silo.SiloAddress)
            .GetRequiredKeyedService<IQueueAdapterFactory>(StreamNames.Provider)).ReadingPartitions.Count;
        var victim = cluster.Cluster.Silos
            .Where(silo => killStrategy == (silo.SiloAddress == strategyHost))
            .OrderByDescending(silo => Partitions(silo) > 0 && hosts.ContainsKey(silo.SiloAddress))
            .ThenByDescending(silo => Partitions(silo) > 0)
            .ThenByDescending(silo => hosts.GetValueOrDefault(silo.SiloAddress)?.Count ?? 0).First();
        var moved = hosts.GetValueOrDefault(victim.SiloAddress) ?? [];
        output.WriteLine($"killed {victim.SiloAddress}: instruments {string.Join(",", moved)}{(victim.SiloAddress == strategyHost ? " and the strategy" : "")}");

        var publishing = Task.Run(async () =>
        {
            for (var minute = KillAtMinute; minute < Minutes; minute++)
            {
                await PublishMinuteAsync(minute);
                await Task.Delay(25);
            }
        });
        await cluster.Cluster.KillSiloAsync(victim);
        await publishing;

        await SettledAsync(client);
        foreach (var symbol in Symbols)
        {
            var snapshot = await client.GetGrain<IInstrumentGrain>(symbol).GetSnapshotAsync(InstrumentGrain.BarHistory);
            var first = snapshot.FirstTickTime!.Value;
            // Survivors took every tick from the start; a moved instrument's new activation takes what the partition's
            // reader redelivers from its rewind point (the whole run here: it is shorter than the rewind window).
            if (!moved.Contains(symbol)) first.ShouldBe(Start, $"{symbol} stayed on a live silo");
            var taken = ticks[symbol].Where(t => t.Time >= first).ToList();
            output.WriteLine($"{symbol}{(moved.Contains(symbol) ? " (moved)" : "")}: ticks from {first:T}, {snapshot.TickCount} taken, {snapshot.RejectedTicks} rejected");
            snapshot.RejectedTicks.ShouldBe(0, $"{symbol}: a redelivered batch reached the bar builder");
            snapshot.TickCount.ShouldBe(taken.Count, $"{symbol} from {first:T}: a tick was lost or counted twice");
            (snapshot.Quote!.Bid, snapshot.Quote.Ask).ShouldBe((taken[^1].Bid, taken[^1].Ask));
            var bars = snapshot.MinuteBars;
            bars[^1].OpenTime.ShouldBe(Start.AddMinutes(Minutes - 2), $"{symbol}: the last closed bar");
            bars.Skip(1).ShouldAllBe(b => b.TickCount == TicksPerMinute, $"{symbol}: a whole minute holds {TicksPerMinute} ticks");
            (bars.Sum(b => b.TickCount) + TicksPerMinute).ShouldBe(taken.Count, $"{symbol}: bars and the open minute hold every tick taken");
            foreach (var bar in bars.Skip(1))
            {
                var minute = ticks[symbol].Where(t => t.Time >= bar.OpenTime && t.Time < bar.OpenTime.AddMinutes(1)).ToList();
                (bar.Open, bar.Close, bar.High, bar.Low).ShouldBe((minute[0].Mid, minute[^1].Mid, minute.Max(t => t.Mid), minute.Min(t => t.Mid)),
                    $"{symbol} bar {bar.OpenTime:T}");
            }
        }

        var records = await VerifiedAuditAsync(client);
        string Field(AuditRecord r, string name) => JsonDocument.Parse(r.Payload).RootElement.GetProperty(name).ToString();
        var accepted = records.Where(r => r.Kind == AuditKinds.OrderAccepted).Select(r => Field(r, "orderId")).ToList();
        var fills = records.Where(r => r.Kind == AuditKinds.Fill).Select(r => Field(r, "fillId")).ToList();
        accepted.Count.ShouldBeGreaterThan(Symbols.Length, "the strategy traded");
        output.WriteLine($"{records.Count} audit records, {accepted.Count} orders, {fills.Count} fills, " +
                         $"{records.Count(r => r.Kind == AuditKinds.Decision)} decisions, {records.Count(r => r.Kind == AuditKinds.RiskRejected)} refused");
        accepted.ShouldBeUnique("an order was audited twice");
        fills.ShouldBeUnique("a fill was audited twice");


        var orders = await Task.WhenAll(accepted.Select(id => client.GetGrain<IOrderGrain>(id).GetAsync()));
        orders.SelectMany(o => o!.Fills).Select(f => f.FillId).ShouldBe(fills, ignoreOrder: true);
        var positions = (await client.GetGrain<IPortfolioGrain>(Account).GetValuationAsync()).Positions.ToDictionary(p => p.Position.Symbol, p => p.Position.Quantity);
        var holdings = (await client.GetGrain<IStrategyGrain>(StrategyId).GetAsync())!.Holdings;
        foreach (var symbol in Symbols)
        {
            var net = orders.SelectMany(o => o!.Fills).Where(f => f.Symbol == symbol).Sum(f => f.Side.Sign() * f.Quantity);
            positions.GetValueOrDefault(symbol).ShouldBe(net, $"{symbol}: the position is the sum of its distinct fills");
            (holdings.GetValueOrDefault(symbol)?.Quantity ?? 0).ShouldBe(net, $"{symbol}: the strategy's holding");
        }

        // Every decision is audited once and has exactly one outcome: the order, the risk gate's refusal (a first bar can
        // come before the venue has a quote) or, for a signal whose strategy died before sending it and came back after
        // its bar went stale, the expiry record.
        var decisions = records.Where(r => r.Kind == AuditKinds.Decision).Select(r => OrderView.IdFor(Account, Field(r, "clientOrderId"))).ToList();
        var refused = records.Where(r => r.Kind == AuditKinds.RiskRejected).Select(r => Field(r, "orderId")).ToList();
        var expired = records.Where(r => r.Kind == AuditKinds.SignalExpired).Select(r => OrderView.IdFor(Account, Field(r, "clientOrderId"))).ToList();
        records.ShouldNotContain(r => r.Kind == AuditKinds.StrategyLimitRejected, "the strategy sets no limits of its own");
        refused.ShouldBeUnique("a refusal was audited twice");
        decisions.ShouldBeUnique("a decision was audited twice");
        decisions.ShouldBe(accepted.Concat(refused).Concat(expired), ignoreOrder: true, "a decision without exactly one outcome");
    }

    /// <summary>
    /// RestartTests covers a restart on memory streams, where nothing comes back; on Kafka the consumer group resumes
    /// behind its committed offsets (the rewind window), so fresh instruments rebuild bars from ticks the first cluster
    /// already traded on and hand them to the restored strategy again.
    /// </summary>
    [Fact]
    public async Task After_a_full_restart_on_kafka_the_replayed_ticks_trade_nothing_twice()
    {
        var settings = KafkaSettings(kafka, CreateTopics(kafka));
        // Offsets are committed once messages leave the rewind window; with the default 10 s a first cluster slowed by a
        // loaded machine commits everything before it stops, and the second has nothing to replay (0 ticks seen).
        settings["Streams:Kafka:RewindWindow"] = "00:10:00";
        var ticks = Symbols.Select((s, i) => (Symbol: s, Ticks: TicksOf(s, i))).ToDictionary(x => x.Symbol, x => x.Ticks);
        async Task<(List<AuditRecord> Records, Dictionary<string, decimal> Positions, Dictionary<string, decimal> Holdings)> StateAsync(IClusterClient client)
        {
            var records = await VerifiedAuditAsync(client);
            var positions = (await client.GetGrain<IPortfolioGrain>(Account).GetValuationAsync()).Positions.ToDictionary(p => p.Position.Symbol, p => p.Position.Quantity);
            var holdings = (await client.GetGrain<IStrategyGrain>(StrategyId).GetAsync())!.Holdings.ToDictionary(h => h.Key, h => h.Value.Quantity);
            return (records, positions, holdings);
        }
        static List<string> Of(List<AuditRecord> records, string kind, string field) =>
            records.Where(r => r.Kind == kind).Select(r => JsonDocument.Parse(r.Payload).RootElement.GetProperty(field).ToString()).ToList();

        (List<AuditRecord> Records, Dictionary<string, decimal> Positions, Dictionary<string, decimal> Holdings) before;
        await using (var first = await PostgresCluster.StartAsync(database.ConnectionString, "restart-kafka", settings: settings))
        {
            for (var i = 0; i < Symbols.Length; i++) await first.ConfigureInstrumentAsync(Symbols[i], 100 + 10 * i);
            await first.Client.GetGrain<IStrategyGrain>(StrategyId).SubmitAsync(Spec());
            var provider = first.Client.GetStreamProvider(StreamNames.Provider);
            foreach (var minute in Enumerable.Range(0, Minutes))
                await Task.WhenAll(Symbols.Select(s => provider.GetStream<TickBatch>(StreamNames.Ticks, s)
                    .OnNextAsync(new TickBatch(s, ticks[s].Skip(minute * TicksPerMinute).Take(TicksPerMinute).ToArray(), DateTimeOffset.UtcNow))));
            await SettledAsync(first.Client);
            before = await StateAsync(first.Client);
        }
        Of(before.Records, AuditKinds.OrderAccepted, "orderId").Count.ShouldBeGreaterThan(Symbols.Length, "the strategy traded");

        await using var second = await PostgresCluster.StartAsync(database.ConnectionString, "restart-kafka", settings: settings);
        (await second.Client.GetGrain<IStrategyGrain>(StrategyId).GetAsync())!.State.ShouldBe(StrategyLifecycle.Running);
        await SettledAsync(second.Client);
        var replayed = await Task.WhenAll(Symbols.Select(s => second.Client.GetGrain<IInstrumentGrain>(s).GetSnapshotAsync(InstrumentGrain.BarHistory)));
        replayed.ShouldAllBe(s => s.TickCount > 0, "the consumer group resumed behind its committed offsets");
        replayed.ShouldAllBe(s => s.RejectedTicks == 0);
        var after = await StateAsync(second.Client);
        output.WriteLine($"replayed ticks: {string.Join(", ", replayed.Select(s => $"{s.Spec.Symbol} {s.TickCount} from {s.FirstTickTime:T}"))}; " +
                         $"audit {before.Records.Count} -> {after.Records.Count}: " +
                         string.Join(", ", after.Records.Skip(before.Records.Count).GroupBy(r => r.Kind).Select(g => $"{g.Count()} {g.Key}")));

        after.Records.Take(before.Records.Count).Select(r => r.Hash).ShouldBe(before.Records.Select(r => r.Hash));
        Of(after.Records, AuditKinds.Decision, "clientOrderId").ShouldBe(Of(before.Records, AuditKinds.Decision, "clientOrderId"), "a bar decided again");
        Of(after.Records, AuditKinds.OrderAccepted, "orderId").ShouldBe(Of(before.Records, AuditKinds.OrderAccepted, "orderId"), "an order placed again");
        Of(after.Records, AuditKinds.Fill, "fillId").ShouldBe(Of(before.Records, AuditKinds.Fill, "fillId"), "a fill booked again");
        after.Positions.ShouldBe(before.Positions);
        foreach (var symbol in Symbols)
            after.Holdings.GetValueOrDefault(symbol).ShouldBe(after.Positions.GetValueOrDefault(symbol), $"{symbol}: the strategy's holding");
    }
}
