using System.Net;
using AiTrading.Core;

namespace AiTrading.Gateway.Mt5;

/// <summary>
/// Configuration section <c>Gateway:Mt5Bridge</c>: how far ahead of the gateway's clock a terminal's tick may be, and
/// how failed handshakes are throttled: after <see cref="MaxHandshakeFailures"/> within
/// <see cref="HandshakeFailureWindowSeconds"/> from one remote address, that address is refused (HTTP 429, before the
/// WebSocket upgrade) for <see cref="HandshakeBackoffSeconds"/>.
/// </summary>
public sealed class Mt5BridgeOptions
{
    public const string Section = "Gateway:Mt5Bridge";

    public double FutureTickToleranceSeconds { get; set; } = 10;
    public int MaxHandshakeFailures { get; set; } = 10;
    public double HandshakeFailureWindowSeconds { get; set; } = 60;
    public double HandshakeBackoffSeconds { get; set; } = 300;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (!(FutureTickToleranceSeconds is >= 0 and <= 3600))
            errors.Add(new($"{Section}:FutureTickToleranceSeconds", $"must be between 0 and 3600 (got {FutureTickToleranceSeconds})"));
        if (MaxHandshakeFailures is < 1 or > 1_000_000) errors.Add(new($"{Section}:MaxHandshakeFailures", $"must be between 1 and 1000000 (got {MaxHandshakeFailures})"));
        if (!(HandshakeFailureWindowSeconds is >= 1 and <= 86_400))
            errors.Add(new($"{Section}:HandshakeFailureWindowSeconds", $"must be between 1 and 86400 (got {HandshakeFailureWindowSeconds})"));
        if (!(HandshakeBackoffSeconds is >= 1 and <= 86_400))
            errors.Add(new($"{Section}:HandshakeBackoffSeconds", $"must be between 1 and 86400 (got {HandshakeBackoffSeconds})"));
        return errors;
    }
}

/// <summary>
/// Failed MT5 handshakes by remote address (<see cref="Mt5BridgeOptions"/>): an address with too many recent failures
/// is refused for a back-off period. Bounded: addresses with nothing recent are forgotten once many are tracked.
/// </summary>
internal sealed class Mt5HandshakeThrottle(Mt5BridgeOptions options, TimeProvider clock)
{
    private const int MaxTracked = 10_000;

    private sealed class Failures
    {
        public readonly Queue<DateTimeOffset> Times = new();
        public DateTimeOffset BlockedUntil;
    }

    private readonly Dictionary<IPAddress, Failures> _byAddress = [];
    private readonly Lock _lock = new();

    /// <summary>How long the address is still refused for; null when it may try.</summary>
    public TimeSpan? Blocked(IPAddress address)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
            return _byAddress.TryGetValue(address, out var f) && f.BlockedUntil > now ? f.BlockedUntil - now : null;
    }

    /// <summary>Records a failed handshake; true when it starts a back-off for the address.</summary>
    public bool Fail(IPAddress address)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_byAddress.TryGetValue(address, out var f))
            {
                if (_byAddress.Count >= MaxTracked) Forget(now);
                _byAddress[address] = f = new Failures();
            }
            var window = TimeSpan.FromSeconds(options.HandshakeFailureWindowSeconds);
            while (f.Times.Count > 0 && now - f.Times.Peek() > window) f.Times.Dequeue();
            f.Times.Enqueue(now);
            if (f.Times.Count < options.MaxHandshakeFailures) return false;
            f.Times.Clear();
            f.BlockedUntil = now + TimeSpan.FromSeconds(options.HandshakeBackoffSeconds);
            return true;
        }
    }

    /// <summary>A good handshake clears the address's record.</summary>
    public void Succeed(IPAddress address)
    {
        lock (_lock) _byAddress.Remove(address);
    }

    private void Forget(DateTimeOffset now)
    {
        var window = TimeSpan.FromSeconds(options.HandshakeFailureWindowSeconds);
        foreach (var (address, f) in _byAddress.ToList())
            if (f.BlockedUntil <= now && (f.Times.Count == 0 || now - f.Times.Last() > window)) _byAddress.Remove(address);
        // Still full of live entries: drop the oldest failures rather than grow without bound.
        if (_byAddress.Count >= MaxTracked)
            foreach (var address in _byAddress.Where(e => e.Value.BlockedUntil <= now).Select(e => e.Key).Take(MaxTracked / 10).ToList())
                _byAddress.Remove(address);
    }
}
