using AiTrading.Contracts;
using AiTrading.Core.Accounts;
using AiTrading.Core.MarketData;
using AiTrading.Grains;
using AiTrading.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.TestingHost;

namespace AiTrading.Grains.Tests;

/// <summary>A real two-silo in-process cluster with the platform's silo configuration.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    /// <summary>An account the silos open from their configuration.</summary>
    public const string ConfiguredAccount = "CONFIGURED";

    /// <summary>The silos' configuration (as appsettings would give it).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Configuration { get; } = new Dictionary<string, string?>
    {
        ["Trading:Paper:Seed"] = "11",
        [$"Trading:Accounts:{ConfiguredAccount}:Currency"] = "EUR",
        [$"Trading:Accounts:{ConfiguredAccount}:Cash"] = "250000",
        [$"Trading:Accounts:{ConfiguredAccount}:Limits:MaxOrderNotional"] = "123456",
    };

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAiTradingGrains(new ConfigurationBuilder().AddInMemoryCollection(Configuration).Build());
            ConfigureSilo(silo);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider, b => b.ConfigurePartitioning(new StreamSettings().Queues)));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>More silo configuration after the platform's (a test's own services).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    /// <summary>Opens an account as an administrator would (the same call again changes nothing) and returns its risk gate.</summary>
    public async Task<IRiskGrain> OpenAccountAsync(string account, RiskLimitsChange? limits = null)
    {
        await Client.GetGrain<IAccountGrain>(account).CreateAsync(new AccountRequest(account, Limits: limits), "test-admin");
        return Client.GetGrain<IRiskGrain>(account);
    }

    public async Task<InstrumentSpec> ConfigureInstrumentAsync(string symbol, double price)
    {
        var spec = InstrumentCatalog.Custom(symbol, price);
        await Client.GetGrain<IInstrumentGrain>(symbol).ConfigureAsync(spec);
        return spec;
    }

    /// <summary>Publishes ticks on the ticks stream, as the feed does, and waits until the instrument has them all.</summary>
    public async Task PublishAsync(string symbol, IReadOnlyList<Tick> ticks, int batchSize = 50)
    {
        var instrument = Client.GetGrain<IInstrumentGrain>(symbol);
        var before = (await instrument.GetSnapshotAsync(0)).TickCount;
        var stream = Client.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, symbol);
        foreach (var chunk in ticks.Chunk(batchSize))
            await stream.OnNextAsync(new TickBatch(symbol, chunk, DateTimeOffset.UtcNow));
        await Eventually.True(async () => (await instrument.GetSnapshotAsync(0)).TickCount == before + ticks.Count,
            $"instrument {symbol} to receive {ticks.Count} ticks");
    }

    /// <summary>Mutates a stored audit record on whichever silo holds the stream.</summary>
    public async Task TamperAsync(string stream, long sequence, Func<Core.Audit.AuditRecord, Core.Audit.AuditRecord> change)
    {
        foreach (var silo in Cluster.Silos)
        {
            var store = (MemoryAuditStore)silo.ServiceProvider.GetRequiredService<IAuditStore>();
            if (await store.GetHeadAsync(stream) is not null) store.Tamper(stream, sequence, change);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>Deterministic tick paths for tests.</summary>
public static class TickPaths
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One tick every <paramref name="step"/> with the mid following <paramref name="midAt"/> and a fixed spread.</summary>
    public static List<Tick> Generate(string symbol, int count, TimeSpan step, Func<int, double> midAt, double spread = 0.02, DateTimeOffset? start = null)
    {
        var ticks = new List<Tick>(count);
        for (var i = 0; i < count; i++)
        {
            var mid = Math.Round(midAt(i), 2);
            ticks.Add(new Tick(symbol, (start ?? Start) + i * step, mid - spread / 2, mid + spread / 2, 1000, 1000));
        }
        return ticks;
    }

    /// <summary>A steady up-trend with a small saw-tooth, so RSI and ATR are defined.</summary>
    public static List<Tick> UpTrend(string symbol, int count, double from = 100) =>
        Generate(symbol, count, TimeSpan.FromSeconds(10), i => from + i * 0.05 + (i % 3 == 0 ? -0.03 : 0.0));
}
