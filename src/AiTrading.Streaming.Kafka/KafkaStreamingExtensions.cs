using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Streaming.Kafka;

public static class KafkaStreamingExtensions
{
    /// <summary>
    /// Adds a persistent stream provider on Kafka: one Orleans queue per partition of <see cref="KafkaStreamOptions.Topic"/>,
    /// at-least-once delivery with offsets as sequence tokens, poison messages to the dead-letter topic. Invalid
    /// options stop here, naming each setting. Deliveries continue the producer's trace (<see cref="StreamTracing"/>).
    /// </summary>
    public static ISiloBuilder AddKafkaStreams(this ISiloBuilder silo, string name, Action<KafkaStreamOptions> configure)
    {
        var options = Validated(configure);
        silo.Services.AddOptions<KafkaStreamOptions>(name).Configure(configure);
        silo.AddStreamTracing();
        return silo.AddPersistentStreams(name, KafkaAdapterFactory.Create, stream => stream.ConfigurePullingAgent(agent => agent.Configure(o =>
        {
            o.GetQueueMsgsTimerPeriod = options.PollPeriod;
            o.MaxEventDeliveryTime = options.DeliveryTimeout;
            // KafkaQueueCache counts a message delivered when its cursor moves on, which holds for one container per delivery.
            o.BatchContainerBatchSize = 1;
        })));
    }

    /// <summary>The producing side of the same provider, for clients (gateways, feeds) that publish to streams.</summary>
    public static IClientBuilder AddKafkaStreams(this IClientBuilder client, string name, Action<KafkaStreamOptions> configure)
    {
        Validated(configure);
        client.Services.AddOptions<KafkaStreamOptions>(name).Configure(configure);
        return client.AddPersistentStreams(name, KafkaAdapterFactory.Create, null);
    }

    private static KafkaStreamOptions Validated(Action<KafkaStreamOptions> configure)
    {
        var options = new KafkaStreamOptions();
        configure(options);
        options.ThrowIfInvalid();
        return options;
    }
}
