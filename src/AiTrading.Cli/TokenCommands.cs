using System.CommandLine;
using System.Globalization;
using AiTrading.Client;
using AiTrading.Core;
using AiTrading.Gateway.Security;

namespace AiTrading.Cli;

/// <summary>`aitrading token`: mints a token with the embedded default's signing key; the client package finds it (<see cref="BearerToken"/>).</summary>
public static class TokenCommands
{
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
            if (!result.GetValue(noSave)) BearerToken.Save(token);
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

    private static string[] Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}
