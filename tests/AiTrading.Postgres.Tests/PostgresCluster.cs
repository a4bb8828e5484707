using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Gateway;
using AiTrading.Silo;
using AiTrading.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.TestingHost;

namespace AiTrading.Postgres.Tests;

/// <summary>
/// Silos of a TestCluster over real TCP sockets with PostgreSQL membership, grain state, reminders and audit log,
/// configured as the product configures them (Storage:Provider and Clustering:Provider = Postgres). The test
/// cluster's client finds the silos' gateways through the membership table, as a gateway process does.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private PostgresCluster(TestCluster cluster, IReadOnlyDictionary<string, string?> configuration)
    {
        Cluster = cluster;
        Configuration = configuration;
    }

    public TestCluster Cluster { get; }
    public IClusterClient Client => Cluster.Client;
    /// <summary>What every host of this cluster is configured with (a gateway joining it needs the same).</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; }

    public static IReadOnlyDictionary<string, string?> ConfigurationFor(string connectionString, string serviceId, string clusterId) =>
        new Dictionary<string, string?>
        {
            [ProviderSettings.PostgresConnectionKey] = connectionString,
            ["Clustering:Provider"] = "Postgres",
            ["Clustering:ClusterId"] = clusterId,
            ["Clustering:ServiceId"] = serviceId,
            ["Storage:Provider"] = "Postgres",
            ["Trading:Paper:Seed"] = "11",
        };

    /// <summary>
    /// Starts <paramref name="silos"/> silos. The same service id over the same database finds the state a previous
    /// cluster left. <paramref name="settings"/> adds to (or overrides) the PostgreSQL configuration, e.g. Kafka streams.
    /// </summary>
    public static async Task<PostgresCluster> StartAsync(string connectionString, string serviceId, short silos = 3,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        var configuration = new Dictionary<string, string?>(ConfigurationFor(connectionString, serviceId, builder.Options.ClusterId));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(configuration));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new PostgresCluster(cluster, configuration);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    public async Task<InstrumentSpec> ConfigureInstrumentAsync(string symbol, double price)
    {
        var spec = InstrumentCatalog.Custom(symbol, price);
        await Client.GetGrain<IInstrumentGrain>(symbol).ConfigureAsync(spec);
        return spec;
    }

    /// <summary>Publishes ticks on the ticks stream, as the feed does, and waits until the instrument has them all.</summary>
    public async Task PublishAsync(string symbol, IReadOnlyList<Tick> ticks)
    {
        var instrument = Client.GetGrain<IInstrumentGrain>(symbol);
        var before = (await instrument.GetSnapshotAsync(0)).TickCount;
        var stream = Client.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, symbol);
        foreach (var chunk in ticks.Chunk(50))
            await stream.OnNextAsync(new TickBatch(symbol, chunk, DateTimeOffset.UtcNow));
        await Eventually.True(async () => (await instrument.GetSnapshotAsync(0)).TickCount == before + ticks.Count, $"{symbol} to receive its ticks");
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.Configure<Orleans.Configuration.ClusterMembershipOptions>(silo.Configuration.GetSection($"{ClusteringSettings.Section}:Membership"));
            silo.UsePostgresClustering(silo.Configuration.GetConnectionString(ProviderSettings.PostgresConnectionName)!)
                .AddAiTradingGrains(silo.Configuration);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) => client
            .UseAiTradingClustering(configuration, siloGatewayPort: 0)
            .AddAiTradingStreams(configuration);
    }
}

/// <summary>Deterministic ticks: one every <paramref name="step"/> at a fixed mid and spread.</summary>
public static class Ticks
{
    public static List<Tick> Flat(string symbol, int count, double mid, DateTimeOffset start, TimeSpan step, double spread = 0.02) =>
        Enumerable.Range(0, count).Select(i => new Tick(symbol, start + i * step, mid - spread / 2, mid + spread / 2, 1000, 1000)).ToList();
}
