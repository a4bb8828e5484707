using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// W3C trace context across streams. Orleans carries a grain call's trace in the request context, but a stream event
/// is delivered later by a pulling agent that has no activity of its own, so the consumer would start a new trace.
/// The producer's context travels with the event (Kafka: the <c>traceparent</c>/<c>tracestate</c> message headers;
/// memory streams: the request context Orleans stores with the batch) and <see cref="DeliveryFilter"/> starts the
/// consumer's span under it. Nothing is recorded unless a tracer listens to <see cref="SourceName"/>.
/// </summary>
public static class StreamTracing
{
    public const string SourceName = "AiTrading.Streams";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    private const int TraceParentLength = 55;
    // W3C trace context: at most 32 list members of at most 256 characters; anything longer is not a trace state.
    private const int MaxTraceStateLength = 512;

    internal static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>Adds the filter that parents stream deliveries on the producer's trace (once, however often called).</summary>
    public static ISiloBuilder AddStreamTracing(this ISiloBuilder silo)
    {
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IIncomingGrainCallFilter, DeliveryFilter>());
        return silo;
    }

    /// <summary>A producer span for a Kafka publish made under a trace; none for untraced publishers (the feed).</summary>
    internal static Activity? StartPublish(string topic, int partition)
    {
        if (Activity.Current is null || !Source.HasListeners()) return null;
        var activity = Source.StartActivity($"{topic} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.destination.partition.id", partition);
        return activity;
    }

    /// <summary>The context to send: the publish span, or the caller's activity when no one records publishes.</summary>
    internal static (string? Parent, string? State) Outgoing(Activity? publish)
    {
        var current = publish ?? Activity.Current;
        return current is { IdFormat: ActivityIdFormat.W3C } ? (current.Id, current.TraceStateString) : (null, null);
    }

    /// <summary>A received trace parent, or null when the value is not one (headers come from any producer).</summary>
    internal static string? ValidParent(string? value) =>
        value is { Length: TraceParentLength } && ActivityContext.TryParse(value, null, out _) ? value : null;

    internal static string? ValidState(string? value) => value is { Length: > 0 and <= MaxTraceStateLength } ? value : null;

    /// <summary>
    /// Starts the consumer span of a stream delivery under the producer's context found in the request context.
    /// Deliveries are calls of Orleans' stream consumer extension; Orleans traces those only on its runtime source,
    /// which we leave off (it would parent them on the pulling agent, not the producer). Inside a traced grain call
    /// (registered after Orleans' activity propagation), it names the call's span as the trace parent in the request
    /// context, which a memory stream stores with each batch the grain publishes.
    /// </summary>
    internal sealed class DeliveryFilter : IIncomingGrainCallFilter
    {
        private const string ConsumerExtension = "Orleans.Streams.IStreamConsumerExtension";

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (!Source.HasListeners()) return context.Invoke();
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
            {
                RequestContext.Set(TraceParent, current.Id!);
                if (current.TraceStateString is { } state) RequestContext.Set(TraceState, state);
                else RequestContext.Remove(TraceState);
                return context.Invoke();
            }
            if (context.Request.GetInterfaceType().FullName != ConsumerExtension
                || RequestContext.Get(TraceParent) is not string parent
                || !ActivityContext.TryParse(parent, RequestContext.Get(TraceState) as string, isRemote: true, out var producer))
                return context.Invoke();
            return Deliver(context, producer);
        }

        private static async Task Deliver(IIncomingGrainCallContext context, ActivityContext producer)
        {
            using var activity = Source.StartActivity("stream receive", ActivityKind.Consumer, producer);
            activity?.SetTag("messaging.consumer.grain", context.TargetId.ToString());
            try
            {
                await context.Invoke();
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
    }
}
