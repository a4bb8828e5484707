using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace AiTrading.Integration.Tests;

/// <summary>
/// The in-memory exporter's target in the shared product: keeps the finished spans of the traces a test watches (it
/// sends the trace's parent in its request) and drops every other span, so the demo strategies' traces do not pile up.
/// </summary>
public sealed class SpanLog : ICollection<Activity>
{
    private readonly ConcurrentDictionary<ActivityTraceId, ConcurrentQueue<Activity>> _traces = new();

    /// <summary>A new trace to send as a request's W3C traceparent; its spans are kept from now on.</summary>
    public (ActivityTraceId TraceId, string TraceParent) NewTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        _traces[traceId] = new ConcurrentQueue<Activity>();
        return (traceId, $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
    }

    public IReadOnlyList<Activity> Of(ActivityTraceId traceId) => _traces.TryGetValue(traceId, out var spans) ? spans.ToList() : [];

    public void Add(Activity item)
    {
        if (_traces.TryGetValue(item.TraceId, out var spans)) spans.Enqueue(item);
    }

    public int Count => _traces.Values.Sum(q => q.Count);
    public bool IsReadOnly => false;
    public void Clear() => _traces.Clear();
    public bool Contains(Activity item) => _traces.TryGetValue(item.TraceId, out var spans) && spans.Contains(item);
    public void CopyTo(Activity[] array, int arrayIndex) => _traces.Values.SelectMany(q => q).ToList().CopyTo(array, arrayIndex);
    public bool Remove(Activity item) => throw new NotSupportedException("spans are kept until the trace is forgotten");
    public IEnumerator<Activity> GetEnumerator() => _traces.Values.SelectMany(q => q).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
