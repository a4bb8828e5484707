using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Streaming.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;

namespace AiTrading.Deploy.Tests.Images;

/// <summary>Publishes tick batches into the product's Kafka topic the way its stream clients do (the provider's own adapter).</summary>
public sealed class TickProducer : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly KafkaAdapterFactory _factory;
    private IQueueAdapter? _adapter;
    private int _sent;

    public TickProducer(string bootstrapServers, string topic)
    {
        _services = new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(StreamNames).Assembly)).BuildServiceProvider();
        _factory = new KafkaAdapterFactory(StreamNames.Provider, new KafkaStreamOptions { BootstrapServers = bootstrapServers, Topic = topic },
            _services.GetRequiredService<Serializer>(), NullLoggerFactory.Instance, TimeProvider.System);
    }

    public const int TicksPerBatch = 5;

    /// <summary>Sends <paramref name="batches"/> batches of <see cref="TicksPerBatch"/> ticks, each acknowledged by the brokers.</summary>
    public async Task SendAsync(string symbol, int batches)
    {
        _adapter ??= await _factory.CreateAdapter(CancellationToken.None);
        var stream = StreamId.Create(StreamNames.Ticks, symbol);
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        for (var b = 0; b < batches; b++)
        {
            var ticks = Enumerable.Range(0, TicksPerBatch).Select(_ =>
            {
                var i = _sent++;
                return new Tick(symbol, start + TimeSpan.FromSeconds(i), 100 + i * 0.01, 100.02 + i * 0.01, 1000, 1000);
            }).ToArray();
            await _adapter.QueueMessageBatchAsync(stream, [new TickBatch(symbol, ticks, DateTimeOffset.UtcNow)], null, null);
        }
    }

    public void Dispose()
    {
        _factory.Dispose();
        _services.Dispose();
    }
}
