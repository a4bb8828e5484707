using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.MarketData;
using AiTrading.Gateway;
using AiTrading.Gateway.Security;
using AiTrading.Storage.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AiTrading.Postgres.Tests;

/// <summary>
/// Two `aitrading silo` hosts on PostgreSQL membership and a gateway host of its own, as a cluster runs them, each
/// with the dashboard on (its default). Every line the gateway logs is kept, to show that no token is ever logged.
/// </summary>
public sealed class DashboardCluster : PostgresDatabase
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"aitrading-test-key-{Guid.NewGuid():N}.json");
    private readonly List<IHost> _silos = [];
    private TokenIssuer _issuer = null!;

    public WebApplication Gateway { get; private set; } = null!;
    public string HttpAddress { get; private set; } = null!;
    public IReadOnlyList<string> SiloAddresses { get; private set; } = [];
    public LogCapture Log { get; } = new();
    public string Admin { get; private set; } = null!;
    public string Trader { get; private set; } = null!;
    /// <summary>Every token this cluster minted: none may appear in a log line, a response body or the audit.</summary>
    public IReadOnlyList<string> Tokens => [Admin, Trader];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _issuer = new TokenIssuer(SigningKey.LoadOrCreate(_keyFile));
        Admin = _issuer.Mint("dash-admin", [Roles.Admin], [Claims.AllAccounts], TimeSpan.FromHours(1));
        Trader = _issuer.Mint("dash-trader", [Roles.Trader], ["DASH"], TimeSpan.FromHours(1));
        var configuration = new Dictionary<string, string?>
        {
            ["Clustering:Provider"] = "Postgres",
            ["Clustering:ClusterId"] = "dashboard",
            ["Clustering:ServiceId"] = "dashboard",
            ["Storage:Provider"] = "Postgres",
            [ProviderSettings.PostgresConnectionKey] = ConnectionString,
        };
        for (var i = 0; i < 2; i++)
            _silos.Add(Hosting.BuildSilo(new HostSettings
            {
                Feed = HostSettings.NoFeed, SiloPort = Net.FreePort(), SiloGatewayPort = Net.FreePort(), Configuration = configuration,
            }));
        await Task.WhenAll(_silos.Select(s => s.StartAsync()));
        SiloAddresses = _silos.Select(s => s.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString()).ToList();

        var http = Net.FreePort();
        HttpAddress = $"http://127.0.0.1:{http}";
        Gateway = Hosting.BuildGateway(new HostSettings
        {
            Gateway = new GatewayOptions { HttpPort = http, GrpcPort = Net.FreePort() },
            SiloGatewayPort = 1, // unused with Postgres clustering
            Configuration = new Dictionary<string, string?>(configuration)
            {
                ["Gateway:Auth:SigningKeyFile"] = _keyFile,
                ["Gateway:RefusalAudit:WindowSeconds"] = "0.5",
                // What ASP.NET Core and the bearer handler say about each request, down to Debug.
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
                ["Logging:LogLevel:AiTrading"] = "Debug",
            },
        });
        Gateway.Services.GetRequiredService<ILoggerFactory>().AddProvider(Log);
        await Gateway.StartAsync();
    }

    public HttpClient Client(string? token, bool redirects = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = redirects, UseCookies = false }) { BaseAddress = new Uri(HttpAddress) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    public string Mint(string subject, string role) => _issuer.Mint(subject, [role], [Claims.AllAccounts], TimeSpan.FromHours(1));

    public override async Task DisposeAsync()
    {
        await Gateway.StopAsync();
        await Gateway.DisposeAsync();
        await Task.WhenAll(_silos.Select(s => s.StopAsync()));
        foreach (var silo in _silos) silo.Dispose();
        File.Delete(_keyFile);
        await base.DisposeAsync();
    }
}

/// <summary>Every log line (message and exception) of the host it is added to.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}

public sealed class DashboardTests(DashboardCluster cluster) : IClassFixture<DashboardCluster>
{
    private const string Page = DashboardSession.Path + "/";

