using AiTrading.Contracts;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AiTrading.Grains;

/// <summary>
/// A Polly circuit breaker with a timeout inside it, around one venue's calls (held by the grain that makes them, so
/// there is one per venue in the cluster). A call that throws or outlasts the timeout counts as a failure; once the
/// breaker opens, <see cref="ExecuteAsync{T}"/> throws <see cref="VenueUnavailableException"/> at once, without
/// calling, until the break is over and one probe is let through.
/// </summary>
public sealed class VenueCircuit
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly TimeProvider _clock;
    private readonly string _venue;
    private readonly TimeSpan _timeout;
    private readonly Queue<DateTimeOffset> _failures = new();
    private readonly TimeSpan _sampling;
    private string? _lastFailure;
    private DateTimeOffset? _lastFailureAt, _openedAt, _probeAt;

    public VenueCircuit(string venue, VenueCircuitOptions options, TimeProvider clock)
    {
        _venue = venue;
        _clock = clock;
        _timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
        _sampling = TimeSpan.FromSeconds(options.SamplingSeconds);
        var breakDuration = TimeSpan.FromSeconds(options.BreakSeconds);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = options.FailureThreshold,
                SamplingDuration = _sampling,
                BreakDuration = breakDuration,
                StateProvider = _state,
                OnOpened = _ =>
                {
                    _openedAt = _clock.GetUtcNow();
                    _probeAt = _openedAt + breakDuration;
                    return default;
                },
                OnClosed = _ =>
                {
                    _openedAt = _probeAt = null;
                    _failures.Clear();
                    return default;
                },
            })
            .AddTimeout(_timeout)
            .Build();
    }

    public string State => _state.CircuitState switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half-open",
        _ => "open",
    };

    /// <summary>Runs <paramref name="call"/> through the breaker; its token is cancelled when the timeout runs out.</summary>
    public async ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call)
    {
        try
        {
            return await _pipeline.ExecuteAsync(call);
        }
        catch (BrokenCircuitException)
        {
            throw new VenueUnavailableException(OpenReason());
        }
        catch (TimeoutRejectedException)
        {
            RecordFailure($"no answer within {_timeout.TotalMilliseconds:0} ms");
            throw new VenueUnavailableException($"venue '{_venue}' did not answer within {_timeout.TotalMilliseconds:0} ms");
        }
        catch (VenueUnavailableException e)
        {
            RecordFailure(e.Message);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RecordFailure(e.Message);
            throw new VenueUnavailableException($"venue '{_venue}' failed: {e.Message}", e);
        }
    }

    public VenueCircuitView View()
    {
        Prune();
        return new VenueCircuitView(State, _failures.Count, _lastFailure, _lastFailureAt, State == "closed" ? null : _openedAt, State == "closed" ? null : _probeAt);
    }

    private string OpenReason() =>
        $"venue '{_venue}' is unavailable: circuit open since {_openedAt:O} after {_failures.Count} failures (last: {_lastFailure}); next probe at {_probeAt:O}";

    private void RecordFailure(string reason)
    {
        _lastFailure = reason;
        _lastFailureAt = _clock.GetUtcNow();
        _failures.Enqueue(_lastFailureAt.Value);
        Prune();
    }

    private void Prune()
    {
        var since = _clock.GetUtcNow() - _sampling;
        while (_failures.Count > 0 && _failures.Peek() < since && State == "closed") _failures.Dequeue();
    }
}

/// <summary>
/// A venue could not take a call: its breaker is open, no terminal is connected, or it failed or timed out. After a
/// timeout the request may have reached the venue all the same; callers that sent something must not treat it as refused.
/// </summary>
public sealed class VenueUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
