using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AiTrading.Client;
using AiTrading.Contracts;
using Grpc.Core;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Cli;

/// <summary>`aitrading strategies submit | list | get | pause | resume | stop | events`: live strategies through the gateway's gRPC API.</summary>
public static class StrategyCommands
{
    private static readonly Argument<string> Id = new("id") { Description = "strategy id" };

    private static readonly string[] EventKinds =
        [StrategyEventKinds.Lifecycle, StrategyEventKinds.Signal, StrategyEventKinds.Order, StrategyEventKinds.Fill, StrategyEventKinds.Risk];

    public static Command Strategies()
    {
        var command = new Command("strategies", "Submit strategy specs to the gateway, steer their lifecycle and follow what they do.");
        foreach (var sub in new[] { Submit(), List(), Get(), Pause(), Resume(), Stop(), Events() }) command.Subcommands.Add(GatewayClient.With(sub));
        return command;
    }

    private static Command Submit()
    {
        var spec = new Option<string>("--spec") { Required = true, Description = "strategy spec file (JSON, as examples/strategies/*.json and POST /v1/strategies)" };
        var command = new Command("submit", "Submit a strategy spec; it starts running. The same spec again changes nothing; a changed one needs a higher version.") { spec };
        command.SetAction((result, token) => Commands.Guarded(async () =>
        {
            var message = ProtoJsonInput.ReadStrategySpec(result.GetValue(spec)!);
            using var client = GatewayClient.Connect(result);
            var reply = await client.Strategies.SubmitAsync(message, cancellationToken: token);
            GatewayClient.Print(result, reply, $"{Line(reply)}  ({(reply.Duplicate ? "already submitted, unchanged" : "submitted")})");
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the strategies, one per line.");
        command.SetAction((result, token) => Commands.Guarded(async () =>
        {
            using var client = GatewayClient.Connect(result);
            var reply = await client.Strategies.ListAsync(new Proto.ListStrategiesRequest(), cancellationToken: token);
            foreach (var strategy in reply.Strategies.OrderBy(s => s.Id, StringComparer.Ordinal)) GatewayClient.Print(result, strategy, Line(strategy));
        }));
        return command;
    }

    private static Command Get()
    {
        var command = new Command("get", "Show one strategy and its holdings.") { Id };
        command.SetAction((result, token) => Commands.Guarded(async () =>
        {
            using var client = GatewayClient.Connect(result);
            var reply = await client.Strategies.GetAsync(new Proto.StrategyRequest { Id = result.GetValue(Id)! }, cancellationToken: token);
            GatewayClient.Print(result, reply, string.Join(Environment.NewLine, [Line(reply), .. reply.Holdings.Select(Holding)]));
        }));
        return command;
    }

    private static Command Pause()
    {
        var reason = new Option<string>("--reason") { Description = "why (audited)", DefaultValueFactory = _ => "paused from the command line" };
        var command = new Command("pause", "Pause a running strategy: it keeps its positions and stops trading until resumed.") { Id, reason };
        command.SetAction((result, token) => Steer(result, token, (client, id) =>
            client.Strategies.PauseAsync(new Proto.PauseStrategyRequest { Id = id, Reason = result.GetValue(reason)! }, cancellationToken: token)));
        return command;
    }

    private static Command Resume()
    {
        var command = new Command("resume", "Resume a paused strategy.") { Id };
        command.SetAction((result, token) => Steer(result, token, (client, id) => client.Strategies.ResumeAsync(new Proto.StrategyRequest { Id = id }, cancellationToken: token)));
        return command;
    }

    private static Command Stop()
    {
        var command = new Command("stop", "Stop a strategy for good.") { Id };
        command.SetAction((result, token) => Steer(result, token, (client, id) => client.Strategies.StopAsync(new Proto.StrategyRequest { Id = id }, cancellationToken: token)));
        return command;
    }

    private static Command Events()
    {
        var count = new Option<int>("--count") { Description = "stop after this many events (default: follow until Ctrl+C)" };
        var kinds = new Option<string[]>("--kind")
        {
            AllowMultipleArgumentsPerToken = true,
            Description = $"only events of these kinds: {string.Join(", ", EventKinds)} (repeat or separate with commas; default: all)",
        };
        var command = new Command("events", "Follow a strategy's signals, orders, fills, risk refusals and lifecycle changes from now on, one per line.") { Id, count, kinds };
        command.SetAction((result, token) => Commands.Guarded(async () =>
        {
            var id = result.GetValue(Id)!;
            var left = result.GetValue(count);
            var wanted = (result.GetValue(kinds) ?? []).SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(k => k.ToLowerInvariant()).ToHashSet();
            var errors = wanted.Where(k => !EventKinds.Contains(k)).Select(k => new Core.FieldError("kind", $"'{k}' is not an event kind ({string.Join(", ", EventKinds)})")).ToList();
            if (left < 0) errors.Add(new("count", $"must be 0 (follow until Ctrl+C) or more (got {left})"));
            if (errors.Count > 0) throw new Core.ValidationException(errors);
            using var client = GatewayClient.Connect(result);
            using var call = client.Strategies.StreamEvents(new Proto.StrategyRequest { Id = id }, cancellationToken: token);
            // Headers mean the gateway has subscribed: events from here on reach this stream.
            await call.ResponseHeadersAsync;
            Console.Error.WriteLine($"following the events of {id}{(left > 0 ? $" until {left} have come" : "")} (Ctrl+C stops)");
            await GatewayClient.Follow(call.ResponseStream, token, e =>
            {
                if (wanted.Count > 0 && !wanted.Contains(e.Kind)) return true;
                GatewayClient.Print(result, e, Event(e));
                return --left != 0;
            });
        }));
        return command;
    }

    private static Task<int> Steer(ParseResult result, CancellationToken token, Func<AiTradingClient, string, AsyncUnaryCall<Proto.StrategyReply>> act) =>
        Commands.Guarded(async () =>
        {
            using var client = GatewayClient.Connect(result);
            var reply = await act(client, result.GetValue(Id)!);
            GatewayClient.Print(result, reply, Line(reply));
        });

    /// <summary>"ema-trend-eurusd v1 RUNNING DEMO EURUSD M1  bars 120  signals 3  filled 2  rejected 0", with why it is paused or stopped.</summary>
    internal static string Line(Proto.StrategyReply s)
    {
        var (account, instruments, timeframe) = Summary(s.SpecJson);
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.Id} v{s.Version} {s.State} {account} {instruments} {timeframe}  bars {s.BarsSeen}  signals {s.Signals}  filled {s.OrdersFilled}  rejected {s.OrdersRejected}")
            + (s.Reason.Length > 0 ? $"  ({s.Reason})" : "");
    }

    private static string Holding(Proto.Holding h) =>
        $"  {h.Symbol} {h.Quantity} at {Or(h.EntryPrice)} for {h.BarsHeld} bars  stop {Or(h.StopLoss)}  target {Or(h.TakeProfit)}  trailing {Or(h.TrailingStop)}  realized {Or(h.RealizedPnl)}";

    /// <summary>"2024-05-01T10:00:00.0000000+00:00 #12 order EURUSD BUY 10000: FILLED [s-1 10000 @ 1.0843]".</summary>
    internal static string Event(Proto.StrategyEvent e)
    {
        var order = e.ClientOrderId.Length + e.Quantity.Length + e.Price.Length == 0
            ? ""
            : $"  [{string.Join(" ", new[] { e.ClientOrderId, e.Quantity, e.Price.Length > 0 ? "@ " + e.Price : "" }.Where(p => p.Length > 0))}]";
        return $"{e.Time.ToDateTimeOffset():O} #{e.Sequence} {e.Kind} {Or(e.Symbol)} {e.Message}{order}";
    }

    private static string Or(string text) => text.Length > 0 ? text : "-";

    private static (string Account, string Instruments, string Timeframe) Summary(string specJson)
    {
        try
        {
            using var spec = JsonDocument.Parse(specJson);
            var root = spec.RootElement;
            string Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
            var instruments = root.TryGetProperty("instruments", out var list) && list.ValueKind == JsonValueKind.Array
                ? string.Join(",", list.EnumerateArray().Select(i => i.GetString()))
                : "-";
            return (Text("account"), instruments, Text("timeframe"));
        }
        catch (JsonException)
        {
            return ("-", "-", "-");
        }
    }
}