    [Fact]
    public async Task An_admin_sees_both_silos_and_the_platform_grains_through_the_gateway()
    {
        var grains = cluster.Gateway.Services.GetRequiredService<IClusterClient>();
        await grains.GetGrain<IInstrumentGrain>("DASHUSD").ConfigureAsync(InstrumentCatalog.Custom("DASHUSD", 1.25));
        await grains.GetGrain<IAccountGrain>("DASH").CreateAsync(new AccountRequest("DASH"), "dash-admin");
        using var admin = cluster.Client(cluster.Admin);

        using var page = await admin.GetAsync(Page);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await BodyAsync(page);
        html.ShouldContain("index.min.js");
        using (var script = await admin.GetAsync($"{Page}index.min.js")) script.StatusCode.ShouldBe(HttpStatusCode.OK);

        JsonElement counters = default;
        await Eventually.True(async () =>
        {
            using var response = await admin.GetAsync($"{Page}DashboardCounters");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            counters = JsonDocument.Parse(await BodyAsync(response)).RootElement.Clone();
            var active = counters.GetProperty("hosts").EnumerateArray().Where(h => h.GetProperty("status").GetString() == "Active")
                .Select(h => h.GetProperty("siloAddress").GetString()).ToHashSet();
            var types = GrainTypes(counters);
            return active.SetEquals(cluster.SiloAddresses) && types.Contains("AiTrading.Grains.InstrumentGrain") && types.Contains("AiTrading.Grains.AccountGrain");
        }, "both silos active and the instrument and account grains counted in the dashboard's counters");
        counters.GetProperty("totalActiveHostCount").GetInt32().ShouldBe(2);

        using var types = await admin.GetAsync($"{Page}GrainTypes");
        var known = JsonSerializer.Deserialize<string[]>(await BodyAsync(types))!;
        known.ShouldContain("AiTrading.Grains.InstrumentGrain");
        known.ShouldContain("AiTrading.Grains.AccountGrain");

        foreach (var silo in cluster.SiloAddresses)
        {
            // Each silo answers for itself through the dashboard's service on it.
            using var properties = await admin.GetAsync($"{Page}SiloProperties/{silo}");
            properties.StatusCode.ShouldBe(HttpStatusCode.OK, silo);
            JsonDocument.Parse(await BodyAsync(properties)).RootElement.ValueKind.ShouldBe(JsonValueKind.Object);
            using var history = await admin.GetAsync($"{Page}HistoricalStats/{silo}");
            history.StatusCode.ShouldBe(HttpStatusCode.OK, silo);
        }
        AssertNoTokenLogged();
    }

    [Fact]
    public async Task Hostile_or_acting_requests_are_refused_with_problems_even_for_an_admin()
    {
        using var admin = cluster.Client(cluster.Admin);
        using var bad = await admin.GetAsync($"{Page}SiloProperties/not-a-silo");
        var problem = await ProblemAsync(bad, HttpStatusCode.BadRequest);
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("address");

        using var state = await admin.GetAsync($"{Page}GrainState?grainId=DASH&grainType=AiTrading.Grains.AccountGrain");
        (await ProblemAsync(state, HttpStatusCode.Forbidden)).GetProperty("detail").GetString()!.ShouldContain("grain state");

        using var trace = await admin.GetAsync($"{Page}Trace");
        await ProblemAsync(trace, HttpStatusCode.Forbidden); // trace streaming is off unless Dashboard:TraceStreaming
        AssertNoTokenLogged();
    }

