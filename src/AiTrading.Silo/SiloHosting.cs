using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Grains;
using AiTrading.Storage.Postgres;
using AiTrading.Streaming.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;

namespace AiTrading.Silo;

public static class SiloHosting
{
    /// <summary>The embedded default's in-memory grain storage, under the purge of finished orders that is the default storage.</summary>
    public const string MemoryStorageName = "memory";

    /// <summary>
    /// Membership as configured (<see cref="ClusteringSettings"/>): localhost clustering by default, or the
    /// PostgreSQL membership table, with the membership timings of the "Clustering:Membership" section; in a pod,
    /// with Orleans' Kubernetes hosting (<see cref="KubernetesPod"/>).
    /// </summary>
    public static ISiloBuilder UseAiTradingClustering(this ISiloBuilder silo, IConfiguration configuration, int siloPort, int gatewayPort)
    {
        var clustering = ClusteringSettings.From(configuration);
        var pod = KubernetesPod.Detect(clustering, Environment.GetEnvironmentVariable);
        if (clustering.Provider == ProviderKind.Memory)
            return silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: clustering.ServiceId, clusterId: clustering.ClusterId);
        if (pod is not null)
        {
            silo.UseAiTradingKubernetes(pod, siloPort, gatewayPort);
        }
        else
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clustering.ClusterId;
                o.ServiceId = clustering.ServiceId;
            });
            silo.ConfigureEndpoints(System.Net.IPAddress.Parse(clustering.AdvertisedAddress), siloPort, gatewayPort);
        }
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection($"{ClusteringSettings.Section}:Membership"));
        return silo.UsePostgresClustering(clustering.ConnectionString!);
    }

    /// <summary>
    /// Everything a silo of the platform needs apart from clustering: grain storage, the market stream provider
    /// (Streams:Provider Memory or Kafka), the exception filter and the services the grains use. Embedded default:
    /// in-memory storage and streams; with "Storage:Provider" Postgres, grain state, reminders and the audit log live
    /// in PostgreSQL.
    /// </summary>
    public static ISiloBuilder AddAiTradingGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var streams = StreamSettings.From(configuration);
        var storage = StorageSettings.From(configuration);
        var directoryCacheSize = ClusteringSettings.From(configuration).DirectoryCacheSize;
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = directoryCacheSize);

        // Grain state is stored in the Orleans wire format (the [GenerateSerializer] ids and the Core surrogates), so
        // stored and sent state are one versioned shape; Orleans' default storage serializer is Newtonsoft JSON, which
        // knows neither.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        if (storage.Provider == ProviderKind.Postgres)
        {
            silo.AddPostgresStorage(storage.ConnectionString!, storage.AuditRetentionYears);
        }
        else
        {
            // Finished orders are purged past their retention: the embedded default is not durable, and keeping every
            // order (most of a long run's are risk rejections) grows memory without bound. Their audit records stay.
            silo.AddMemoryGrainStorage(MemoryStorageName);
            silo.Services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => new FinishedOrderPurgingStorage(
                sp.GetRequiredKeyedService<IGrainStorage>(MemoryStorageName), sp.GetRequiredService<IOptions<TradingOptions>>().Value.FinishedOrderRetention,
                sp.GetRequiredService<TimeProvider>()));
            silo.Services.AddSingleton(sp => sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IAuditStore, MemoryAuditStore>();
        }
        if (streams.IsKafka)
        {
            silo.AddKafkaStreams(StreamNames.Provider, kafka => kafka.Bind(configuration));
        }
        else
        {
            silo.AddMemoryStreams(StreamNames.Provider, b =>
            {
                b.ConfigurePartitioning(streams.Queues);
                b.ConfigurePullingAgent(o => o.Configure(p => p.GetQueueMsgsTimerPeriod = streams.PollPeriod));
                // Orleans keeps what its agents read for 5 to 30 minutes by default: at a feed's rate that is hundreds
                // of MB of 1 MB cache blocks. The cache is bounded by time, so it holds CacheMinTime/CacheMaxAge of traffic.
                b.ConfigureCacheEviction(o => o.Configure(e =>
                {
                    e.DataMinTimeInCache = streams.CacheMinTime;
                    e.DataMaxAgeInCache = streams.CacheMaxAge;
                    e.MetadataMinTimeInCache = 2 * streams.CacheMinTime;
                }));
            });
        }
        silo.AddIncomingGrainCallFilter<DomainExceptionFilter>();
        silo.AddStartupTask<ConfiguredAccounts>();
        silo.AddAiTradingModels(configuration);

        var services = silo.Services;
        services.AddOptions<TradingOptions>().Bind(configuration.GetSection(TradingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TradingOptions>, TradingOptionsValidator>();
        services.AddVenues();
        services.AddOptions<FeatureOptions>().Bind(configuration.GetSection(FeatureOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeatureOptions>, FeatureOptionsValidator>();
        services.AddSingleton<IBacktestData>(BacktestFiles.From(configuration));
        services.AddOptions<BacktestRunOptions>().Bind(configuration.GetSection(BacktestRunOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BacktestRunOptions>, BacktestRunOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddInferenceBacklog();
        return silo;
    }

    private sealed class TradingOptionsValidator : IValidateOptions<TradingOptions>
    {
        public ValidateOptionsResult Validate(string? name, TradingOptions options) => Result(options.Validate());
    }

    private sealed class BacktestRunOptionsValidator : IValidateOptions<BacktestRunOptions>
    {
        public ValidateOptionsResult Validate(string? name, BacktestRunOptions options) => Result(options.Validate());
    }

    private sealed class FeatureOptionsValidator : IValidateOptions<FeatureOptions>
    {
        public ValidateOptionsResult Validate(string? name, FeatureOptions options) => Result(options.Validate());
    }

    private static ValidateOptionsResult Result(IReadOnlyList<FieldError> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
}
