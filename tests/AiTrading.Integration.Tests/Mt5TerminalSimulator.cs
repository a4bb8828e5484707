using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AiTrading.Integration.Tests;

/// <summary>
/// Behaves as the MQL5 Expert Advisor does (src/AiTrading.Connectors/Mt5/AiTradingBridge.mq5), over a real
/// WebSocket, speaking the documented JSON by hand. Its journal (orders placed, commands done, executions not yet
/// acknowledged) outlives a connection, as the EA's file does, so reconnects can be tested; switches make it drop the
/// connection at the worst moments or stop answering commands.
/// </summary>
public sealed class Mt5TerminalSimulator(Uri bridge, string venue, string token, params string[] symbols) : IAsyncDisposable
{
    private ClientWebSocket? _socket;
    private Task? _reader;
    private Task? _heartbeats;
    private CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private long _nextTicket = 5_000_000, _nextDeal = 9_000_000;
    private readonly ConcurrentDictionary<string, (double Bid, double Ask)> _quotes = new();

    // The journal.
    public ConcurrentDictionary<string, string> TicketsByOrder { get; } = new();
    public ConcurrentDictionary<long, JsonObject> AnswersBySequence { get; } = new();
    public ConcurrentDictionary<string, JsonObject> UnacknowledgedExecutions { get; } = new();
    public int Placements;

    public ConcurrentQueue<JsonObject> Received { get; } = new();

    /// <summary>Ignores commands (a hung terminal): no acknowledgement, no execution.</summary>
    public bool Silent { get; set; }
    /// <summary>After its next placement, journals the fill and drops the connection before answering anything.</summary>
    public bool DropAfterNextPlacement { get; set; }
    /// <summary>Sends its next execution, then drops the connection before the bridge can acknowledge it.</summary>
    public bool DropAfterNextExecution { get; set; }

    public bool IsOpen => _socket?.State == WebSocketState.Open;

    /// <summary>The name the hello gives (an MT5 terminal's account@server).</summary>
    public string TerminalName { get; init; } = "Simulator 1001@Test-Server";

    /// <summary>Why the bridge closed the last connection (the WebSocket close description), once it did.</summary>
    public string? CloseReason => _socket?.CloseStatusDescription;

    /// <summary>Connects and says hello; returns the bridge's first answer (welcome or error).</summary>
    public async Task<JsonObject> ConnectAsync(int protocol = 1, string? withToken = null)
    {
        await AbortAsync();
        _stop = new CancellationTokenSource();
        _socket = new ClientWebSocket();
        await _socket.ConnectAsync(bridge, CancellationToken.None);
        await SendAsync(new JsonObject
        {
            ["type"] = "hello", ["protocol"] = protocol, ["venue"] = venue, ["token"] = withToken ?? token, ["terminal"] = TerminalName,
            ["symbols"] = new JsonArray(symbols.Select(s => (JsonNode)new JsonObject
            {
                ["symbol"] = s, ["baseCurrency"] = s[..3], ["quoteCurrency"] = s[3..], ["tickSize"] = s.EndsWith("JPY") ? 0.001 : 0.00001,
            }).ToArray()),
        });
        var first = await ReceiveAsync(_socket, CancellationToken.None) ?? throw new InvalidOperationException("the bridge closed without answering the hello");
        Received.Enqueue(first);
        if ((string?)first["type"] != "welcome")
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            (await ReceiveAsync(_socket, wait.Token)).ShouldBeNull("a refused hello is followed by the close");
            return first;
        }