    [Fact]
    public async Task A_trader_gets_403_and_no_token_401_as_problems_and_a_browser_is_sent_to_the_login_page()
    {
        using var trader = cluster.Client(cluster.Trader);
        foreach (var path in new[] { Page, $"{Page}DashboardCounters", DashboardSession.Path })
        {
            using var response = await trader.GetAsync(path);
            await ProblemAsync(response, HttpStatusCode.Forbidden);
        }
        using var anonymous = cluster.Client(null);
        using (var api = await anonymous.GetAsync($"{Page}DashboardCounters"))
            await ProblemAsync(api, HttpStatusCode.Unauthorized);

        using var browser = new HttpRequestMessage(HttpMethod.Get, Page);
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        using var redirected = await anonymous.SendAsync(browser);
        redirected.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        redirected.Headers.Location!.OriginalString.ShouldBe(DashboardSession.LoginPath);

        using var form = await anonymous.GetAsync(DashboardSession.LoginPath);
        form.StatusCode.ShouldBe(HttpStatusCode.OK);
        form.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await BodyAsync(form)).ShouldContain("name=\"token\"");
        AssertNoTokenLogged();
    }

    [Fact]
    public async Task An_admin_token_posted_to_the_login_becomes_a_strict_http_only_cookie_for_the_dashboard_only()
    {
        using var anonymous = cluster.Client(null);
        using var login = await anonymous.PostAsync(DashboardSession.LoginPath, Form(cluster.Admin));
        login.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        login.Headers.Location!.OriginalString.ShouldBe(Page);
        (await BodyAsync(login)).ShouldBeEmpty();
        var cookie = login.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem();
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        attributes.ShouldContain("httponly");
        attributes.ShouldContain("samesite=strict");
        attributes.ShouldContain("path=/dashboard");
        attributes.ShouldNotContain("secure", "plain http here; https requests get Secure");
        attributes.ShouldContain(a => a.StartsWith("expires="));
        var session = cookie[..cookie.IndexOf(';')];

        using var counters = await SendAsync(HttpMethod.Get, $"{Page}DashboardCounters", session);
        counters.StatusCode.ShouldBe(HttpStatusCode.OK);
        await BodyAsync(counters);
        using var page = await SendAsync(HttpMethod.Get, Page, session);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        await BodyAsync(page);
        using (var api = await SendAsync(HttpMethod.Get, "/v1/accounts", session))
            await ProblemAsync(api, HttpStatusCode.Unauthorized); // the cookie counts for the dashboard only
        using (var header = await SendAsync(HttpMethod.Get, $"{Page}DashboardCounters", session, bearer: cluster.Trader))
            await ProblemAsync(header, HttpStatusCode.Forbidden); // a bearer header speaks for itself

        using var logout = await SendAsync(HttpMethod.Post, DashboardSession.LogoutPath, session);
        logout.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var cleared = logout.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem();
        cleared.ShouldStartWith($"{DashboardSession.CookieName}=;");
        cleared.ToLowerInvariant().ShouldContain("expires=thu, 01 jan 1970");
        cleared.ToLowerInvariant().ShouldContain("path=/dashboard");
        AssertNoTokenLogged();
    }

    [Fact]
    public async Task A_login_with_anything_but_an_admin_token_is_refused_sets_no_cookie_and_is_audited()
    {
        using var anonymous = cluster.Client(null);
        var quant = cluster.Mint("dash-quant", Roles.Quant);

        using (var trader = await anonymous.PostAsync(DashboardSession.LoginPath, Form(cluster.Trader)))
            await RefusedAsync(trader, HttpStatusCode.Forbidden);
        using (var other = await anonymous.PostAsync(DashboardSession.LoginPath, Form(quant)))
            await RefusedAsync(other, HttpStatusCode.Forbidden);
        var forged = cluster.Admin[..^4] + (cluster.Admin.EndsWith("AAAA") ? "BBBB" : "AAAA");
        using (var wrongSignature = await anonymous.PostAsync(DashboardSession.LoginPath, Form(forged)))
            await RefusedAsync(wrongSignature, HttpStatusCode.Unauthorized);
        using (var empty = await anonymous.PostAsync(DashboardSession.LoginPath, new FormUrlEncodedContent([])))
        {
            var problem = await RefusedAsync(empty, HttpStatusCode.BadRequest);
            problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe(DashboardSession.TokenField);
        }
        // A login signs in with the posted token only, never a header's.
        using (var admin = cluster.Client(cluster.Admin))
        using (var headerOnly = await admin.PostAsync(DashboardSession.LoginPath, new FormUrlEncodedContent([])))
            await RefusedAsync(headerOnly, HttpStatusCode.BadRequest);
        using (var json = await anonymous.PostAsync(DashboardSession.LoginPath, new StringContent($$"""{"token":"{{cluster.Admin}}"}""", null, "application/json")))
            await RefusedAsync(json, HttpStatusCode.UnsupportedMediaType);
        using (var huge = await anonymous.PostAsync(DashboardSession.LoginPath, Form(new string('a', DashboardSession.MaxFormBytes + 1))))
            await RefusedAsync(huge, HttpStatusCode.RequestEntityTooLarge);

        // The refusals reach the security audit stream, with reasons and principals but no token.
        var audit = cluster.Gateway.Services.GetRequiredService<IClusterClient>().GetGrain<IAuditStreamGrain>(PlatformStreams.Security);
        IReadOnlyList<Core.Audit.AuditRecord> records = [];
        await Eventually.True(async () =>
        {
            records = await audit.ReadAsync(1, 1000);
            return records.Any(r => r.Payload.Contains("dash-trader") && r.Payload.Contains(DashboardSession.LoginPath))
                   && records.Any(r => r.Payload.Contains("\"status\":401") && r.Payload.Contains(DashboardSession.LoginPath));
        }, "the login refusals in the security audit stream");
        foreach (var record in records)
            foreach (var token in cluster.Tokens.Append(quant).Append(forged))
                record.Payload.ShouldNotContain(token);
        AssertNoTokenLogged(quant, forged);
    }

    private async Task<JsonElement> RefusedAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.Headers.Contains("Set-Cookie").ShouldBeFalse("a refused login sets no cookie");
        return await ProblemAsync(response, status);
    }

    private static FormUrlEncodedContent Form(string token) => new([new(DashboardSession.TokenField, token)]);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string cookie, string? bearer = null)
    {
        using var client = cluster.Client(bearer);
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static HashSet<string> GrainTypes(JsonElement counters) =>
        counters.GetProperty("simpleGrainStats").EnumerateArray().Where(s => s.GetProperty("activationCount").GetInt32() > 0)
            .Select(s => s.GetProperty("grainType").GetString()!).ToHashSet();

    /// <summary>A problem body (RFC 9457) with the status, as every refusal of the gateway has.</summary>
    private async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(await BodyAsync(response)).RootElement.Clone();
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        return problem;
    }

    /// <summary>The body, which never holds a token.</summary>
    private async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        foreach (var token in cluster.Tokens) body.ShouldNotContain(token);
        return body;
    }

    private void AssertNoTokenLogged(params string[] more)
    {
        var lines = cluster.Log.Lines.ToList();
        lines.ShouldNotBeEmpty("the gateway's log is captured");
        foreach (var token in cluster.Tokens.Concat(more))
        {
            // Any third of a token would give it away as well (the signature is its last part).
            var signature = token[(token.LastIndexOf('.') + 1)..];
            lines.ShouldNotContain(l => l.Contains(signature), $"a log line holds a token's signature");
        }
    }
}

