using AiTrading.Gateway;
using AiTrading.Gateway.Security;
using AiTrading.Grains.Tests;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AiTrading.Integration.Tests;

/// <summary>
/// What the gateway keeps between calls to make an order cheaper: validated tokens, and rate-limit classes found
/// without copies. Each keeps the answer the uncached path gives; the tokens are the product's own, checked by the real handler.
/// </summary>
public sealed class ValidatedTokensTests : IDisposable
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"aitrading-cache-key-{Guid.NewGuid():N}.json");
    private readonly string _otherKeyFile = Path.Combine(Path.GetTempPath(), $"aitrading-cache-key-{Guid.NewGuid():N}.json");
    private readonly SigningKey _key;
    private readonly SigningKey _otherKey;

    public ValidatedTokensTests()
    {
        _key = SigningKey.LoadOrCreate(_keyFile);
        _otherKey = SigningKey.LoadOrCreate(_otherKeyFile);
    }

    public void Dispose()
    {
        File.Delete(_keyFile);
        File.Delete(_otherKeyFile);
    }

    /// <summary>What the gateway checks with (no clock skew here, so expiry needs no half-minute wait).</summary>
    private TokenValidationParameters Parameters(SecurityKey? key = null, string audience = AuthOptions.DefaultAudience) => new()
    {
        ValidAudience = audience,
        ValidIssuer = AuthOptions.DevIssuer,
        IssuerSigningKey = key ?? _key.Key,
        ClockSkew = TimeSpan.Zero,
        NameClaimType = Claims.Subject,
        RoleClaimType = Claims.Role,
    };

    private string Token(string subject, TimeSpan? lifetime = null, TimeProvider? time = null) =>
        new TokenIssuer(_key, time: time).Mint(subject, [Roles.Trader], ["ACC-1"], lifetime ?? TimeSpan.FromHours(1));

    [Fact]
    public async Task A_token_is_checked_once_and_then_answered_from_memory_each_call_with_its_own_identity()
    {
        var tokens = ValidatedTokens.Create();
        var token = Token("cache-trader");
        var first = await tokens.ValidateTokenAsync(token, Parameters());
        var second = await tokens.ValidateTokenAsync(token, Parameters());

        (first.IsValid, second.IsValid, tokens.Count).ShouldBe((true, true, 1));
        second.ClaimsIdentity.ShouldNotBeSameAs(first.ClaimsIdentity, "a request's principal is its own");
        second.ClaimsIdentity.Name.ShouldBe("cache-trader");
        second.ClaimsIdentity.FindAll(Claims.Accounts).Select(c => c.Value).ShouldBe(["ACC-1"]);
        new System.Security.Claims.ClaimsPrincipal(second.ClaimsIdentity).IsInRole(Roles.Trader).ShouldBeTrue("claims keep the token's names");
        second.SecurityToken.ValidTo.ShouldBe(first.SecurityToken.ValidTo);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_as_expired_once_its_lifetime_is_over()
    {
        var tokens = ValidatedTokens.Create();
        // Minted so that it expires two seconds from now.
        var token = Token("cache-expiring", TimeSpan.FromHours(1), new Shifted(TimeSpan.FromSeconds(2) - TimeSpan.FromHours(1)));
        var expires = new JsonWebToken(token).ValidTo;
        (await tokens.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        await Eventually.True(() => DateTime.UtcNow > expires.AddMilliseconds(50), "the token's expiry to pass");
        var late = await tokens.ValidateTokenAsync(token, Parameters());
        late.IsValid.ShouldBeFalse();
        late.Exception.ShouldBeOfType<SecurityTokenExpiredException>();
    }

    [Fact]
    public async Task A_remembered_token_is_refused_after_its_signing_key_is_replaced()
    {
        var tokens = ValidatedTokens.Create();
        var token = Token("cache-rotated");
        (await tokens.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        var rotated = await tokens.ValidateTokenAsync(token, Parameters(_otherKey.Key));
        rotated.IsValid.ShouldBeFalse();
        rotated.Exception.ShouldBeAssignableTo<SecurityTokenSignatureKeyNotFoundException>();
    }

    [Fact]
    public async Task A_remembered_token_is_refused_where_another_audience_is_expected()
    {
        var tokens = ValidatedTokens.Create();
        var token = Token("cache-audience");
        (await tokens.ValidateTokenAsync(token, Parameters())).IsValid.ShouldBeTrue();

        var elsewhere = await tokens.ValidateTokenAsync(token, Parameters(audience: "another-service"));
        elsewhere.IsValid.ShouldBeFalse();
        elsewhere.Exception.ShouldBeOfType<SecurityTokenInvalidAudienceException>();
    }

    [Fact]
    public async Task With_an_identity_provider_a_key_rotation_revalidates_and_a_dropped_key_is_refused()
    {
        var tokens = ValidatedTokens.Create();
        var token = Token("cache-oidc");
        OpenIdConnectConfiguration Provider(SecurityKey key)
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = AuthOptions.DevIssuer };
            configuration.SigningKeys.Add(key);
            return configuration;
        }
        TokenValidationParameters From(OpenIdConnectConfiguration configuration)
        {
            var parameters = Parameters();
            parameters.IssuerSigningKey = null;
            parameters.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            return parameters;
        }

        (await tokens.ValidateTokenAsync(token, From(Provider(_key.Key)))).IsValid.ShouldBeTrue();
        (await tokens.ValidateTokenAsync(token, From(Provider(_key.Key)))).IsValid.ShouldBeTrue("a refreshed configuration that keeps the key still accepts it");
        var dropped = await tokens.ValidateTokenAsync(token, From(Provider(_otherKey.Key)));
        dropped.IsValid.ShouldBeFalse("the provider no longer publishes the key that signed it");
    }

    [Fact]
    public async Task A_tampered_or_foreign_token_is_never_remembered_and_memory_stays_bounded()
    {
        var tokens = new ValidatedTokens(new JsonWebTokenHandler { MapInboundClaims = false }, capacity: 10);
        var token = Token("cache-bounded");
        var tampered = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        (await tokens.ValidateTokenAsync(tampered, Parameters())).IsValid.ShouldBeFalse();
        var foreign = new TokenIssuer(_otherKey).Mint("cache-foreign", [Roles.Trader], ["ACC-1"], TimeSpan.FromHours(1));
        (await tokens.ValidateTokenAsync(foreign, Parameters())).IsValid.ShouldBeFalse();
        (await tokens.ValidateTokenAsync(foreign, Parameters())).IsValid.ShouldBeFalse("a refusal is not remembered either way");
        tokens.Count.ShouldBe(0);

        for (var i = 0; i < 25; i++) (await tokens.ValidateTokenAsync(Token($"cache-many-{i}"), Parameters())).IsValid.ShouldBeTrue();
        tokens.Count.ShouldBeLessThanOrEqualTo(10);
    }

    private sealed class Shifted(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + by;
    }
}

public sealed class RouteClassTests
{
    [Theory]
    [InlineData("/aitrading.v1.Orders/Submit", RouteClasses.Orders)]
    [InlineData("/aitrading.v1.Orders/Replace", RouteClasses.Orders)]
    [InlineData("/aitrading.v1.Orders/Get", RouteClasses.Reads)]
    [InlineData("/aitrading.v1.Models/Train", RouteClasses.Heavy)]
    [InlineData("/aitrading.v1.BacktestService/Run", RouteClasses.Heavy)]
    [InlineData("/aitrading.v1.MarketData/StreamQuotes", RouteClasses.Reads)]
    [InlineData("/aitrading.v1.Strategies/Pause", RouteClasses.Admin)]
    [InlineData("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", RouteClasses.Reads)]
    [InlineData("/grpc.health.v1.Health/Check", null)]
    public void A_grpc_call_counts_against_the_limit_of_its_service_and_method(string path, string? routeClass)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Request.ContentType = "application/grpc";
        RouteClasses.Of(http.Request).ShouldBe(routeClass);
    }
}
