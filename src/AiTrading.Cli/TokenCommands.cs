using System.CommandLine;
using System.Globalization;
using AiTrading.Core;
using AiTrading.Gateway.Security;
using Grpc.Core;
using Grpc.Net.Client;

namespace AiTrading.Cli;

/// <summary>`aitrading token`, and the bearer token the CLI's own clients send.</summary>
public static class TokenCommands
{
    public const string TokenVariable = "AITRADING_TOKEN";

    public static readonly Option<string?> TokenOption = new("--token")
    {
        Description = $"bearer token (default: ${TokenVariable}, else the one `aitrading token` saved last)",
    };

    public static Command Token()
    {
        var roles = new Option<string[]>("--role")
        {
            Required = true, AllowMultipleArgumentsPerToken = true,
            Description = $"role(s) the token carries: {string.Join(", ", Roles.All)} (repeat or separate with commas)",
        };
        var accounts = new Option<string[]>("--account")
        {
            AllowMultipleArgumentsPerToken = true, Description = "account(s) the token acts on (repeat or separate with commas; * is every account)",
        };
        var expires = new Option<string>("--expires") { Description = "lifetime: 30m, 8h, 7d (at most 30d)", DefaultValueFactory = _ => "8h" };
        var subject = new Option<string>("--subject") { Description = "who the token names in audit records", DefaultValueFactory = _ => Environment.UserName };
        var noSave = new Option<bool>("--no-save") { Description = "print the token only; do not make it the CLI's current token" };
        var command = new Command("token",
            "Mint a bearer token with the embedded default's signing key (in the user data folder) and make it the CLI's current token.")
            { roles, accounts, expires, subject, noSave };
        command.SetAction((result, _) => Commands.Guarded(() =>
        {
            var options = AuthOptions.From(Hosting.ReadConfiguration());
            if (options.Authority is { Length: > 0 })
                throw new ValidationException("Gateway:Auth:Authority", "is set: tokens come from that identity provider, not from `aitrading token`");
            var token = new TokenIssuer(SigningKey.LoadOrCreate(options.SigningKeyFile)).Mint(result.GetValue(subject)!,
                Split(result.GetValue(roles)), Split(result.GetValue(accounts)), ParseLifetime(result.GetValue(expires)!));
            if (!result.GetValue(noSave)) Save(token);
            Console.WriteLine(token);
            return Task.CompletedTask;
        }));
        return command;
    }

    /// <summary>"30m", "8h", "7d" or "90s".</summary>
    public static TimeSpan ParseLifetime(string text)
    {
        text = text.Trim();
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n > 0 && n < 1e6)
        {
            switch (char.ToLowerInvariant(text[^1]))
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        throw new ValidationException("expires", $"'{text}' is not a lifetime (use a number and s, m, h or d: 8h)");
    }

    /// <summary>The token for a client command: --token, then $AITRADING_TOKEN, then the saved one.</summary>
    public static string Resolve(string? explicitToken)
    {
        if (!string.IsNullOrWhiteSpace(explicitToken)) return explicitToken.Trim();
        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment.Trim();
        if (File.Exists(UserData.TokenFile)) return File.ReadAllText(UserData.TokenFile).Trim();
        throw new ValidationException("token", $"none given: pass --token, set {TokenVariable}, or run `aitrading token --role trader --account DEMO`");
    }

    /// <summary>A channel that sends the bearer token with every call (the gateway's gRPC port is cleartext HTTP/2 on loopback by default).</summary>
    public static GrpcChannel Channel(string address, string token) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(address.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", $"Bearer {token}");
                return Task.CompletedTask;
            })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    private static void Save(string token)
    {
        Directory.CreateDirectory(UserData.Directory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(new FileStream(UserData.TokenFile, options));
        writer.Write(token);
    }

    private static string[] Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}
