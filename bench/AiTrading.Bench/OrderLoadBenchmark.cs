using System.Diagnostics;
using System.Globalization;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core.Trading;
using AiTrading.Gateway;
using AiTrading.Silo;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Bench;

/// <summary>
/// Manual orders over gRPC on loopback against the embedded product (synthetic feed, no demo strategies): market
/// orders of 1,000 units alternating buy and sell, spread over accounts (each account's risk gate takes its orders
/// one at a time, as a real account's would), each awaited until the gateway answers with the fill.
/// (1) orders/s sustained with a fixed number of orders in flight; (2) submit→fill-ack latency at a paced rate.
/// </summary>
public static class OrderLoadBenchmark
{
    private const int Accounts = 64;

    public static async Task RunAsync(int seconds, double rate, int inFlight, bool direct = false)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {Accounts} accounts, EURUSD and USDJPY; " +
                          (direct ? "straight to the risk gates (no gateway)" : "over gRPC through the gateway"));
        var configuration = Enumerable.Range(0, Accounts).ToDictionary(n => $"Trading:Accounts:LOAD-{n}:Currency", _ => (string?)"USD");
        configuration["Trading:DefaultLimits:MaxOrdersPerSecond"] = "100000";
        var settings = BenchHost.OnFreePorts(configuration) with { Symbols = ["EURUSD", "USDJPY"], Demo = false };
        await using var app = Hosting.BuildEmbedded(settings);
        await app.StartAsync();
        await app.Services.GetRequiredService<LiveFeedService>().Ready;
        using var channel = BenchHost.TraderChannel(settings);
        var client = new Proto.Orders.OrdersClient(channel);
        var cluster = app.Services.GetRequiredService<IClusterClient>();
        foreach (var symbol in settings.Symbols)
            while (await cluster.GetGrain<IInstrumentGrain>(symbol).GetQuoteAsync() is null) await Task.Delay(10); // the feed's first tick
        var sequence = 0L;

        async Task<double> SubmitOne()
        {
            var n = Interlocked.Increment(ref sequence);
            var request = new Proto.SubmitOrderRequest
            {
                ClientOrderId = $"load-{n}",
                Account = $"LOAD-{n % Accounts}",
                Symbol = n % 3 == 0 ? "USDJPY" : "EURUSD",
                Side = n / Accounts % 2 == 0 ? Proto.OrderSide.Buy : Proto.OrderSide.Sell,
                Quantity = "1000",
            };
            var start = Stopwatch.GetTimestamp();
            var (status, orderId, reason) = direct ? await Direct(request) : await Remote(request);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (status != "FILLED") throw new InvalidOperationException($"order {orderId} ended {status}: {reason}");
            return elapsed;
        }

        async Task<(string, string, string)> Remote(Proto.SubmitOrderRequest request)
        {
            var reply = await client.SubmitAsync(request);
            return (reply.Status, reply.OrderId, reply.Reason);
        }

        async Task<(string, string, string)> Direct(Proto.SubmitOrderRequest request)
        {
            var submission = await cluster.GetGrain<IRiskGrain>(request.Account).SubmitOrderAsync(new OrderRequest(request.ClientOrderId, request.Account,
                request.Symbol, request.Side == Proto.OrderSide.Buy ? OrderSide.Buy : OrderSide.Sell, decimal.Parse(request.Quantity, CultureInfo.InvariantCulture)));
            return (submission.Order.Status.ToString().ToUpperInvariant(), submission.Order.OrderId, submission.Order.Reason ?? "");
        }

        // Warm-up: JIT, grain activations for every account and both books.
        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(_ => SubmitOne()));

        // (1) Closed loop: inFlight workers submit back to back.
        var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var completed = 0L;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                await SubmitOne();
                Interlocked.Increment(ref completed);
            }
        }));
        var sustained = completed / clock.Elapsed.TotalSeconds;
        // CPU per order (the whole process: feed, silo, gateway and this driver) holds up on a busy machine where the rate does not.
        var cpuPerOrder = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / completed;
        Console.WriteLine($"sustained: {sustained:N0} orders/s filled with {inFlight} in flight over {clock.Elapsed.TotalSeconds:N1} s, {cpuPerOrder:N0} µs of CPU an order");

        // (2) Open loop at the target rate: orders start on schedule whatever the answers do.
        var latencies = new List<double>();
        var pending = new List<Task>();
        var total = (int)(rate * seconds);
        var begin = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = begin + (long)(i / rate * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < due)
                if (due - Stopwatch.GetTimestamp() > Stopwatch.Frequency / 1000) await Task.Delay(1); else Thread.SpinWait(50);
            pending.Add(SubmitOne().ContinueWith(t => { lock (latencies) latencies.Add(t.Result); }, TaskContinuationOptions.OnlyOnRanToCompletion));
        }
        await Task.WhenAll(pending);
        var achieved = total / Stopwatch.GetElapsedTime(begin).TotalSeconds;
        latencies.Sort();
        double P(double q) => BenchHost.Percentile(latencies, q);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"paced: target {rate:N0} orders/s, achieved {achieved:N0}; submit→fill ack over {latencies.Count:N0} orders: p50 {P(0.5):0.00} ms, p99 {P(0.99):0.00} ms, max {latencies[^1]:0.00} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"orders: sustained={sustained:0} p50_ms={P(0.5):0.00} p99_ms={P(0.99):0.00} paced={achieved:0}"));
        await app.StopAsync();
    }
}
