using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace AiTrading.Silo;

public static class SiloHosting
{
    /// <summary>
    /// Everything a silo of the platform needs apart from clustering: grain storage, the market stream provider,
    /// the exception filter and the services the grains use. Embedded default: in-memory storage and streams.
    /// </summary>
    public static ISiloBuilder AddAiTradingGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var streams = MemoryStreamSettings.From(configuration);

        // Grain state is stored in the Orleans wire format (the [GenerateSerializer] ids and the Core surrogates), so
        // stored and sent state are one versioned shape; Orleans' default storage serializer is Newtonsoft JSON, which
        // knows neither.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        silo.AddMemoryGrainStorageAsDefault();
        silo.AddMemoryGrainStorage("PubSubStore");
        silo.AddMemoryStreams(StreamNames.Provider, b =>
        {
            b.ConfigurePartitioning(streams.Queues);
            b.ConfigurePullingAgent(o => o.Configure(p => p.GetQueueMsgsTimerPeriod = streams.PollPeriod));
        });
        silo.AddIncomingGrainCallFilter<DomainExceptionFilter>();
        silo.AddAiTradingModels(configuration);

        var services = silo.Services;
        services.AddOptions<TradingOptions>().Bind(configuration.GetSection(TradingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TradingOptions>, TradingOptionsValidator>();
        services.AddOptions<FeatureOptions>().Bind(configuration.GetSection(FeatureOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeatureOptions>, FeatureOptionsValidator>();
        services.AddSingleton<IAuditStore, MemoryAuditStore>();
        services.AddSingleton(TimeProvider.System);
        return silo;
    }

    private sealed class TradingOptionsValidator : IValidateOptions<TradingOptions>
    {
        public ValidateOptionsResult Validate(string? name, TradingOptions options) => Result(options.Validate());
    }

    private sealed class FeatureOptionsValidator : IValidateOptions<FeatureOptions>
    {
        public ValidateOptionsResult Validate(string? name, FeatureOptions options) => Result(options.Validate());
    }

    private static ValidateOptionsResult Result(IReadOnlyList<FieldError> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
}
