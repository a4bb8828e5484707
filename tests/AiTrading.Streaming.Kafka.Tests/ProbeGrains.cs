using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace AiTrading.Streaming.Kafka.Tests;

[GenerateSerializer, Alias("kafka-tests.probe-event")]
public sealed record ProbeEvent([property: Id(0)] int Seq, [property: Id(1)] ProbeBehaviour Behaviour = ProbeBehaviour.Accept);

public enum ProbeBehaviour { Accept, Fail, Hold }

/// <summary>One delivery a probe saw: the event, its token and whether the token was new to the probe.</summary>
[GenerateSerializer, Alias("kafka-tests.delivery")]
public sealed record Delivery([property: Id(0)] int Seq, [property: Id(1)] long Offset, [property: Id(2)] int Index, [property: Id(3)] bool Duplicate);

public interface IProbeGrain : IGrainWithStringKey
{
    Task<List<Delivery>> DeliveriesAsync();
    /// <summary>Explicit probes only: subscribe (from a token, or from now on).</summary>
    Task SubscribeAsync(StreamSequenceToken? from);
    /// <summary>Explicit probes only: rewind the existing subscription to a token.</summary>
    Task RewindAsync(StreamSequenceToken to);
}

public static class ProbeGrainExtensions
{
    /// <summary>Subscribes an explicit probe to another probe's stream, from a token that probe saw.</summary>
    public static Task SubscribeAsyncTo(this IExplicitProbeGrain probe, string streamKey, Delivery from) =>
        probe.SubscribeToAsync(streamKey, new Orleans.Providers.Streams.Common.EventSequenceTokenV2(from.Offset, from.Index));
}

/// <summary>
/// Records every delivery and drops redeliveries the way a real subscriber would: by comparing each event's
/// sequence token with the last one it accepted.
/// </summary>
public abstract class ProbeGrainBase : Grain, IProbeGrain, IAsyncObserver<ProbeEvent>
{
    private readonly List<Delivery> deliveries = [];
    private StreamSequenceToken? lastAccepted;

    public Task<List<Delivery>> DeliveriesAsync() => Task.FromResult(deliveries.ToList());

    public virtual Task SubscribeAsync(StreamSequenceToken? from) => throw new NotSupportedException();
    public virtual Task RewindAsync(StreamSequenceToken to) => throw new NotSupportedException();

    public async Task OnNextAsync(ProbeEvent item, StreamSequenceToken? token = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (item.Behaviour == ProbeBehaviour.Fail) throw new InvalidOperationException($"probe refuses event {item.Seq}");
        if (item.Behaviour == ProbeBehaviour.Hold) await ProbeGate.WaitAsync(item.Seq);
        var duplicate = lastAccepted is not null && token.CompareTo(lastAccepted) <= 0;
        if (!duplicate) lastAccepted = token;
        var delivery = new Delivery(item.Seq, token.SequenceNumber, token.EventIndex, duplicate);
        deliveries.Add(delivery);
        ProbeLog.Record(this.GetPrimaryKeyString(), delivery);
        ProbeLog.RecordTrace(this.GetPrimaryKeyString(), Activity.Current?.TraceId);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;
    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

public interface IImplicitProbeGrain : IProbeGrain;

[ImplicitStreamSubscription(Namespace)]
public sealed class ImplicitProbeGrain : ProbeGrainBase, IImplicitProbeGrain, IStreamSubscriptionObserver
{
    public const string Namespace = "probe";

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) => handleFactory.Create<ProbeEvent>().ResumeAsync(this);
}

public interface IExplicitProbeGrain : IProbeGrain
{
    Task SubscribeToAsync(string streamKey, StreamSequenceToken from);
}

public sealed class ExplicitProbeGrain : ProbeGrainBase, IExplicitProbeGrain
{
    public const string Namespace = "explicit";
    private StreamSubscriptionHandle<ProbeEvent>? handle;

    private IAsyncStream<ProbeEvent> Stream =>
        this.GetStreamProvider(KafkaFixture.Provider).GetStream<ProbeEvent>(Namespace, this.GetPrimaryKeyString());

    public override async Task SubscribeAsync(StreamSequenceToken? from) => handle = await Stream.SubscribeAsync(this, from);

    public async Task SubscribeToAsync(string streamKey, StreamSequenceToken from) =>
        handle = await this.GetStreamProvider(KafkaFixture.Provider).GetStream<ProbeEvent>(Namespace, streamKey).SubscribeAsync(this, from);

    public override async Task RewindAsync(StreamSequenceToken to) =>
        handle = await (handle ?? throw new InvalidOperationException("not subscribed")).ResumeAsync(this, to);
}

/// <summary>What every probe saw, across silos (static state is shared by the silos of an in-process cluster), so deliveries survive a killed silo.</summary>
public static class ProbeLog
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<Delivery>> Log = new();

    public static void Record(string probe, Delivery delivery) => Log.GetOrAdd(probe, _ => new()).Enqueue(delivery);

    public static IReadOnlyList<Delivery> Of(string probe) => Log.TryGetValue(probe, out var q) ? q.ToList() : [];

    private static readonly ConcurrentDictionary<string, ActivityTraceId?> Traces = new();

    /// <summary>The trace the probe's handler last ran in (null: none).</summary>
    public static void RecordTrace(string probe, ActivityTraceId? trace) => Traces[probe] = trace;

    public static ActivityTraceId? TraceOf(string probe) => Traces.GetValueOrDefault(probe);
}

/// <summary>Holds deliveries of "Hold" events until a test releases them.</summary>
public static class ProbeGate
{
    private static readonly ConcurrentDictionary<int, TaskCompletionSource> Gates = new();

    public static Task WaitAsync(int seq) => Gates.GetOrAdd(seq, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public static bool IsWaiting(int seq) => Gates.ContainsKey(seq);

    public static void Release(int seq) => Gates.GetOrAdd(seq, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

public interface IPublisherGrain : IGrainWithStringKey
{
    /// <summary>Publishes one event on the stream of this grain's key in <paramref name="ns"/>.</summary>
    Task PublishAsync(string ns, int seq);
}

public sealed class PublisherGrain : Grain, IPublisherGrain
{
    public Task PublishAsync(string ns, int seq) =>
        this.GetStreamProvider(KafkaFixture.Provider).GetStream<ProbeEvent>(ns, this.GetPrimaryKeyString()).OnNextAsync(new ProbeEvent(seq));
}
