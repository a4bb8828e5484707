using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.Runtime;
using Orleans.Serialization;

namespace AiTrading.Streaming.Kafka.Tests;

/// <summary>The W3C trace context crosses Kafka in the message headers and parents the consumer's delivery.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaTracingTests(KafkaFixture fixture) : IDisposable
{
    private const string TestSource = "kafka-tests";
    private static readonly ActivitySource Source = new(TestSource);
    private readonly SpanCollection _spans = new();
    private TracerProvider? _tracing;

    private TracerProvider Tracing => _tracing ??= Sdk.CreateTracerProviderBuilder().AddSource(TestSource, StreamTracing.SourceName).AddInMemoryExporter(_spans).Build();

    [Fact]
    public async Task An_event_published_under_a_trace_is_consumed_as_a_child_of_its_publish_span()
    {
        _ = Tracing;
        var key = Guid.NewGuid().ToString("N");
        ActivityContext caller;
        using (var parent = Source.StartActivity("test caller")!)
        {
            caller = parent.Context;
            await fixture.Stream(ImplicitProbeGrain.Namespace, key).OnNextAsync(new ProbeEvent(1));
        }

        Activity? receive = null;
        await Eventually.True(() => (receive = _spans.Find(s => s.Kind == ActivityKind.Consumer && s.TraceId == caller.TraceId)) is not null, "the delivery's span");
        var publish = _spans.Find(s => s.Kind == ActivityKind.Producer && s.TraceId == caller.TraceId)!;
        publish.ShouldNotBeNull();
        publish.ParentSpanId.ShouldBe(caller.SpanId);
        publish.GetTagItem("messaging.destination.name").ShouldBe(fixture.Topic);
        // The client's request context is empty: only the message headers carry the publish span to the silo.
        receive!.ParentSpanId.ShouldBe(publish.SpanId);
        ProbeLog.TraceOf(key).ShouldBe(caller.TraceId, "the subscriber's handler runs inside the delivery's span");
    }

    [Fact]
    public async Task A_trace_header_from_any_producer_is_honoured_and_a_malformed_one_ignored()
    {
        _ = Tracing;
        var (traced, garbled) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        var traceId = ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        using var producer = fixture.RawProducer();
        var messages = new KafkaStreamMessages(fixture.Client.ServiceProvider.GetRequiredService<Serializer>());
        foreach (var (key, header) in new[] { (traced, $"00-{traceId}-{spanId}-01"), (garbled, "00-not-a-trace-context") })
        {
            var streamId = StreamId.Create(ImplicitProbeGrain.Namespace, key);
            var message = messages.Encode(streamId, new[] { new ProbeEvent(1) });
            message.Headers.Add(StreamTracing.TraceParent, Encoding.UTF8.GetBytes(header));
            await producer.ProduceAsync(new Confluent.Kafka.TopicPartition(fixture.Topic, fixture.PartitionOf(ImplicitProbeGrain.Namespace, key)), message);
        }

        await Eventually.True(() => ProbeLog.Of(traced).Count == 1 && ProbeLog.Of(garbled).Count == 1
                                    && _spans.Find(s => s.Kind == ActivityKind.Consumer && s.TraceId == traceId) is not null, "both events delivered, the traced one's span");
        ProbeLog.TraceOf(traced).ShouldBe(traceId);
        _spans.Find(s => s.Kind == ActivityKind.Consumer && s.TraceId == traceId)!.ParentSpanId.ShouldBe(spanId);
        ProbeLog.TraceOf(garbled).ShouldBeNull("a header that is no trace context starts no span");
        fixture.DeadLetters().ShouldNotContain(d => KafkaFixture.Header(d, KafkaStreamMessages.KeyHeader) == garbled);
    }

    public void Dispose() => _tracing?.Dispose();
}
