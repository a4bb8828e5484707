using System.CommandLine;
using System.Globalization;
using AiTrading.Client;
using AiTrading.Connectors.Features;
using AiTrading.Connectors.Feeds;
using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Contracts;
using AiTrading.Gateway;
using AiTrading.Storage.Postgres;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Cli;

public static class Commands
{
    public static IEnumerable<Command> All() => [Run(), Silo(), GatewayOnly(), Migrate(), TokenCommands.Token(), Order(), Quotes(), StrategyCommands.Strategies(), Indicators(), BacktestCommands.Backtest(), BacktestCommands.Sweep(), ParityCommand.Parity(), ModelCommands.Models()];

    private static readonly Option<string> Feed = new("--feed") { Description = "market data feed: synthetic, csv, or none (a silo without feed and demo strategies)", DefaultValueFactory = _ => "synthetic" };
    private static readonly Option<string> Symbols = new("--symbols") { Description = "comma-separated symbols (synthetic feed; one symbol names a CSV replay)", DefaultValueFactory = _ => "EURUSD,GBPUSD,USDJPY,XAUUSD" };
    private static readonly Option<string?> DataPath = new("--path") { Description = "CSV file of OHLCV bars or ticks (with --feed csv)" };
    private static readonly Option<double> Speed = new("--speed") { Description = "simulated seconds per wall-clock second (0: as fast as possible)", DefaultValueFactory = _ => 60 };
    private static readonly Option<int> Seed = new("--seed") { Description = "seed of the synthetic feed", DefaultValueFactory = _ => 42 };
    private static readonly Option<bool> NoDemo = new("--no-demo") { Description = "do not start the demo strategies" };
    private static readonly Option<int> HttpPort = new("--http-port") { Description = "HTTP API port", DefaultValueFactory = _ => 8000 };
    private static readonly Option<int> GrpcPort = new("--grpc-port") { Description = "gRPC (HTTP/2 cleartext) port", DefaultValueFactory = _ => 8001 };
    private static readonly Option<string> Bind = new("--bind") { Description = "address the gateway listens on", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<int> SiloPort = new("--silo-port") { Description = "silo-to-silo port", DefaultValueFactory = _ => 11111 };
    private static readonly Option<int> SiloGatewayPort = new("--silo-gateway-port") { Description = "port Orleans clients (gateways) connect to", DefaultValueFactory = _ => 30000 };
    private static readonly Option<int> SiloHttpPort = new("--silo-http-port") { Description = "port of the silo's /healthz, /readyz and /metrics (0: none)", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> LogFormat = new("--log-format") { Description = "console log format: text, or json (one object a line, for log collectors); default: Logging:Console:FormatterName, else text" };
    private static readonly Option<double> StatusInterval = new("--status-interval") { Description = "seconds between status lines (0: none)", DefaultValueFactory = _ => 5 };

    private static Command Run()
    {
        var command = new Command("run", "Run everything in one process: silo (in-memory), feed, demo strategies and gateway.")
            { Feed, Symbols, DataPath, Speed, Seed, NoDemo, HttpPort, GrpcPort, Bind, SiloPort, SiloGatewayPort, LogFormat, StatusInterval };
        command.SetAction((result, token) => Guarded(async () =>
        {
            var interval = result.GetValue(StatusInterval);
            if (!(interval >= 0 && interval <= 86_400)) throw new ValidationException("status-interval", $"must be between 0 and 86400 seconds (got {interval})");
            var settings = Settings(result) with { Console = new ConsoleSettings(TimeSpan.FromSeconds(interval)) };
            await using var app = Hosting.BuildEmbedded(settings);
            await app.StartAsync(token); // the banner and status lines come from ConsoleReport
            await WaitForShutdown(app.Lifetime, token);
            await app.StopAsync(CancellationToken.None);
        }));
        return command;
    }

    private static Command Silo()
    {
        var command = new Command("silo", "Run a silo with the feed (no gateway); gateways connect on --silo-gateway-port.")
            { Feed, Symbols, DataPath, Speed, Seed, NoDemo, SiloPort, SiloGatewayPort, SiloHttpPort, LogFormat };
        command.SetAction((result, token) => Guarded(async () =>
        {
            using var host = Hosting.BuildSilo(Settings(result) with { SiloHttpPort = result.GetValue(SiloHttpPort) });
            await host.RunAsync(token);
        }));
        return command;
    }

    private static Command GatewayOnly()
    {
        var command = new Command("gateway", "Run the HTTP/gRPC gateway as an Orleans client of a running silo.")
            { HttpPort, GrpcPort, Bind, SiloGatewayPort, LogFormat };
        command.SetAction((result, token) => Guarded(async () =>
        {
            await using var app = Hosting.BuildGateway(Settings(result));
            await app.RunAsync();
        }));
        return command;
    }

    private static Command Migrate()
    {
        var connection = new Option<string?>("--connection-string")
        {
            Description = "PostgreSQL connection string (default: ConnectionStrings:Postgres from appsettings.json or AITRADING__ConnectionStrings__Postgres)",
        };
        var command = new Command("migrate", "Apply the PostgreSQL schema migrations (silos also apply them at start); safe to run concurrently.") { connection };
        command.SetAction((result, token) => Guarded(async () =>
        {
            Console.WriteLine(await AiTrading.Silo.SiloHost.MigrateAsync(result.GetValue(connection), Hosting.ReadConfiguration(), token));
        }));
        return command;
    }

    private static Command Order()
    {
        var account = new Option<string>("--account") { DefaultValueFactory = _ => "DEMO" };
        var symbol = new Option<string>("--symbol") { Required = true };
        var side = new Option<string>("--side") { Required = true, Description = "BUY or SELL" };
        var quantity = new Option<string>("--quantity") { Required = true };
        var limit = new Option<string?>("--limit") { Description = "limit price (a limit order; with --stop a stop-limit order)" };
        var stop = new Option<string?>("--stop") { Description = "stop price (a stop order; with --limit a stop-limit order)" };
        var tif = new Option<string>("--tif") { Description = "time in force: GTC, IOC, FOK or DAY", DefaultValueFactory = _ => "GTC" };
        var stopLoss = new Option<string?>("--stop-loss") { Description = "bracket: stop-loss price placed once the order fills" };
        var takeProfit = new Option<string?>("--take-profit") { Description = "bracket: take-profit price placed once the order fills" };
        var clientId = new Option<string?>("--client-order-id") { Description = "idempotency key (default: a new one)" };
        var command = GatewayClient.With(new Command("order", "Submit a manual order through the gateway's gRPC API.")
            { account, symbol, side, quantity, limit, stop, tif, stopLoss, takeProfit, clientId });
        command.SetAction((result, token) => Guarded(async () =>
        {
            using var client = GatewayClient.Connect(result);
            var sideText = result.GetValue(side)!.ToUpperInvariant();
            // The client order id is made once: a retried submit (after a lost connection) carries the same id and is answered with the first order.
            var reply = await client.Orders.SubmitAsync(new Proto.SubmitOrderRequest
            {
                ClientOrderId = result.GetValue(clientId) ?? $"cli-{Guid.NewGuid():N}",
                Account = result.GetValue(account)!,
                Symbol = result.GetValue(symbol)!,
                Side = sideText == "BUY" ? Proto.OrderSide.Buy : sideText == "SELL" ? Proto.OrderSide.Sell : Proto.OrderSide.Unspecified,
                Quantity = result.GetValue(quantity)!,
                Type = (result.GetValue(limit), result.GetValue(stop)) switch
                {
                    (null, null) => Proto.OrderType.Market,
                    (not null, null) => Proto.OrderType.Limit,
                    (null, not null) => Proto.OrderType.Stop,
                    _ => Proto.OrderType.StopLimit,
                },
                LimitPrice = result.GetValue(limit) ?? "",
                StopPrice = result.GetValue(stop) ?? "",
                TimeInForce = result.GetValue(tif)!.ToUpperInvariant() switch
                {
                    "GTC" => Proto.TimeInForce.Gtc,
                    "IOC" => Proto.TimeInForce.Ioc,
                    "FOK" => Proto.TimeInForce.Fok,
                    "DAY" => Proto.TimeInForce.Day,
                    _ => throw new ValidationException("tif", $"'{result.GetValue(tif)}' is not a time in force (use GTC, IOC, FOK or DAY)"),
                },
                Bracket = result.GetValue(stopLoss) is null && result.GetValue(takeProfit) is null
                    ? null
                    : new Proto.Bracket { StopLossPrice = result.GetValue(stopLoss) ?? "", TakeProfitPrice = result.GetValue(takeProfit) ?? "" },
            }, cancellationToken: token);
            GatewayClient.Print(result, reply, OrderLine(reply));
        }));
        return command;
    }

    private static Command Quotes()
    {
        var count = new Option<int>("--count") { Description = "stop after this many quotes", DefaultValueFactory = _ => 20 };
        var command = GatewayClient.With(new Command("quotes", "Stream live quotes from the gateway's gRPC API.") { Symbols, count });
        command.SetAction((result, token) => Guarded(async () =>
        {
            using var client = GatewayClient.Connect(result);
            var request = new Proto.SubscribeRequest();
            request.Symbols.AddRange(Hosting.ParseSymbols(result.GetValue(Symbols)!));
            using var call = client.MarketData.Subscribe(request, cancellationToken: token);
            var left = result.GetValue(count);
            await GatewayClient.Follow(call.ResponseStream, token, q =>
            {
                GatewayClient.Print(result, q, string.Create(CultureInfo.InvariantCulture, $"{q.Time.ToDateTimeOffset():O} {q.Symbol,-8} {q.Bid,12} {q.Ask,12}"));
                return --left > 0;
            });
        }));
        return command;
    }

    /// <summary>"DEMO:cli-1 BUY 10000 EURUSD MARKET GTC: FILLED 10000 at 1.0843".</summary>
    private static string OrderLine(Proto.OrderReply o)
    {
        var side = o.Side switch { Proto.OrderSide.Buy => "BUY", Proto.OrderSide.Sell => "SELL", _ => "-" };
        var type = o.Type switch { Proto.OrderType.Limit => "LIMIT", Proto.OrderType.Stop => "STOP", Proto.OrderType.StopLimit => "STOP_LIMIT", _ => "MARKET" };
        var prices = (o.LimitPrice.Length > 0 ? $" limit {o.LimitPrice}" : "") + (o.StopPrice.Length > 0 ? $" stop {o.StopPrice}" : "");
        var fill = o.FilledQuantity is { Length: > 0 } filled && filled != "0" ? $" {filled} at {o.AverageFillPrice}" : "";
        return $"{o.OrderId} {side} {o.Quantity} {o.Symbol} {type}{prices} {o.TimeInForce.ToString().ToUpperInvariant()}: {o.Status}{fill}"
               + (o.Reason.Length > 0 ? $" ({o.Reason})" : "") + (o.Duplicate ? " (already submitted)" : "");
    }

    private static Command Indicators()
    {
        var data = new Option<string>("--data") { Required = true, Description = "CSV of OHLCV bars (Date[,Time],Open,High,Low,Close[,Volume])" };
        var volume = new Option<string?>("--volume-column") { Description = "column holding traded volume (default: Volume when present, else 0)" };
        var output = new Option<string>("--out") { Required = true, Description = "CSV to write: the bar time, then one column per feature" };
        var features = new Option<string?>("--features") { Description = "JSON array of feature definitions (default: every bar indicator with TA-Lib defaults)" };
        var command = new Command("indicators", "Compute a feature set over a CSV of bars and write it as CSV, empty cells during warm-up.")
            { data, volume, output, features };
        command.SetAction((result, _) => Guarded(() =>
        {
            var bars = new CsvBarFile(result.GetValue(data)!, result.GetValue(volume));
            var definitions = result.GetValue(features) is { } path ? FeatureDefinitionFile.Read(path) : DefaultFeatures.Bars;
            var target = result.GetValue(output)!;
            var temporary = target + ".partial";
            int rows;
            try
            {
                using (var writer = new StreamWriter(temporary))
                    rows = FeatureCsvExport.Write(bars, definitions, writer);
                File.Move(temporary, target, overwrite: true);
            }
            catch
            {
                File.Delete(temporary); // a bad row leaves no half-written output behind
                throw;
            }
            Console.WriteLine($"{rows} {bars.Timeframe} bars of {bars.Symbol} -> {target}");
            return Task.CompletedTask;
        }));
        return command;
    }

    private static HostSettings Settings(ParseResult result) => new()
    {
        Feed = result.GetValue(Feed) ?? "synthetic",
        Symbols = Hosting.ParseSymbols(result.GetValue(Symbols) ?? ""),
        Path = result.GetValue(DataPath),
        Speed = result.GetValue(Speed),
        Seed = result.GetValue(Seed),
        Demo = !result.GetValue(NoDemo),
        Gateway = new GatewayOptions { HttpPort = result.GetValue(HttpPort), GrpcPort = result.GetValue(GrpcPort), BindAddress = result.GetValue(Bind) ?? "127.0.0.1" },
        SiloPort = result.GetValue(SiloPort),
        SiloGatewayPort = result.GetValue(SiloGatewayPort),
        LogFormat = result.GetValue(LogFormat),
    };

    private static async Task WaitForShutdown(IHostApplicationLifetime lifetime, CancellationToken token)
    {
        var stopped = new TaskCompletionSource();
        using var a = lifetime.ApplicationStopping.Register(() => stopped.TrySetResult());
        using var b = token.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }

    /// <summary>Bad input ends the command with its message and exit code 2, not a stack trace.</summary>
    internal static async Task<int> Guarded(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (RpcException e)
        {
            Console.Error.WriteLine($"error: {RpcErrors.Describe(e)}");
            return 2;
        }
        catch (Exception e) when (e is ValidationException or FormatException or IOException or UnauthorizedAccessException
                                       or MigrationException or System.Data.Common.DbException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }
}
