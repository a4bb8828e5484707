using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using AiTrading.Cli;
using AiTrading.Gateway;
using AiTrading.Silo;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Bench;

/// <summary>
/// How fast the platform decides that an MT5 venue is gone (issue 4's failover figure), over gRPC on loopback:
/// a terminal connects through the bridge and its connection drops; then (1) the time from the drop to the first
/// order rejected for the venue, and (2) submit→rejection latency of orders sent to the dead venue (the first few
/// find no terminal, then the breaker is open and rejects without trying).
/// </summary>
public static class VenueFailoverBenchmark
{
    public static async Task RunAsync(int orders)
    {
        const string token = "bench-token-0123456789abcdef";
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var settings = BenchHost.OnFreePorts(new Dictionary<string, string?>
        {
            ["Trading:DefaultLimits:MaxOrdersPerSecond"] = "100000",
            ["Trading:Mt5Terminals:mt5:Token"] = token,
            ["Trading:Accounts:FAILOVER:Currency"] = "USD",
        }) with { Symbols = ["EURUSD"], Demo = false };
        await using var app = Hosting.BuildEmbedded(settings);
        await app.StartAsync();
        await app.Services.GetRequiredService<LiveFeedService>().Ready;
        using var channel = BenchHost.TraderChannel(settings);
        var client = new Proto.Orders.OrdersClient(channel);
        var sequence = 0;

        async Task<(double Ms, string Status, string Reason)> SubmitOne(string venue = "mt5")
        {
            var n = Interlocked.Increment(ref sequence);
            var start = Stopwatch.GetTimestamp();
            var reply = await client.SubmitAsync(new Proto.SubmitOrderRequest
            {
                ClientOrderId = $"failover-{n}", Account = "FAILOVER", Symbol = "EURUSD", Side = n % 2 == 0 ? Proto.OrderSide.Buy : Proto.OrderSide.Sell,
                Quantity = "1000", Venue = venue,
            });
            return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, reply.Status, reply.Reason);
        }

        for (var i = 0; i < 500; i++) await SubmitOne("paper"); // warm-up: JIT and the account's grains

        using var terminal = new ClientWebSocket();
        await terminal.ConnectAsync(new Uri($"ws://127.0.0.1:{settings.Gateway.HttpPort}/v1/mt5/bridge"), CancellationToken.None);
        var hello = $$"""{"type":"hello","protocol":1,"venue":"mt5","token":"{{token}}","terminal":"bench","symbols":[{"symbol":"EURUSD","baseCurrency":"EUR","quoteCurrency":"USD","tickSize":0.00001}]}""";
        await terminal.SendAsync(Encoding.UTF8.GetBytes(hello), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var welcome = await terminal.ReceiveAsync(buffer, CancellationToken.None);
        Console.WriteLine("terminal: " + Encoding.UTF8.GetString(buffer, 0, welcome.Count));

        terminal.Abort();
        var dropped = Stopwatch.GetTimestamp();
        var first = await SubmitOne();
        var before = 0;
        for (; first.Status != "REJECTED"; before++) first = await SubmitOne();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"connection dropped → first order rejected: {Stopwatch.GetElapsedTime(dropped).TotalMilliseconds:0.0} ms, that order's own latency {first.Ms:0.0} ms, {before} orders accepted before it ({first.Reason})"));

        var latencies = new List<double>();
        var reasons = new Dictionary<string, int>();
        for (var i = 0; i < orders; i++)
        {
            var (ms, status, reason) = await SubmitOne();
            if (status != "REJECTED") throw new InvalidOperationException($"order to a dead venue ended {status}");
            latencies.Add(ms);
            var kind = reason.Contains("circuit open") ? "circuit open" : reason.Contains("no terminal") ? "no terminal connected" : reason;
            reasons[kind] = reasons.GetValueOrDefault(kind) + 1;
        }
        latencies.Sort();
        double P(double q) => BenchHost.Percentile(latencies, q);
        var outcomes = string.Join(", ", reasons.Select(r => r.Value + " " + r.Key));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"submit→rejection over {orders:N0} orders to the dead venue: p50 {P(0.5):0.00} ms, p99 {P(0.99):0.00} ms, max {latencies[^1]:0.00} ms; {outcomes}"));
        await app.StopAsync();
    }
}