        foreach (var execution in UnacknowledgedExecutions.Values.OrderBy(e => (string?)e["execId"])) await SendAsync(execution.DeepClone().AsObject());
        var socket = _socket;
        _reader = Task.Run(() => ReadAsync(socket, _stop.Token));
        _heartbeats = Task.Run(() => BeatAsync(_stop.Token));
        return first;
    }

    public Task SendTickAsync(string symbol, double bid, double ask)
    {
        _quotes[symbol] = (bid, ask);
        return SendAsync(new JsonObject
        {
            ["type"] = "tick", ["symbol"] = symbol, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["bid"] = bid, ["ask"] = ask,
            ["bidVolume"] = 1_000_000, ["askVolume"] = 1_000_000,
        });
    }

    public async Task SendAsync(JsonNode message)
    {
        var socket = _socket ?? throw new InvalidOperationException("not connected");
        await _send.WaitAsync();
        try { await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _send.Release(); }
    }

    public Task SendRawAsync(string text) => SendAsync(JsonNode.Parse(text)!);

    /// <summary>Waits for a message from the bridge that matches, and returns it.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (Received.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(20);
        }
        throw new TimeoutException("no such message from the bridge; received: " + string.Join(" | ", Received.Select(m => m.ToJsonString())));
    }

    /// <summary>Drops the connection the way a crashed terminal or a cut network does: no close handshake.</summary>
    public async Task AbortAsync()
    {
        _stop.Cancel();
        _socket?.Abort();
        if (_reader is not null) await _reader.ContinueWith(_ => { });
        if (_heartbeats is not null) await _heartbeats.ContinueWith(_ => { });
        _socket?.Dispose();
        _socket = null;
        _reader = _heartbeats = null;
    }

    public async ValueTask DisposeAsync() => await AbortAsync();

    private async Task ReadAsync(ClientWebSocket socket, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && await ReceiveAsync(socket, stop) is { } message)
            {
                Received.Enqueue(message);
                await HandleAsync(message);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private async Task HandleAsync(JsonObject message)
    {
        switch ((string?)message["type"])
        {
            case "execAck":
                UnacknowledgedExecutions.TryRemove((string)message["execId"]!, out _);
                break;
            case "order" when !Silent:
                await PlaceAsync(message);
                break;
            case "cancel" when !Silent:
                var cancelSeq = (long)message["seq"]!;
                var orderId = (string)message["orderId"]!;
                await AnswerAsync(cancelSeq, new JsonObject { ["type"] = "ack", ["seq"] = cancelSeq, ["ok"] = TicketsByOrder.ContainsKey(orderId) });
                break;
        }
    }

    /// <summary>As the EA: a command done before is answered again; an order id placed before is not placed twice.</summary>
    private async Task PlaceAsync(JsonObject order)
    {
        var seq = (long)order["seq"]!;
        if (AnswersBySequence.TryGetValue(seq, out var answered)) { await SendAsync(answered.DeepClone()); return; }
        var orderId = (string)order["orderId"]!;
        if (TicketsByOrder.TryGetValue(orderId, out var existing))
        {
            await AnswerAsync(seq, Ack(seq, existing));
            return;
        }

        var ticket = Interlocked.Increment(ref _nextTicket).ToString();
        TicketsByOrder[orderId] = ticket;
        Interlocked.Increment(ref Placements);
        JsonObject? fill = null;
        if ((string?)order["orderType"] == "MARKET" && _quotes.TryGetValue((string)order["symbol"]!, out var quote))
        {
            fill = new JsonObject
            {
                ["type"] = "execution", ["execId"] = Interlocked.Increment(ref _nextDeal).ToString(), ["orderId"] = orderId, ["kind"] = "fill",
                ["quantity"] = (decimal)order["quantity"]!, ["price"] = (string?)order["side"] == "BUY" ? quote.Ask : quote.Bid,
                ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            };
            UnacknowledgedExecutions[(string)fill["execId"]!] = fill;
        }
        if (DropAfterNextPlacement)
        {
            DropAfterNextPlacement = false;
            _socket?.Abort();
            return;
        }
        await AnswerAsync(seq, Ack(seq, ticket));
        if (fill is null) return;
        await SendAsync(fill.DeepClone());
        if (DropAfterNextExecution)
        {
            DropAfterNextExecution = false;
            _socket?.Abort();
        }
    }

    private static JsonObject Ack(long seq, string ticket) => new() { ["type"] = "ack", ["seq"] = seq, ["ok"] = true, ["ticket"] = ticket };

    private async Task AnswerAsync(long seq, JsonObject answer)
    {
        AnswersBySequence[seq] = answer;
        await SendAsync(answer.DeepClone());
    }

    private async Task BeatAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(500, stop);
                await SendAsync(new JsonObject { ["type"] = "heartbeat", ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private static async Task<JsonObject?> ReceiveAsync(ClientWebSocket socket, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), stop);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            length += result.Count;
            if (result.EndOfMessage) return JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
        }
    }
}
