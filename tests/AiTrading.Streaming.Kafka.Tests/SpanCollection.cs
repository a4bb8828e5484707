using System.Collections;
using System.Diagnostics;

namespace AiTrading.Streaming.Kafka.Tests;

/// <summary>The exporter's target: spans arrive from the threads that end them.</summary>
internal sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _items = [];

    public Activity? Find(Predicate<Activity> match)
    {
        lock (_items) return _items.Find(match);
    }

    public void Add(Activity item)
    {
        lock (_items) _items.Add(item);
    }

    public int Count
    {
        get { lock (_items) return _items.Count; }
    }

    public bool IsReadOnly => false;
    public void Clear() { lock (_items) _items.Clear(); }
    public bool Contains(Activity item) { lock (_items) return _items.Contains(item); }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (_items) _items.CopyTo(array, arrayIndex); }
    public bool Remove(Activity item) { lock (_items) return _items.Remove(item); }
    public IEnumerator<Activity> GetEnumerator() { lock (_items) return _items.ToList().GetEnumerator(); }
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
