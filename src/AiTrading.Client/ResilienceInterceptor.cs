using System.Collections.Frozen;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Client;

/// <summary>
/// Deadlines and retries around every call. A unary attempt without a caller's deadline gets
/// <see cref="AiTradingClientOptions.Deadline"/> of its own; a caller's deadline bounds all attempts together. A
/// stream is retried only while it has not started (no response headers yet): once it runs, a failure ends it.
/// </summary>
internal sealed class ResilienceInterceptor(RetryOptions retry, TimeSpan deadline) : Interceptor
{
    private static readonly FrozenDictionary<string, MethodOptions.Types.IdempotencyLevel> Idempotency =
        new[] { Proto.StrategiesReflection.Descriptor, Proto.OrdersReflection.Descriptor, Proto.MarketdataReflection.Descriptor,
                Proto.BacktestsReflection.Descriptor, Proto.ModelsReflection.Descriptor }
            .SelectMany(file => file.Services).SelectMany(service => service.Methods)
            .ToFrozenDictionary(m => $"/{m.Service.FullName}/{m.Name}", m => m.GetOptions()?.IdempotencyLevel ?? MethodOptions.Types.IdempotencyLevel.IdempotencyUnknown);

    /// <summary>Whether the protos mark <paramref name="method"/> as safe to send twice: a read, or a write whose repeat answers the first (an order by its client order id).</summary>
    public static bool IsIdempotent(IMethod method) =>
        Idempotency.TryGetValue(method.FullName, out var level) && level != MethodOptions.Types.IdempotencyLevel.IdempotencyUnknown;

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return continuation(request, WithDeadline(context));
            }
            catch (RpcException e) when (Retry(e, attempt, context) is { } pause)
            {
                if (context.Options.CancellationToken.WaitHandle.WaitOne(pause)) throw;
            }
        }
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var attempts = new UnaryAttempts<TRequest, TResponse>(this, request, context, continuation);
        var response = attempts.RunAsync();
        return new AsyncUnaryCall<TResponse>(response, attempts.HeadersAsync(response), attempts.GetStatus, attempts.GetTrailers, attempts.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var stream = new StreamAttempts<TRequest, TResponse>(this, request, context, continuation);
        return new AsyncServerStreamingCall<TResponse>(stream, stream.StartAsync(), stream.GetStatus, stream.GetTrailers, stream.Dispose);
    }

    private ClientInterceptorContext<TRequest, TResponse> WithDeadline<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class =>
        context.Options.Deadline is null
            ? new(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + deadline))
            : context;

    /// <summary>The pause before the next attempt, or null when <paramref name="failure"/> is not worth another one.</summary>
    private TimeSpan? Retry<TRequest, TResponse>(RpcException failure, int attempt, ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class
    {
        if (attempt >= retry.MaxAttempts || context.Options.CancellationToken.IsCancellationRequested) return null;
        var transient = failure.StatusCode switch
        {
            StatusCode.Unavailable => true,
            // Only the attempt's own deadline passed (the caller set none): a read, or an idempotent write, may go again.
            StatusCode.DeadlineExceeded => context.Options.Deadline is null && IsIdempotent(context.Method),
            _ => false,
        };
        if (!transient) return null;
        var pause = retry.Backoff(attempt, Random.Shared);
        return context.Options.Deadline is { } callerDeadline && DateTime.UtcNow + pause >= callerDeadline ? null : pause;
    }

    private static async Task PauseAsync(TimeSpan pause, RpcException failure, CancellationToken caller, CancellationToken disposed)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(caller, disposed);
        try
        {
            await Task.Delay(pause, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled while waiting to retry", failure));
        }
    }

    private sealed class UnaryAttempts<TRequest, TResponse>(ResilienceInterceptor owner, TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class where TResponse : class
    {
        private readonly CancellationTokenSource _disposed = new();
        private AsyncUnaryCall<TResponse>? _call;

        public async Task<TResponse> RunAsync()
        {
            for (var attempt = 1; ; attempt++)
            {
                var call = _call = continuation(request, owner.WithDeadline(context));
                try
                {
                    return await call.ResponseAsync.ConfigureAwait(false);
                }
                catch (RpcException e) when (owner.Retry(e, attempt, context) is { } pause)
                {
                    call.Dispose();
                    await PauseAsync(pause, e, context.Options.CancellationToken, _disposed.Token).ConfigureAwait(false);
                }
            }
        }

        public async Task<Metadata> HeadersAsync(Task<TResponse> response)
        {
            try
            {
                await response.ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // The last attempt's headers (or its failure) answer below.
            }
            return await _call!.ResponseHeadersAsync.ConfigureAwait(false);
        }

        public Status GetStatus() => _call!.GetStatus();
        public Metadata GetTrailers() => _call!.GetTrailers();

        public void Dispose()
        {
            _disposed.Cancel();
            _call?.Dispose();
        }
    }

    private sealed class StreamAttempts<TRequest, TResponse>(ResilienceInterceptor owner, TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        : IAsyncStreamReader<TResponse>
        where TRequest : class where TResponse : class
    {
        private readonly CancellationTokenSource _disposed = new();
        private readonly Lock _lock = new();
        private Task<Metadata>? _started;
        private AsyncServerStreamingCall<TResponse>? _call;

        public TResponse Current => _call!.ResponseStream.Current;

        /// <summary>Attempts until one answers its headers; the stream reads from that one.</summary>
        public Task<Metadata> StartAsync()
        {
            lock (_lock) return _started ??= AttemptAsync();
        }

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            await StartAsync().ConfigureAwait(false);
            return await _call!.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
        }

        private async Task<Metadata> AttemptAsync()
        {
            for (var attempt = 1; ; attempt++)
            {
                var call = _call = continuation(request, context);
                try
                {
                    return await call.ResponseHeadersAsync.ConfigureAwait(false);
                }
                catch (RpcException e) when (owner.Retry(e, attempt, context) is { } pause)
                {
                    call.Dispose();
                    await PauseAsync(pause, e, context.Options.CancellationToken, _disposed.Token).ConfigureAwait(false);
                }
            }
        }

        public Status GetStatus() => _call!.GetStatus();
        public Metadata GetTrailers() => _call!.GetTrailers();

        public void Dispose()
        {
            _disposed.Cancel();
            _call?.Dispose();
        }
    }
}
