using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace AiTrading.Gateway.Mt5;

/// <summary>The MT5 bridge's WebSocket endpoint: one connection per terminal, protocol in src/AiTrading.Connectors/Mt5/PROTOCOL.md.</summary>
public static class Mt5BridgeEndpoint
{
    public const string Path = "/v1/mt5/bridge";

    /// <summary>The bridge's options (<see cref="Mt5BridgeOptions"/>, validated at start) and its handshake throttle.</summary>
    public static IServiceCollection AddMt5Bridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<Mt5BridgeOptions>(configuration, Mt5BridgeOptions.Section, o => o.Validate());
        services.AddSingleton(sp => new Mt5HandshakeThrottle(sp.GetRequiredService<IOptions<Mt5BridgeOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static IEndpointRouteBuilder MapMt5Bridge(this IEndpointRouteBuilder app)
    {
        app.Map(Path, async (HttpContext http, IClusterClient cluster, TimeProvider clock, ILoggerFactory logs, Mt5HandshakeThrottle throttle,
            IOptions<Mt5BridgeOptions> options) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                await ErrorMapping.WriteProblemAsync(http, new RequestRefusedException(StatusCodes.Status426UpgradeRequired,
                    "this endpoint speaks WebSocket only (see the MT5 bridge protocol)"));
                return;
            }
            // An address that failed too many handshakes is refused before the upgrade, at the cost of one small answer.
            var remote = http.Connection.RemoteIpAddress ?? IPAddress.None;
            if (throttle.Blocked(remote) is { } wait)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ErrorMapping.WriteProblemAsync(http, new RequestRefusedException(StatusCodes.Status429TooManyRequests,
                    $"too many failed MT5 handshakes from this address; retry after {seconds} s"));
                return;
            }
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await new Mt5BridgeConnection(socket, cluster, clock, logs.CreateLogger<Mt5BridgeConnection>(), options.Value, throttle, remote).RunAsync(http.RequestAborted);
        }).AllowAnonymous(); // a terminal proves itself with its venue's token in the hello, not with a bearer token
        return app;
    }
}

