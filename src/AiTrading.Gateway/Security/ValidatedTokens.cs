using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AiTrading.Gateway.Security;

/// <summary>
/// The bearer handler's token validation with a memory of the tokens that passed it: a client sends the same token
/// with every call, and parsing and verifying it each time was a visible share of an order's CPU. A token is
/// remembered by its SHA-256 (never the token itself) until it expires, and only for the same audience, issuer and
/// signing keys it was checked with: a new signing key (an OIDC provider's rotation) or other parameters validate it
/// again, and so does every call after its expiry, which then refuses it as before. Failures are never remembered.
/// </summary>
public sealed class ValidatedTokens(TokenHandler validator, int capacity = ValidatedTokens.DefaultCapacity) : TokenHandler
{
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<Digest, Entry> _entries = new();

    /// <summary>The platform's validator: claims keep the names the token gives them (no mapping to WS-* URIs).</summary>
    public static ValidatedTokens Create() => new(new JsonWebTokenHandler { MapInboundClaims = false });

    public int Count => _entries.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters parameters)
    {
        var digest = Digest.Of(token);
        var now = DateTime.UtcNow; // the clock the validator checks lifetimes with
        // With an OIDC authority the keys come from its configuration, which a refresh replaces as a whole.
        var configuration = parameters.ConfigurationManager is { } manager ? await manager.GetBaseConfigurationAsync(CancellationToken.None) : null;
        if (_entries.TryGetValue(digest, out var known))
        {
            if (now < known.Expires && known.CheckedWith(parameters, configuration)) return known.Result();
            _entries.TryRemove(new KeyValuePair<Digest, Entry>(digest, known));
        }

        var result = await validator.ValidateTokenAsync(token, parameters);
        if (result is { IsValid: true, SecurityToken: { } validated, ClaimsIdentity: { } identity } && validated.ValidTo > now)
        {
            if (_entries.Count >= capacity) Prune(now);
            _entries[digest] = new Entry(validated, identity.Clone(), result.Issuer, result.TokenType, validated.ValidTo, Checks.Of(parameters, configuration));
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => validator.ReadToken(token);

    /// <summary>Drops the expired; when a flood of distinct valid tokens still fills the memory, forgets them all.</summary>
    private void Prune(DateTime now)
    {
        foreach (var (digest, entry) in _entries)
            if (entry.Expires <= now) _entries.TryRemove(digest, out _);
        if (_entries.Count >= capacity) _entries.Clear();
    }

    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
    {
        public static Digest Of(string token)
        {
            // A token is ASCII: its UTF-8 is half its UTF-16, so half the bytes to hash.
            var length = Encoding.UTF8.GetMaxByteCount(token.Length);
            var rented = length > 2048 ? ArrayPool<byte>.Shared.Rent(length) : null;
            var text = rented ?? stackalloc byte[length];
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(text[..Encoding.UTF8.GetBytes(token, text)], hash);
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new Digest(words[0], words[1], words[2], words[3]);
        }
    }

    /// <summary>What a token was checked against; a remembered token answers only for the same.</summary>
    private sealed record Checks(
        string? Audience, IEnumerable<string>? Audiences, string? Issuer, IEnumerable<string>? Issuers,
        SecurityKey? Key, IEnumerable<SecurityKey>? Keys, object? Configuration)
    {
        public static Checks Of(TokenValidationParameters p, object? configuration) =>
            new(p.ValidAudience, p.ValidAudiences, p.ValidIssuer, p.ValidIssuers, p.IssuerSigningKey, p.IssuerSigningKeys, configuration);

        public bool Same(TokenValidationParameters p, object? configuration) =>
            string.Equals(Audience, p.ValidAudience, StringComparison.Ordinal) && SameSet(Audiences, p.ValidAudiences)
            && string.Equals(Issuer, p.ValidIssuer, StringComparison.Ordinal) && SameSet(Issuers, p.ValidIssuers)
            && ReferenceEquals(Key, p.IssuerSigningKey) && SameSet(Keys, p.IssuerSigningKeys)
            && ReferenceEquals(Configuration, configuration);

        private static bool SameSet<T>(IEnumerable<T>? a, IEnumerable<T>? b) =>
            ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b));
    }

    private sealed record Entry(SecurityToken Token, System.Security.Claims.ClaimsIdentity Identity, string? Issuer, string? TokenType, DateTime Expires, Checks Checks)
    {
        public bool CheckedWith(TokenValidationParameters parameters, object? configuration) => Checks.Same(parameters, configuration);

        // Each request gets its own identity, so nothing one request does to its principal reaches another.
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
