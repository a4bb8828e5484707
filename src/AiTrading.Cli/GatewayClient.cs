using System.CommandLine;
using AiTrading.Client;
using Google.Protobuf;
using Grpc.Core;

namespace AiTrading.Cli;

/// <summary>What the commands that call the gateway share: its address, the token, --json, and the client they make.</summary>
internal static class GatewayClient
{
    public static readonly Option<string> Address = new("--grpc")
    {
        Description = "gateway gRPC address", DefaultValueFactory = _ => AiTradingClientOptions.DefaultAddress,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = $"bearer token (default: ${BearerToken.Variable}, else the one `aitrading token` saved last)",
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "print one JSON object per line (the proto3 JSON of each reply, strategy, event or quote) instead of text",
    };

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>A command with the gateway options added.</summary>
    public static Command With(Command command)
    {
        command.Options.Add(Address);
        command.Options.Add(Token);
        command.Options.Add(Json);
        return command;
    }

    public static AiTradingClient Connect(ParseResult result) =>
        new(new AiTradingClientOptions { Address = result.GetValue(Address)!, Token = BearerToken.Resolve(result.GetValue(Token)) });

    /// <summary>Reads a stream until it ends, until <paramref name="take"/> answers false, or until Ctrl+C, which is a normal end here.</summary>
    public static async Task Follow<T>(IAsyncStreamReader<T> stream, CancellationToken token, Func<T, bool> take)
    {
        try
        {
            await foreach (var item in stream.ReadAllAsync(token))
                if (!take(item)) return;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && token.IsCancellationRequested)
        {
        }
    }

    /// <summary>Prints <paramref name="message"/> as one JSON line under --json, else <paramref name="text"/>.</summary>
    public static void Print(ParseResult result, IMessage message, string text) =>
        Console.WriteLine(result.GetValue(Json) ? Formatter.Format(message) : text);
}
