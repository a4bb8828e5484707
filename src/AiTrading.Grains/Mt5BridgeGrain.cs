using System.Security.Cryptography;
using System.Text;
using AiTrading.Contracts;
using AiTrading.Core.MarketData;
using AiTrading.Core;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("mt5-bridge-state")]
public sealed class Mt5BridgeState
{
    [Id(0)] public long LastSession { get; set; }
    [Id(1)] public long LastSequence { get; set; }
    /// <summary>Commands the terminal has not acknowledged yet, in the order they were issued.</summary>
    [Id(2)] public List<TerminalCommand> Pending { get; set; } = [];
    /// <summary>Orders placed through this terminal that are not done yet, by order id.</summary>
    [Id(3)] public Dictionary<string, TerminalOrder> Orders { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The latest applied execution ids, oldest first (a bounded memory for de-duplication).</summary>
    [Id(4)] public List<string> RecentExecutions { get; set; } = [];
    [Id(5)] public List<TerminalPosition> Positions { get; set; } = [];
    [Id(6)] public DateTimeOffset? PositionsAt { get; set; }
    [Id(7)] public string? Terminal { get; set; }
}

[GenerateSerializer, Alias("mt5-terminal-order")]
public sealed class TerminalOrder
{
    [Id(0)] public required OrderRequest Request { get; set; }
    [Id(1)] public decimal Filled { get; set; }
    [Id(2)] public string? Ticket { get; set; }
}

/// <summary>
/// The bridge to one MetaTrader 5 terminal (key: venue name). Nothing is lost across disconnects, restarts or
/// crashes on either side: a command is persisted as pending before it is sent and resent on every reconnect until
/// the terminal acknowledges it (the terminal ignores one it has already carried out); an execution is applied to its
/// order and persisted before the gateway acknowledges it (the terminal resends until then, and a resent one is
/// recognised by its id). An order whose command timed out is not rejected — the terminal may have it — but stays
/// working until the terminal reports. Reentrant, so acknowledgements arrive while a submit waits for one.
/// </summary>
[Reentrant]
public sealed class Mt5BridgeGrain(
    [PersistentState("mt5-bridge")] IPersistentState<Mt5BridgeState> state,
    IOptions<TradingOptions> options,
    TimeProvider clock,
    ILogger<Mt5BridgeGrain> logger) : Grain, IMt5BridgeGrain
{
    public const int RememberedExecutions = 10_000;
    public const int SupportedProtocol = 1;

    private sealed record LiveSession(long Id, IMt5Terminal Terminal, string Name)
    {
        public DateTimeOffset LastHeartbeat { get; set; }
    }

    private readonly Dictionary<long, TaskCompletionSource<TerminalAck>> _waiting = [];
    private readonly HashSet<string> _recent = new(StringComparer.Ordinal);
    private readonly SerializedWrites<Mt5BridgeState> _writes = new(state);
    private VenueCircuit _circuit = null!;
    private LiveSession? _session;
    private long _rejectedTicks;

    private string Venue => this.GetPrimaryKeyString();
    private Mt5TerminalOptions? Terminal => options.Value.Mt5Terminals.GetValueOrDefault(Venue);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _circuit = new VenueCircuit(Venue, options.Value.VenueCircuit, clock);
        _recent.UnionWith(state.State.RecentExecutions);
        if (Terminal is not null) await GrainFactory.GetGrain<INameIndexGrain>(NameIndexes.Venues).RegisterAsync(Venue);
    }