/// <summary>
/// One terminal's connection. It acts on nothing before a valid hello; then it relays ticks to the instruments'
/// streams, acknowledgements and executions to the bridge grain (an execution is acknowledged to the terminal only
/// once the grain applied it), and the grain's commands to the terminal. A malformed message is answered with an
/// error naming its fields and changes nothing; the connection stays open.
/// </summary>
internal sealed class Mt5BridgeConnection(
    WebSocket socket, IClusterClient cluster, TimeProvider clock, ILogger logger, Mt5BridgeOptions options, Mt5HandshakeThrottle throttle, IPAddress remote) : IMt5Terminal
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Dictionary<string, IAsyncStream<TickBatch>> _ticks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastTickTimes = new(StringComparer.Ordinal);
    private long _rejectedTicks;
    private FieldError? _lastRejection;
    private IMt5BridgeGrain? _bridge;
    private long _session;
    private DateTimeOffset _lastHeard;

    public async Task RunAsync(CancellationToken aborted)
    {
        IMt5Terminal? reference = null;
        try
        {
            using var helloWait = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            helloWait.CancelAfter(HelloTimeout);
            byte[]? first;
            try
            {
                first = await ReceiveAsync(helloWait.Token);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                HandshakeFailed($"no hello within {HelloTimeout.TotalSeconds:0} s");
                await CloseAsync(WebSocketCloseStatus.PolicyViolation, "hello expected");
                return;
            }
            if (first is null) { HandshakeFailed("closed before a hello"); return; }
            var message = await ParseAsync(first);
            if (message is null)
            {
                HandshakeFailed("the first message was malformed");
                await CloseAsync(WebSocketCloseStatus.InvalidPayloadData, "the first message must be a valid hello");
                return;
            }
            if (message is not HelloMessage hello)
            {
                HandshakeFailed("the first message was not a hello");
                await SendAsync(BridgeCodec.Error("protocol", "the first message must be a hello"));
                await CloseAsync(WebSocketCloseStatus.PolicyViolation, "hello expected");
                return;
            }

            reference = cluster.CreateObjectReference<IMt5Terminal>(this);
            // Held until the pending commands are out, so a command issued meanwhile cannot overtake them.
            await _send.WaitAsync(aborted);
            TerminalSession session;
            try
            {
                _bridge = cluster.GetGrain<IMt5BridgeGrain>(hello.Hello.Venue);
                session = await _bridge.ConnectAsync(hello.Hello, reference);
                if (!session.Accepted)
                {
                    // A terminal refused because another one holds the venue presented the right token: not a failed handshake.
                    var busy = session.RefusalCode == TerminalSession.VenueBusy;
                    if (!busy) HandshakeFailed(session.Refusal ?? "refused");
                    await WriteAsync(BridgeCodec.Error(session.RefusalCode ?? TerminalSession.Unauthorized, session.Refusal ?? "refused"));
                    await CloseAsync(WebSocketCloseStatus.PolicyViolation, busy ? "venue busy" : "refused");
                    return;
                }
                throttle.Succeed(remote);
                _session = session.Session;
                await DeclareSymbolsAsync(hello.Symbols);
                await WriteAsync(BridgeCodec.Welcome(session));
                foreach (var command in session.Pending) await WriteAsync(BridgeCodec.Command(command));
            }
            finally
            {
                _send.Release();
            }

            using var heartbeats = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var beating = BeatAsync(TimeSpan.FromSeconds(session.HeartbeatSeconds), heartbeats.Token);
            try
            {
                while (await ReceiveAsync(aborted) is { } frame)
                    if (await ParseAsync(frame) is { } next && !await HandleSafelyAsync(next)) break;
            }
            finally
            {
                heartbeats.Cancel();
                await beating;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            logger.LogInformation("MT5 connection ended: {Reason}", e.Message);
        }
        catch (InvalidRequestException e)
        {
            HandshakeFailed($"bad hello ({e.Message})");
            await TrySendAsync(BridgeCodec.Error("bad_message", "the hello was refused", e.Errors));
            await CloseAsync(WebSocketCloseStatus.PolicyViolation, "bad hello");
        }
        finally
        {
            if (_bridge is not null && _session != 0)
            {
                await ReportRejectedTicksAsync();
                await _bridge.DisconnectAsync(_session);
            }
            if (reference is not null) cluster.DeleteObjectReference<IMt5Terminal>(reference);
        }
    }

    public Task DeliverAsync(TerminalCommand command) => SendAsync(BridgeCodec.Command(command));

    /// <summary>
    /// A message the cluster could not take now (a grain call failed) is answered with "retry_later" and nothing is
    /// acknowledged, so the terminal sends it again; the connection stays up.
    /// </summary>
    private async Task<bool> HandleSafelyAsync(TerminalMessage message)
    {
        try
        {
            return await HandleAsync(message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or WebSocketException))
        {
            logger.LogWarning(e, "MT5 message {Type} not taken", message.GetType().Name);
            await SendAsync(BridgeCodec.Error("retry_later", $"not taken, send it again: {e.Message}"));
            return true;
        }
    }

    /// <summary>False ends the connection (it was replaced by a newer one from the same venue).</summary>
    private async Task<bool> HandleAsync(TerminalMessage message)
    {
        switch (message)
        {
            case TickMessage { Tick: var tick }:
                if (!_symbols.Contains(tick.Symbol))
                {
                    await SendAsync(BridgeCodec.Error("bad_message", "tick refused", [new("symbol", $"'{tick.Symbol}' was not declared in the hello")]));
                    return true;
                }
                if (TickTimeProblem(tick) is { } problem)
                {
                    // Refused here, not passed on: the instrument would take a far-future tick and then refuse every good one before it.
                    Interlocked.Increment(ref _rejectedTicks);
                    _lastRejection = problem;
                    await SendAsync(BridgeCodec.Error("bad_message", "tick refused", [problem]));
                    return true;
                }
                _lastTickTimes[tick.Symbol] = tick.Time;
                await TicksOf(tick.Symbol).OnNextAsync(new TickBatch(tick.Symbol, [tick], clock.GetUtcNow()));
                return true;
            case AckMessage { Ack: var ack }:
                await _bridge!.AcknowledgeAsync(ack);
                return true;
            case ExecutionMessage { Execution: var execution }:
                var outcome = await _bridge!.ReportExecutionAsync(execution);
                await SendAsync(BridgeCodec.ExecutionAck(execution.ExecutionId, outcome));
                return true;
            case PositionsMessage { Positions: var positions }:
                await _bridge!.ReportPositionsAsync(positions);
                return true;
            case HeartbeatMessage:
                return await StillCurrentAsync();
            default:
                await SendAsync(BridgeCodec.Error("protocol", "hello may be sent once only"));
                return true;
        }
    }

    private async Task BeatAsync(TimeSpan period, CancellationToken stop)
    {
        try
        {
            using var timer = new PeriodicTimer(period, clock);
            while (await timer.WaitForNextTickAsync(stop))
            {
                // The bridge's heartbeat stands for the terminal's: a terminal silent for three periods is gone.
                if (clock.GetUtcNow() - _lastHeard > 3 * period)
                {
                    await TrySendAsync(BridgeCodec.Error("silent", $"nothing heard for {3 * period.TotalSeconds:0} s"));
                    await CloseAsync(WebSocketCloseStatus.PolicyViolation, "silent");
                    return;
                }
                if (!await StillCurrentAsync()) return;
                await ReportRejectedTicksAsync();
                await SendAsync(BridgeCodec.Heartbeat(clock.GetUtcNow()));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private async Task<bool> StillCurrentAsync()
    {
        if (await _bridge!.HeartbeatAsync(_session)) return true;
        await TrySendAsync(BridgeCodec.Error("replaced", "a newer connection of this venue replaced this one"));
        await CloseAsync(WebSocketCloseStatus.PolicyViolation, "replaced");
        return false;
    }

    /// <summary>A tick too far ahead of this clock, or before the symbol's previous tick on this connection.</summary>
    private FieldError? TickTimeProblem(Tick tick)
    {
        var now = clock.GetUtcNow();
        var tolerance = TimeSpan.FromSeconds(options.FutureTickToleranceSeconds);
        if (tick.Time > now + tolerance)
            return new("time", $"{tick.Time:O} is more than {tolerance.TotalSeconds:0.###} s ahead of the bridge's clock ({now:O})");
        if (_lastTickTimes.TryGetValue(tick.Symbol, out var previous) && tick.Time < previous)
            return new("time", $"{tick.Time:O} is before the previous tick of {tick.Symbol} ({previous:O}); ticks must come in time order");
        return null;
    }

    /// <summary>Counts refused ticks into the venue's status and logs them, at most once per heartbeat period.</summary>
    private async Task ReportRejectedTicksAsync()
    {
        var count = Interlocked.Exchange(ref _rejectedTicks, 0);
        if (count == 0) return;
        var bridge = _bridge!;
        logger.LogWarning("MT5 venue {Venue}: {Count} tick(s) refused since the last report (last: {Problem})", bridge.GetPrimaryKeyString(), count, _lastRejection);
        try
        {
            await bridge.ReportRejectedTicksAsync(count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Add(ref _rejectedTicks, count); // counted with the next report
        }
    }

    private void HandshakeFailed(string reason)
    {
        logger.LogWarning("MT5 handshake from {Address} failed: {Reason}", remote, reason);
        if (throttle.Fail(remote))
            logger.LogWarning("MT5 handshakes from {Address} are refused for {Seconds} s after {Failures} failures within {Window} s",
                remote, options.HandshakeBackoffSeconds, options.MaxHandshakeFailures, options.HandshakeFailureWindowSeconds);
    }

    /// <summary>Instruments the terminal trades that the cluster does not know yet are declared from the hello.</summary>
    private async Task DeclareSymbolsAsync(IReadOnlyList<BridgeSymbol> symbols)
    {
        foreach (var s in symbols)
        {
            _symbols.Add(s.Symbol);
            var instrument = cluster.GetGrain<IInstrumentGrain>(s.Symbol);
            try
            {
                await instrument.GetSpecAsync();
            }
            catch (ResourceNotFoundException)
            {
                await instrument.ConfigureAsync(new InstrumentSpec(s.Symbol, s.BaseCurrency, s.QuoteCurrency, s.TickSize, 0, 0, 0, 0, 0));
            }
        }
    }

    private IAsyncStream<TickBatch> TicksOf(string symbol)
    {
        if (!_ticks.TryGetValue(symbol, out var stream))
            _ticks[symbol] = stream = cluster.GetStreamProvider(StreamNames.Provider).GetStream<TickBatch>(StreamNames.Ticks, symbol);
        return stream;
    }

    /// <summary>The message, or null after telling the terminal what is wrong with it.</summary>
    private async Task<TerminalMessage?> ParseAsync(byte[] frame)
    {
        try
        {
            return BridgeCodec.Parse(frame);
        }
        catch (ValidationException e)
        {
            await SendAsync(BridgeCodec.Error("bad_message", "message refused", e.Errors));
            return null;
        }
    }

    /// <summary>One whole text message, or null when the terminal closed; a message over the size limit ends the connection.</summary>
    private async Task<byte[]?> ReceiveAsync(CancellationToken cancel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BridgeCodec.MaxMessageBytes);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == BridgeCodec.MaxMessageBytes)
                {
                    await CloseAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {BridgeCodec.MaxMessageBytes} bytes");
                    return null;
                }
                var result = await socket.ReceiveAsync(buffer.AsMemory(length, BridgeCodec.MaxMessageBytes - length), cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
                    return null;
                }
                length += result.Count;
                if (!result.EndOfMessage) continue;
                _lastHeard = clock.GetUtcNow();
                return buffer.AsSpan(0, length).ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SendAsync(byte[] message)
    {
        await _send.WaitAsync();
        try { await WriteAsync(message); }
        finally { _send.Release(); }
    }

    private async Task TrySendAsync(byte[] message)
    {
        try { await SendAsync(message); }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException) { }
    }

    private Task WriteAsync(byte[] message) => socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private async Task CloseAsync(WebSocketCloseStatus status, string why)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived) await socket.CloseAsync(status, why, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException) { }
    }
}
