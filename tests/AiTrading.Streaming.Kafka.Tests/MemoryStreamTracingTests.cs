using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.TestingHost;

namespace AiTrading.Streaming.Kafka.Tests;

/// <summary>
/// The same propagation on Orleans' memory streams (the embedded default): an event a grain publishes inside a traced
/// call is delivered under that call's span. The probes subscribe to the provider name the Kafka tests use.
/// </summary>
public sealed class MemoryStreamTracingTests(MemoryStreamTracingTests.Cluster cluster) : IClassFixture<MemoryStreamTracingTests.Cluster>
{
    private const string TestSource = "memory-stream-tests";
    private static readonly ActivitySource Source = new(TestSource);

    [Fact]
    public async Task An_event_a_traced_grain_publishes_is_delivered_as_a_child_of_the_grains_span()
    {
        var spans = new SpanCollection();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(TestSource, "Microsoft.Orleans.Application", StreamTracing.SourceName)
            .AddInMemoryExporter(spans).Build();
        var key = Guid.NewGuid().ToString("N");
        ActivityTraceId traceId;
        using (var caller = Source.StartActivity("test caller")!)
        {
            traceId = caller.TraceId;
            await cluster.Client.GetGrain<IPublisherGrain>(key).PublishAsync(ImplicitProbeGrain.Namespace, 1);
        }

        await Eventually.True(() => ProbeLog.Of(key).Count == 1 && spans.Any(s => s.TraceId == traceId && s.Kind == ActivityKind.Consumer), "the delivery and its span");
        ProbeLog.TraceOf(key).ShouldBe(traceId, "the subscriber's handler runs inside the caller's trace");
        var publisher = spans.Single(s => s.TraceId == traceId && s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("IPublisherGrain/"));
        spans.Single(s => s.TraceId == traceId && s.Kind == ActivityKind.Consumer).ParentSpanId.ShouldBe(publisher.SpanId);
    }

    /// <summary>One silo with memory streams under the Kafka tests' provider name, tracing as the product's hosts wire it.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private InProcessTestCluster _cluster = null!;

        public IClusterClient Client => _cluster.Client;

        public async Task InitializeAsync()
        {
            var builder = new InProcessTestClusterBuilder(1);
            builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage("PubSubStore").AddMemoryStreams(KafkaFixture.Provider)
                .AddActivityPropagation().AddStreamTracing());
            builder.ConfigureClient(client => client.AddMemoryStreams(KafkaFixture.Provider).AddActivityPropagation());
            _cluster = builder.Build();
            await _cluster.DeployAsync();
        }

        public async Task DisposeAsync() => await _cluster.DisposeAsync();
    }
}