    public async Task<TerminalSession> ConnectAsync(TerminalHello hello, IMt5Terminal terminal)
    {
        if (Terminal is not { } configured) return Refused($"'{Venue}' is not an MT5 venue of this cluster");
        if (hello.Protocol != SupportedProtocol) return Refused($"protocol {hello.Protocol} is not supported (this bridge speaks {SupportedProtocol})");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(hello.Token ?? ""), Encoding.UTF8.GetBytes(configured.Token)))
            return Refused($"the token is not valid for venue '{Venue}'");
        if (Live() is { } current && current.Name != hello.Terminal)
        {
            logger.LogWarning("MT5 terminal {Terminal} refused for {Venue}: {Connected} is connected (session {Session})", hello.Terminal, Venue, current.Name, current.Id);
            return Refused($"venue '{Venue}' already has a connected terminal ({current.Name}); another is accepted once it disconnects or misses " +
                           $"three heartbeats ({3 * configured.HeartbeatSeconds} s)", TerminalSession.VenueBusy);
        }
        if (_session is { } previous)
            logger.LogWarning("MT5 terminal {Terminal} reconnected to {Venue}; its session {Session} is replaced", hello.Terminal, Venue, previous.Id);

        state.State.LastSession++;
        state.State.Terminal = hello.Terminal;
        await WriteAsync();
        _session = new LiveSession(state.State.LastSession, terminal, hello.Terminal) { LastHeartbeat = clock.GetUtcNow() };
        logger.LogInformation("MT5 terminal {Terminal} connected to {Venue} (session {Session}, {Pending} commands pending)",
            hello.Terminal, Venue, _session.Id, state.State.Pending.Count);
        return new TerminalSession(true, null, _session.Id, configured.HeartbeatSeconds, state.State.Pending.ToList());
    }

    public Task<bool> HeartbeatAsync(long session)
    {
        if (_session?.Id != session) return Task.FromResult(false);
        _session.LastHeartbeat = clock.GetUtcNow();
        return Task.FromResult(true);
    }

    public Task ReportRejectedTicksAsync(long count)
    {
        if (count > 0) _rejectedTicks += count;
        return Task.CompletedTask;
    }

    public Task DisconnectAsync(long session)
    {
        if (_session?.Id == session)
        {
            logger.LogInformation("MT5 terminal {Terminal} disconnected from {Venue}", _session.Name, Venue);
            _session = null;
        }
        return Task.CompletedTask;
    }

    public async Task AcknowledgeAsync(TerminalAck ack)
    {
        var index = state.State.Pending.FindIndex(c => c.Sequence == ack.Sequence);
        if (index < 0) return; // acknowledged before: the terminal resent its answer
        var command = state.State.Pending[index];
        state.State.Pending.RemoveAt(index);
        var order = state.State.Orders.GetValueOrDefault(command.OrderId);
        switch (command.Kind)
        {
            case TerminalCommandKind.Place when ack.Accepted && order is not null:
                order.Ticket = ack.Ticket;
                break;
            case TerminalCommandKind.Place:
            case TerminalCommandKind.Cancel when ack.Accepted:
                state.State.Orders.Remove(command.OrderId);
                break;
            case TerminalCommandKind.Modify when ack.Accepted && order is not null:
                order.Request = order.Request with { Quantity = command.Quantity!.Value, LimitPrice = command.LimitPrice, StopPrice = command.StopPrice };
                break;
        }
        await WriteAsync();

        if (_waiting.Remove(ack.Sequence, out var waiter)) waiter.TrySetResult(ack);
        else if (!ack.Accepted && command.Kind == TerminalCommandKind.Place)
            // The submit gave up waiting and left the order working; the terminal's refusal ends it now.
            await GrainFactory.GetGrain<IOrderGrain>(command.OrderId).OnExecutionAsync(
                new ExecutionReport(command.OrderId, ExecutionKind.Rejected, clock.GetUtcNow(), Reason: RefusalReason(ack)));
        else if (!ack.Accepted)
            logger.LogWarning("MT5 terminal refused {Kind} of {OrderId}: {Reason}", command.Kind, command.OrderId, ack.Reason);
    }

    public async Task<ExecutionOutcome> ReportExecutionAsync(TerminalExecution execution)
    {
        if (_recent.Contains(execution.ExecutionId)) return ExecutionOutcome.Duplicate;
        if (!state.State.Orders.TryGetValue(execution.OrderId, out var order))
        {
            logger.LogWarning("MT5 execution {ExecutionId} is for {OrderId}, which this venue does not hold; ignored", execution.ExecutionId, execution.OrderId);
            return ExecutionOutcome.UnknownOrder;
        }
        var request = order.Request;
        var remaining = request.Quantity - order.Filled;
        if (execution.Kind == TerminalExecutionKind.Fill && execution.Quantity > remaining)
        {
            logger.LogError("MT5 execution {ExecutionId} fills {Quantity} of {OrderId}, which has only {Remaining} left; refused",
                execution.ExecutionId, execution.Quantity, execution.OrderId, remaining);
            return ExecutionOutcome.Refused;
        }

        var report = execution.Kind switch
        {
            TerminalExecutionKind.Fill => new ExecutionReport(execution.OrderId, ExecutionKind.Fill, execution.Time,
                Fill: new Fill($"{Venue}:{execution.ExecutionId}", execution.OrderId, request.Account, request.Symbol, request.Side,
                    execution.Quantity, execution.Price, execution.Time, Venue)),
            TerminalExecutionKind.Cancelled => new ExecutionReport(execution.OrderId, ExecutionKind.Cancelled, execution.Time, Reason: execution.Reason ?? "cancelled at the terminal"),
            TerminalExecutionKind.Expired => new ExecutionReport(execution.OrderId, ExecutionKind.Expired, execution.Time, Reason: execution.Reason ?? "expired at the terminal"),
            _ => new ExecutionReport(execution.OrderId, ExecutionKind.Rejected, execution.Time, Reason: execution.Reason ?? "rejected by the terminal"),
        };
        await GrainFactory.GetGrain<IOrderGrain>(execution.OrderId).OnExecutionAsync(report);

        if (execution.Kind == TerminalExecutionKind.Fill) order.Filled += execution.Quantity;
        if (execution.Kind != TerminalExecutionKind.Fill || order.Filled >= request.Quantity) state.State.Orders.Remove(execution.OrderId);
        Remember(execution.ExecutionId);
        await WriteAsync();
        return ExecutionOutcome.Applied;
    }

    public async Task ReportPositionsAsync(IReadOnlyList<TerminalPosition> positions)
    {
        state.State.Positions = positions.ToList();
        state.State.PositionsAt = clock.GetUtcNow();
        await WriteAsync();
    }

    public Task<VenueCircuitView> GetCircuitAsync() => Task.FromResult(_circuit.View());

    public Task<Mt5VenueStatus> GetStatusAsync()
    {
        var live = Live();
        return Task.FromResult(new Mt5VenueStatus(Venue, live is not null, state.State.Terminal, state.State.LastSession, _session?.LastHeartbeat,
            state.State.Pending.Count, state.State.Orders.Count, state.State.Positions, state.State.PositionsAt, _circuit.View(), _rejectedTicks));
    }

    public async Task<IReadOnlyList<ExecutionReport>> SubmitAsync(string orderId, OrderRequest request, Quote? quote)
    {
        if (state.State.Orders.ContainsKey(orderId)) return []; // a retried submit: the first one is with the terminal
        var sent = false;
        try
        {
            var ack = await _circuit.ExecuteAsync(async cancel =>
            {
                var session = Live() ?? throw new VenueUnavailableException($"no terminal is connected to venue '{Venue}'");
                state.State.Orders[orderId] = new TerminalOrder { Request = request };
                var command = await IssueAsync(TerminalCommandKind.Place, orderId, order: request);
                sent = true;
                return await SendAsync(session, command, cancel);
            });
            return ack.Accepted ? [] : [new ExecutionReport(orderId, ExecutionKind.Rejected, clock.GetUtcNow(), Reason: RefusalReason(ack))];
        }
        catch (VenueUnavailableException e) when (!sent)
        {
            return [new ExecutionReport(orderId, ExecutionKind.Rejected, clock.GetUtcNow(), Reason: e.Message)];
        }
        catch (VenueUnavailableException e)
        {
            logger.LogWarning("Order {OrderId} is with venue {Venue} but not acknowledged ({Reason}); it stays working until the terminal reports", orderId, Venue, e.Message);
            return [];
        }
    }

    public async Task<ExecutionReport?> CancelAsync(string orderId, string reason)
    {
        if (!state.State.Orders.ContainsKey(orderId)) return null;
        // A cancel is queued even when the terminal is away or the breaker is open: it must reach the terminal.
        var command = await IssueAsync(TerminalCommandKind.Cancel, orderId, reason: reason);
        if (Live() is not { } session) return null;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(options.Value.VenueCircuit.TimeoutMilliseconds));
            var ack = await SendAsync(session, command, timeout.Token);
            return ack.Accepted ? new ExecutionReport(orderId, ExecutionKind.Cancelled, clock.GetUtcNow(), Reason: reason) : null;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or OrleansException)
        {
            logger.LogWarning("Cancel of {OrderId} is pending at venue {Venue}: {Reason}", orderId, Venue, e.Message);
            return null;
        }
    }

    public async Task<IReadOnlyList<ExecutionReport>> ReplaceAsync(string orderId, decimal quantity, decimal? limitPrice, decimal? stopPrice)
    {
        if (!state.State.Orders.TryGetValue(orderId, out var order)) return [];
        try
        {
            var ack = await _circuit.ExecuteAsync(async cancel =>
            {
                var session = Live() ?? throw new VenueUnavailableException($"no terminal is connected to venue '{Venue}'");
                var command = await IssueAsync(TerminalCommandKind.Modify, orderId, quantity: quantity, limitPrice: limitPrice, stopPrice: stopPrice);
                return await SendAsync(session, command, cancel);
            });
            if (!ack.Accepted) throw new ConflictException($"venue '{Venue}' refused to change order '{orderId}': {RefusalReason(ack)}");
            return [new ExecutionReport(orderId, ExecutionKind.Replaced, clock.GetUtcNow(), Request: order.Request, Reason: "replaced at the terminal")];
        }
        catch (VenueUnavailableException e)
        {
            throw new ConflictException($"order '{orderId}' was not changed: {e.Message}");
        }
    }

    private async Task<TerminalCommand> IssueAsync(TerminalCommandKind kind, string orderId, OrderRequest? order = null,
        decimal? quantity = null, decimal? limitPrice = null, decimal? stopPrice = null, string? reason = null)
    {
        var command = new TerminalCommand(++state.State.LastSequence, kind, orderId, order, quantity, limitPrice, stopPrice, reason);
        state.State.Pending.Add(command);
        await WriteAsync();
        return command;
    }

    /// <summary>Hands the command to the session's gateway and waits for the terminal's acknowledgement.</summary>
    private async Task<TerminalAck> SendAsync(LiveSession session, TerminalCommand command, CancellationToken cancel)
    {
        var answer = new TaskCompletionSource<TerminalAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[command.Sequence] = answer;
        try
        {
            await session.Terminal.DeliverAsync(command).WaitAsync(cancel);
            return await answer.Task.WaitAsync(cancel);
        }
        finally
        {
            _waiting.Remove(command.Sequence);
        }
    }

    /// <summary>The session, unless it missed three heartbeats.</summary>
    private LiveSession? Live()
    {
        if (_session is null || Terminal is not { } configured) return null;
        return clock.GetUtcNow() - _session.LastHeartbeat <= TimeSpan.FromSeconds(3 * configured.HeartbeatSeconds) ? _session : null;
    }

    private void Remember(string executionId)
    {
        _recent.Add(executionId);
        state.State.RecentExecutions.Add(executionId);
        if (state.State.RecentExecutions.Count <= RememberedExecutions) return;
        _recent.Remove(state.State.RecentExecutions[0]);
        state.State.RecentExecutions.RemoveAt(0);
    }

    private static string RefusalReason(TerminalAck ack) => $"terminal refused: {ack.Reason ?? "no reason given"}";

    private static TerminalSession Refused(string why, string code = TerminalSession.Unauthorized) => new(false, why, 0, 0, [], code);

    private Task WriteAsync() => _writes.WriteAsync();
}
