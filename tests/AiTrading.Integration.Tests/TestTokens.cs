using System.Net.Http.Headers;
using AiTrading.Client;
using AiTrading.Gateway.Security;
using Grpc.Net.Client;

namespace AiTrading.Integration.Tests;

/// <summary>A throwaway signing key for a product under test, and clients that send its tokens.</summary>
public sealed class TestTokens
{
    private readonly TokenIssuer _issuer;

    public TestTokens()
    {
        KeyFile = Path.Combine(Path.GetTempPath(), $"aitrading-test-key-{Guid.NewGuid():N}.json");
        _issuer = new TokenIssuer(SigningKey.LoadOrCreate(KeyFile));
    }

    /// <summary>Give the product this as "Gateway:Auth:SigningKeyFile".</summary>
    public string KeyFile { get; }

    /// <summary>Every role on every account: what tests that are not about authorization act as.</summary>
    public string Superuser => Mint(SuperuserName, Roles.All, [Claims.AllAccounts]);

    public const string SuperuserName = "test-superuser";

    public string Mint(string subject, IReadOnlyCollection<string> roles, IReadOnlyCollection<string> accounts) =>
        _issuer.Mint(subject, roles, accounts, TimeSpan.FromHours(2));

    public static HttpClient Http(string baseAddress, string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseAddress) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The client package's channel (bearer token on every call), or a bare one without a token.</summary>
    public static GrpcChannel Grpc(string address, string? token) => token is null
        ? GrpcChannel.ForAddress(address)
        : AiTradingClient.CreateChannel(new AiTradingClientOptions { Address = address, Token = token });
}
