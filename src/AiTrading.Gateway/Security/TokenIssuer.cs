using AiTrading.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AiTrading.Gateway.Security;

/// <summary>Mints the embedded default's bearer tokens with its <see cref="SigningKey"/>.</summary>
public sealed class TokenIssuer(SigningKey key, string issuer = AuthOptions.DevIssuer, string audience = AuthOptions.DefaultAudience, TimeProvider? time = null)
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);
    public const int MaxAccounts = 100;

    private static readonly JsonWebTokenHandler Handler = new();

    /// <exception cref="ValidationException">An unknown role, no role, a bad account name or a lifetime out of bounds.</exception>
    public string Mint(string subject, IReadOnlyCollection<string> roles, IReadOnlyCollection<string> accounts, TimeSpan lifetime)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 128) errors.Add(new("subject", "must be 1 to 128 characters"));
        if (roles.Count == 0) errors.Add(new("role", $"at least one is required ({string.Join(", ", Roles.All)})"));
        foreach (var role in roles.Where(r => !Roles.All.Contains(r)))
            errors.Add(new("role", $"'{role}' is not a role ({string.Join(", ", Roles.All)})"));
        if (accounts.Count > MaxAccounts) errors.Add(new("account", $"at most {MaxAccounts} accounts fit in a token"));
        foreach (var account in accounts.Where(a => a != Claims.AllAccounts))
            Identifiers.Require(errors, "account", account);
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime) errors.Add(new("expires", $"must be more than 0 and at most {MaxLifetime.TotalDays:0} days"));
        if (errors.Count > 0) throw new ValidationException(errors);

        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = new Dictionary<string, object>
            {
                [Claims.Subject] = subject,
                [Claims.Role] = roles.Distinct().ToArray(),
                [Claims.Accounts] = accounts.Distinct().ToArray(),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
    }
}
