using System.Net.Http.Headers;

namespace AiTrading.Integration.Tests;

/// <summary>
/// The product in a process of its own (EURUSD, demo strategy), read through /metrics. The framework meters (Orleans',
/// ASP.NET Core's) follow one host of a process: in this test process, where many hosts start and stop, they may be
/// another test's, stopped by now, so their names and values are read from a process that runs one host.
/// </summary>
public static class LoneProcess
{
    /// <summary>`aitrading silo` with its HTTP port (probes and metrics).</summary>
    public static Task<Scrape> SiloAsync(Func<Scrape, bool> ready, string what)
    {
        var httpPort = GatewayFixture.FreePort();
        return ScrapeAsync(null, httpPort, null, ready, what, "silo", "--symbols", "EURUSD", "--silo-http-port", $"{httpPort}",
            "--silo-port", $"{GatewayFixture.FreePort()}", "--silo-gateway-port", $"{GatewayFixture.FreePort()}");
    }

    /// <summary>`aitrading run` on the signing key of <paramref name="tokens"/>, its gateway's /metrics read with their superuser's token.</summary>
    public static Task<Scrape> EmbeddedAsync(TestTokens tokens, Func<Scrape, bool> ready, string what)
    {
        var http = GatewayFixture.FreePort();
        return ScrapeAsync(new Dictionary<string, string> { ["AITRADING__Gateway__Auth__SigningKeyFile"] = tokens.KeyFile }, http,
            new AuthenticationHeaderValue("Bearer", tokens.Superuser), ready, what, "run", "--symbols", "EURUSD", "--http-port", $"{http}", "--grpc-port", $"{GatewayFixture.FreePort()}",
            "--silo-port", $"{GatewayFixture.FreePort()}", "--silo-gateway-port", $"{GatewayFixture.FreePort()}", "--status-interval", "0");
    }

    /// <summary>Scrapes until <paramref name="ready"/> holds (generous deadline), then stops the process.</summary>
    private static async Task<Scrape> ScrapeAsync(IReadOnlyDictionary<string, string>? environment, int port, AuthenticationHeaderValue? token,
        Func<Scrape, bool> ready, string what, params string[] arguments)
    {
        await using var cli = RunningCli.Start(environment, arguments);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = token;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var last = "nothing listening";
        while (true)
        {
            await Task.Delay(500);
            try
            {
                if (await Scrape.ReadAsync(client) is var scrape && ready(scrape)) return scrape;
                last = "a scrape without it";
            }
            catch (HttpRequestException e)
            {
                last = e.StatusCode is { } status ? $"HTTP {(int)status}" : "nothing listening";
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"/metrics of `aitrading {arguments[0]}` never showed {what} (last: {last}); output:\n{string.Join('\n', cli.Lines)}");
        }
    }
}