/// <summary>The "Dashboard" settings, read when a host is built.</summary>
public sealed class DashboardConfigurationTests
{
    [Fact]
    public void Bad_dashboard_settings_stop_a_silo_and_a_gateway_naming_each_setting()
    {
        var bad = new Dictionary<string, string?>
        {
            ["Dashboard:Enabled"] = "yes",
            ["Dashboard:TraceStreaming"] = "on",
            ["Dashboard:CounterUpdateInterval"] = "00:00:00.500",
            ["Dashboard:HistoryLength"] = "5",
        };
        string[] fields = ["Dashboard:Enabled", "Dashboard:TraceStreaming", "Dashboard:CounterUpdateInterval", "Dashboard:HistoryLength"];
        Should.Throw<ValidationException>(() => Hosting.BuildSilo(new HostSettings { Feed = HostSettings.NoFeed, Configuration = bad }))
            .Errors.Select(e => e.Field).ShouldBe(fields);
        Should.Throw<ValidationException>(() => BuildGateway(bad)).Errors.Select(e => e.Field).ShouldBe(fields);
    }

    [Fact]
    public async Task Dashboard_Enabled_false_leaves_the_dashboard_off_silos_and_the_gateway()
    {
        var off = new Dictionary<string, string?> { ["Dashboard:Enabled"] = "false" };
        using (var silo = Hosting.BuildSilo(new HostSettings { Feed = HostSettings.NoFeed, Configuration = off }))
            HostsDashboard(silo).ShouldBeFalse();
        using (var silo = Hosting.BuildSilo(new HostSettings { Feed = HostSettings.NoFeed }))
            HostsDashboard(silo).ShouldBeTrue("on by default");

        await using (var gateway = BuildGateway(off)) DashboardRoutes(gateway).ShouldBeEmpty();
        await using (var gateway = BuildGateway([])) DashboardRoutes(gateway).ShouldContain($"{DashboardSession.Path}/DashboardCounters");
    }

    /// <summary>Whether the silo has the dashboard's grain call profiler (an internal type of the package, hence by name).</summary>
    private static bool HostsDashboard(IHost silo) => silo.Services.GetRequiredService<IServiceProviderIsService>()
        .IsService(typeof(Orleans.Dashboard.DashboardOptions).Assembly.GetType("Orleans.Dashboard.Metrics.IGrainProfiler", throwOnError: true)!);

    private static List<string> DashboardRoutes(WebApplication gateway) =>
        ((IEndpointRouteBuilder)gateway).DataSources.SelectMany(d => d.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText ?? "").Where(r => r.StartsWith(DashboardSession.Path, StringComparison.Ordinal)).ToList();

    private static WebApplication BuildGateway(Dictionary<string, string?> configuration) => Hosting.BuildGateway(new HostSettings
    {
        Gateway = new GatewayOptions { HttpPort = Net.FreePort(), GrpcPort = Net.FreePort() },
        Configuration = new Dictionary<string, string?>(configuration)
        {
            ["Gateway:Auth:SigningKeyFile"] = Path.Combine(Path.GetTempPath(), $"aitrading-test-key-{Guid.NewGuid():N}.json"),
        },
    });
}
