using AiTrading.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace AiTrading.Gateway.Security;

/// <summary>
/// Who may call the gateway (configuration section "Gateway:Auth"). With an <see cref="Authority"/> the gateway
/// validates tokens of that OpenID Connect provider (its discovery document and keys); without one, the embedded
/// default's own <see cref="SigningKey"/> in <see cref="SigningKeyFile"/>, minted by <c>aitrading token</c>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Gateway:Auth";
    public const string DevIssuer = "aitrading-dev";
    public const string DefaultAudience = "aitrading";

    public string? Authority { get; set; }
    public string Audience { get; set; } = DefaultAudience;
    /// <summary>Refuses an http:// authority (only a provider on loopback in development should turn this off).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
    public string SigningKeyFile { get; set; } = UserData.SigningKeyFile;
    /// <summary>The claim the provider puts roles in (Entra ID and many others use "roles").</summary>
    public string RoleClaim { get; set; } = Claims.Role;
    public string AccountsClaim { get; set; } = Claims.Accounts;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (Authority is { Length: > 0 })
        {
            if (!Uri.TryCreate(Authority, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                errors.Add(new($"{Section}:Authority", $"'{Authority}' is not an absolute http(s) URL"));
            else if (uri.Scheme == "http" && RequireHttpsMetadata)
                errors.Add(new($"{Section}:Authority", "must be https (or set Gateway:Auth:RequireHttpsMetadata to false for a local provider)"));
        }
        else if (string.IsNullOrWhiteSpace(SigningKeyFile))
        {
            errors.Add(new($"{Section}:SigningKeyFile", "is required when no Authority is set"));
        }
        if (string.IsNullOrWhiteSpace(Audience)) errors.Add(new($"{Section}:Audience", "is required"));
        if (string.IsNullOrWhiteSpace(RoleClaim)) errors.Add(new($"{Section}:RoleClaim", "is required"));
        if (string.IsNullOrWhiteSpace(AccountsClaim)) errors.Add(new($"{Section}:AccountsClaim", "is required"));
        return errors;
    }

    public static AuthOptions From(IConfiguration configuration)
    {
        var options = new AuthOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }
}

public static class AuthenticationHosting
{
    /// <summary>JWT bearer authentication and the role policies of <see cref="Policies"/>; every endpoint needs an identity unless it says otherwise.</summary>
    public static IServiceCollection AddAiTradingAuthentication(this IServiceCollection services, AuthOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
        services.AddSingleton(options);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(ValidatedTokens.Create());
            jwt.MapInboundClaims = false;
            jwt.Events = DashboardSession.BearerEvents();
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateAudience = true,
                ValidAudience = options.Audience,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = Claims.Subject,
                RoleClaimType = options.RoleClaim,
            };
            if (options.Authority is { Length: > 0 })
            {
                jwt.Authority = options.Authority;
                jwt.Audience = options.Audience;
                jwt.RequireHttpsMetadata = options.RequireHttpsMetadata;
            }
            else
            {
                jwt.TokenValidationParameters.ValidIssuer = AuthOptions.DevIssuer;
                jwt.TokenValidationParameters.IssuerSigningKey = SigningKey.LoadOrCreate(options.SigningKeyFile).Key;
            }
        });

        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var (policy, roles) in Policies.RolesOf)
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        return services;
    }
}
