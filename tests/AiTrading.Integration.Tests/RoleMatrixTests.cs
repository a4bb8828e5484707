using System.Net;
using System.Text;
using AiTrading.Contracts.Grpc;
using AiTrading.Gateway.Security;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AiTrading.Integration.Tests;

/// <summary>
/// Who may call what, over real sockets: every HTTP route and gRPC method of the product, called by each kind of
/// caller, must be allowed (any answer but 401/403), unauthenticated (401 / UNAUTHENTICATED) or forbidden (403 /
/// PERMISSION_DENIED) exactly as its row says. The rows must cover the endpoints the product maps: a new route
/// without a row fails <see cref="Every_endpoint_of_the_product_has_a_row"/>. docs/security.md shows the same table.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RoleMatrixTests(GatewayFixture fixture) : IAsyncLifetime
{
    /// <summary>The account the viewer and the trader hold; the other trader holds <see cref="Other"/> only.</summary>
    public const string Own = "MATRIX-OWN", Other = "MATRIX-OTHER";
    private const string Strategy = "matrix-strategy", RestingOrder = Own + ":matrix-rest";

    /// <summary>The callers, in the order of the expectation strings: A allowed, U 401, F 403.</summary>
    public static readonly string[] Callers = ["none", "viewer", "trader", "trader-other", "risk", "compliance", "quant", "admin"];

    private const string AnyRole = "UAAAAAAA", OwnReader = "UAAFAAFA", OwnTrader = "UFAFFFFF", AdminOnly = "UFFFFFFA", Anonymous = "AAAAAAAA";

    /// <summary>HTTP routes: method and pattern as mapped, the expected outcome per caller, and the request that exercises it.</summary>
    private static readonly (string Route, string Expect, string Path, string? Body)[] HttpRows =
    [
        ("GET /v1/instruments/{symbol}", AnyRole, "/v1/instruments/EURUSD?bars=1", null),
        ("GET /v1/portfolio/{account}", OwnReader, $"/v1/portfolio/{Own}", null),
        ("GET /v1/orders/{**id}", OwnReader, $"/v1/orders/{RestingOrder}", null),
        ("POST /v1/orders", OwnTrader, "/v1/orders", $$"""{"clientOrderId":"matrix-buy","account":"{{Own}}","symbol":"EURUSD","side":"BUY","quantity":1000}"""),
        ("DELETE /v1/orders/{**id}", OwnTrader, $"/v1/orders/{RestingOrder}?reason=matrix", null),
        ("PATCH /v1/orders/{**id}", OwnTrader, $"/v1/orders/{RestingOrder}", """{"quantity":"2000"}"""),
        ("GET /v1/audit", "UFFFFAFF", "/v1/audit", null),
        ("GET /v1/audit/{stream}", "UFFFFAFF", $"/v1/audit/{Own}", null),
        ("GET /v1/audit/{stream}/verify", "UFFFFAFF", $"/v1/audit/{Own}/verify", null),
        ("POST /v1/accounts", "UFFFFFFA", "/v1/accounts", """{"id":"MATRIX-NEW"}"""),
        ("GET /v1/accounts", AnyRole, "/v1/accounts", null),
        ("GET /v1/accounts/{account}", OwnReader, $"/v1/accounts/{Own}", null),
        ("PUT /v1/accounts/{account}/limits", "UFFFAFFF", $"/v1/accounts/{Own}/limits", """{"maxOrdersPerSecond":50}"""),
        ("POST /v1/accounts/{account}/kill-switch", "UFFFAFFF", $"/v1/accounts/{Own}/kill-switch", """{"engaged":false,"reason":"role matrix"}"""),
        ("GET /v1/kill-switch", AnyRole, "/v1/kill-switch", null),
        ("POST /v1/kill-switch", "UFFFAFFF", "/v1/kill-switch", """{"engaged":false,"reason":"role matrix"}"""),
        ("POST /v1/strategies", OwnTrader, "/v1/strategies", StrategyJson),
        ("GET /v1/strategies", AnyRole, "/v1/strategies", null),
        ("GET /v1/strategies/{id}", AnyRole, $"/v1/strategies/{Strategy}", null),
        ("POST /v1/strategies/{id}/pause", OwnTrader, $"/v1/strategies/{Strategy}/pause", """{"reason":"role matrix"}"""),
        ("POST /v1/strategies/{id}/resume", OwnTrader, $"/v1/strategies/{Strategy}/resume", null),
        ("POST /v1/strategies/{id}/stop", OwnTrader, $"/v1/strategies/{Strategy}/stop", null),
        ("GET /v1/venues", AnyRole, "/v1/venues", null),
        ("GET /v1/venues/{venue}", AnyRole, "/v1/venues/paper", null),
        ("* /v1/mt5/bridge", Anonymous, "/v1/mt5/bridge", null),
        ("POST /v1/backtests", "UFAAFFAF", "/v1/backtests", "{}"),
        ("GET /v1/backtests/{id}", AnyRole, "/v1/backtests/matrix-none", null),
        ("GET /v1/backtests/{id}/report", AnyRole, "/v1/backtests/matrix-none/report", null),
        ("GET /v1/models", AnyRole, "/v1/models", null),
        ("GET /v1/models/{id}", AnyRole, "/v1/models/matrix-none", null),
        ("GET /v1/models/{id}/job", AnyRole, "/v1/models/matrix-none/job", null),
        ("* /healthz", Anonymous, "/healthz", null),
        ("* /readyz", Anonymous, "/readyz", null),
        ("GET /openapi/v1.json", AnyRole, "/openapi/v1.json", null),
        ("* /metrics", AnyRole, "/metrics", null),
        ("GET /scalar/{documentName?}", AnyRole, "/scalar/", null),
        ("GET /scalar/scalar.js", AnyRole, "/scalar/scalar.js", null),
        ("GET /scalar/scalar.aspnetcore.js", AnyRole, "/scalar/scalar.aspnetcore.js", null),
        ("GET /scalar/favicon.svg", AnyRole, "/scalar/favicon.svg", null),
        ("GET /dashboard", AdminOnly, "/dashboard/", null),
        ("GET /dashboard/index.html", AdminOnly, "/dashboard/index.html", null),
        ("GET /dashboard/favicon.ico", AdminOnly, "/dashboard/favicon.ico", null),
        ("GET /dashboard/index.min.js", AdminOnly, "/dashboard/index.min.js", null),
        ("GET /dashboard/index.css", AdminOnly, "/dashboard/index.css", null),
        ("GET /dashboard/fonts/{**path}", AdminOnly, "/dashboard/fonts/none.woff", null),
        ("GET /dashboard/img/{**path}", AdminOnly, "/dashboard/img/none.png", null),
        ("GET /dashboard/version", AdminOnly, "/dashboard/version", null),
        ("GET /dashboard/DashboardCounters", AdminOnly, "/dashboard/DashboardCounters", null),
        ("GET /dashboard/ClusterStats", AdminOnly, "/dashboard/ClusterStats", null),
        ("GET /dashboard/Reminders", AdminOnly, "/dashboard/Reminders", null),
        ("GET /dashboard/Reminders/{page:int}", AdminOnly, "/dashboard/Reminders/2", null),
        ("GET /dashboard/HistoricalStats/{*path}", AdminOnly, "/dashboard/HistoricalStats/matrix-none", null),
        ("GET /dashboard/SiloProperties/{*address}", AdminOnly, "/dashboard/SiloProperties/matrix-none", null),
        ("GET /dashboard/SiloMetadata/{*address}", AdminOnly, "/dashboard/SiloMetadata/matrix-none", null),
        ("GET /dashboard/SiloStats/{*address}", AdminOnly, "/dashboard/SiloStats/matrix-none", null),
        ("GET /dashboard/SiloCounters/{*address}", AdminOnly, "/dashboard/SiloCounters/matrix-none", null),
        ("GET /dashboard/GrainStats/{*grainName}", AdminOnly, "/dashboard/GrainStats/AiTrading.Grains.InstrumentGrain", null),
        ("GET /dashboard/TopGrainMethods", AdminOnly, "/dashboard/TopGrainMethods", null),
        ("GET /dashboard/LifecycleStages", AdminOnly, "/dashboard/LifecycleStages", null),
        ("GET /dashboard/GrainTypes", AdminOnly, "/dashboard/GrainTypes", null),
        // Refused to every caller: the grain state view calls grain methods, and trace streaming is off by default.
        ("GET /dashboard/GrainState", "UFFFFFFF", "/dashboard/GrainState?grainId=MATRIX-OWN&grainType=AiTrading.Grains.AccountGrain", null),
        ("GET /dashboard/Trace", "UFFFFFFF", "/dashboard/Trace", null),
        ("GET /dashboard/login", Anonymous, "/dashboard/login", null),
        ("POST /dashboard/login", Anonymous, "/dashboard/login", null),
        ("POST /dashboard/logout", Anonymous, "/dashboard/logout", null),
    ];

    private const string StrategyJson = $$$"""
        {"id":"{{{Strategy}}}","account":"{{{Own}}}","instruments":["EURUSD"],"rules":{"entryLong":"close < 0"},
         "sizing":{"method":"fixed_quantity","quantity":1000}}
        """;

    /// <summary>gRPC methods: the path as mapped, the expected outcome per caller, and a call that exercises it.</summary>
    private static readonly (string Method, string Expect, Func<CallInvoker, Task> Call)[] GrpcRows =
    [
        ("/aitrading.v1.MarketData/Subscribe", AnyRole, c => Streamed(new MarketData.MarketDataClient(c).Subscribe(new SubscribeRequest { Symbols = { "EURUSD" } }))),
        ("/aitrading.v1.Orders/Submit", OwnTrader, c => new Orders.OrdersClient(c).SubmitAsync(new SubmitOrderRequest
            { ClientOrderId = "matrix-grpc-buy", Account = Own, Symbol = "EURUSD", Side = OrderSide.Buy, Quantity = "1000" }).ResponseAsync),
        ("/aitrading.v1.Orders/Get", OwnReader, c => new Orders.OrdersClient(c).GetAsync(new GetOrderRequest { OrderId = RestingOrder }).ResponseAsync),
        ("/aitrading.v1.Orders/Cancel", OwnTrader, c => new Orders.OrdersClient(c).CancelAsync(new CancelOrderRequest { OrderId = RestingOrder }).ResponseAsync),
        ("/aitrading.v1.Orders/Replace", OwnTrader, c => new Orders.OrdersClient(c).ReplaceAsync(new ReplaceOrderRequest { OrderId = RestingOrder, Quantity = "2000" }).ResponseAsync),
        ("/aitrading.v1.Strategies/Submit", OwnTrader, c => new Strategies.StrategiesClient(c).SubmitAsync(new StrategySpec
        {
            Id = Strategy, Account = Own, Instruments = { "EURUSD" }, Rules = new Rules { EntryLong = "close < 0" },
            Sizing = new Sizing { Method = "fixed_quantity", Quantity = "1000" },
        }).ResponseAsync),
        ("/aitrading.v1.Strategies/Get", AnyRole, c => new Strategies.StrategiesClient(c).GetAsync(new StrategyRequest { Id = Strategy }).ResponseAsync),
        ("/aitrading.v1.Strategies/List", AnyRole, c => new Strategies.StrategiesClient(c).ListAsync(new ListStrategiesRequest()).ResponseAsync),
        ("/aitrading.v1.Strategies/Pause", OwnTrader, c => new Strategies.StrategiesClient(c).PauseAsync(new PauseStrategyRequest { Id = Strategy, Reason = "role matrix" }).ResponseAsync),
        ("/aitrading.v1.Strategies/Resume", OwnTrader, c => new Strategies.StrategiesClient(c).ResumeAsync(new StrategyRequest { Id = Strategy }).ResponseAsync),
        ("/aitrading.v1.Strategies/Stop", OwnTrader, c => new Strategies.StrategiesClient(c).StopAsync(new StrategyRequest { Id = Strategy }).ResponseAsync),
        ("/aitrading.v1.Strategies/StreamEvents", OwnReader, c => Streamed(new Strategies.StrategiesClient(c).StreamEvents(new StrategyRequest { Id = Strategy }))),
        ("/aitrading.v1.BacktestService/Run", "UFAAFFAF", c => new BacktestService.BacktestServiceClient(c).RunAsync(new RunBacktestRequest()).ResponseAsync),
        ("/aitrading.v1.BacktestService/Get", AnyRole, c => new BacktestService.BacktestServiceClient(c).GetAsync(new BacktestId { Id = "matrix-none" }).ResponseAsync),
        ("/aitrading.v1.BacktestService/StreamProgress", AnyRole, c => Streamed(new BacktestService.BacktestServiceClient(c).StreamProgress(new BacktestId { Id = "matrix-none" }))),
        ("/aitrading.v1.Models/Train", "UFFFFFAA", c => new Models.ModelsClient(c).TrainAsync(new TrainModelRequest { Model = "matrix none" }).ResponseAsync),
        ("/aitrading.v1.Models/GetJob", AnyRole, c => new Models.ModelsClient(c).GetJobAsync(new ModelRequest { Model = "matrix-none" }).ResponseAsync),
        ("/aitrading.v1.Models/Cancel", "UFFFFFAA", c => new Models.ModelsClient(c).CancelAsync(new ModelRequest { Model = "matrix none" }).ResponseAsync),
        ("/aitrading.v1.Models/Get", AnyRole, c => new Models.ModelsClient(c).GetAsync(new ModelRequest { Model = "matrix-none" }).ResponseAsync),
        ("/aitrading.v1.Models/List", AnyRole, c => new Models.ModelsClient(c).ListAsync(new ListModelsRequest()).ResponseAsync),
        ("/aitrading.v1.Models/Promote", "UFFFFFAA", c => new Models.ModelsClient(c).PromoteAsync(new PromoteModelRequest { Model = "matrix none", Version = 1 }).ResponseAsync),
        ("/aitrading.v1.Models/Rollback", "UFFFFFAA", c => new Models.ModelsClient(c).RollbackAsync(new ModelRequest { Model = "matrix none" }).ResponseAsync),
        ("/aitrading.v1.Models/Predict", AnyRole, c => new Models.ModelsClient(c).PredictAsync(new PredictRequest { Model = "matrix-none" }).ResponseAsync),
        ("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", AnyRole,
            c => Reflect(new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(c).ServerReflectionInfo(), new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" })),
        ("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", AnyRole,
            c => Reflect(new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(c).ServerReflectionInfo(), new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = "" })),
        ("/grpc.health.v1.Health/Check", Anonymous, c => new Grpc.Health.V1.Health.HealthClient(c).CheckAsync(new Grpc.Health.V1.HealthCheckRequest()).ResponseAsync),
        ("/grpc.health.v1.Health/Watch", Anonymous, c => Streamed(new Grpc.Health.V1.Health.HealthClient(c).Watch(new Grpc.Health.V1.HealthCheckRequest()))),
    ];

    /// <summary>The caller's token, or none.</summary>
    private string? TokenOf(string caller) => caller switch
    {
        "none" => null,
        "viewer" => fixture.Tokens.Mint("matrix-viewer", [Roles.Viewer], [Own]),
        "trader" => fixture.Tokens.Mint("matrix-trader", [Roles.Trader], [Own]),
        "trader-other" => fixture.Tokens.Mint("matrix-trader-other", [Roles.Trader], [Other]),
        "risk" => fixture.Tokens.Mint("matrix-risk", [Roles.Risk], []),
        "compliance" => fixture.Tokens.Mint("matrix-compliance", [Roles.Compliance], []),
        "quant" => fixture.Tokens.Mint("matrix-quant", [Roles.Quant], []),
        "admin" => fixture.Tokens.Mint("matrix-admin", [Roles.Admin], []),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    public async Task InitializeAsync()
    {
        // What the rows act on: a working order and a strategy of the account the viewer and the trader hold.
        using var order = await fixture.Http.PostAsync("/v1/orders", Json(
            """{"clientOrderId":"matrix-rest","account":"MATRIX-OWN","symbol":"EURUSD","side":"BUY","quantity":1000,"type":"LIMIT","limitPrice":0.0001}"""));
        using var strategy = await fixture.Http.PostAsync("/v1/strategies", Json(StrategyJson));
        strategy.IsSuccessStatusCode.ShouldBeTrue(await strategy.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Every endpoint the product maps, as "METHOD pattern" for HTTP ("*" for any method) and the method path for gRPC.</summary>
    public static IReadOnlyList<(string Key, bool Grpc)> Endpoints(IServiceProvider services) => services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText is { } raw && !raw.Contains("{unimplemented", StringComparison.Ordinal))
        .Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is not null
            ? (e.RoutePattern.RawText!, true)
            : ($"{(e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is [var method] ? method : "*")} {e.RoutePattern.RawText!.TrimEnd('/')}", false))
        .Distinct()
        .ToList();

    [Fact]
    public void Every_endpoint_of_the_product_has_a_row()
    {
        var mapped = Endpoints(fixture.Services).Select(e => e.Key).ToHashSet();
        var rows = HttpRows.Select(r => r.Route).Concat(GrpcRows.Select(r => r.Method)).ToHashSet();
        mapped.Except(rows).ShouldBeEmpty("endpoints without a row in the role matrix (add one here and in docs/security.md)");
        rows.Except(mapped).ShouldBeEmpty("rows for endpoints the product does not map");
        (HttpRows.Length + GrpcRows.Length).ShouldBe(rows.Count, "one row per endpoint");
    }

    [Fact]
    public async Task Each_caller_gets_what_the_matrix_says_over_http()
    {
        var wrong = new List<string>();
        for (var c = 0; c < Callers.Length; c++)
        {
            using var client = TestTokens.Http(fixture.HttpAddress, TokenOf(Callers[c]));
            foreach (var (route, expect, path, body) in HttpRows)
            {
                var status = await SendAsync(client, route, path, body);
                if (Outcome(status) != expect[c]) wrong.Add($"{route} as {Callers[c]}: expected {expect[c]}, got {Outcome(status)} ({(int)status})");
            }
        }
        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task Each_caller_gets_what_the_matrix_says_over_grpc()
    {
        var wrong = new List<string>();
        for (var c = 0; c < Callers.Length; c++)
        {
            using var channel = TestTokens.Grpc(fixture.GrpcAddress, TokenOf(Callers[c]));
            foreach (var (method, expect, call) in GrpcRows)
            {
                var status = await StatusOf(call(channel.CreateCallInvoker()));
                var got = Outcome(status);
                if (got != expect[c]) wrong.Add($"{method} as {Callers[c]}: expected {expect[c]}, got {got} ({status})");
            }
        }
        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_token_every_endpoint_but_health_the_mt5_bridge_and_the_dashboard_login_answers_401_or_unauthenticated()
    {
        using var client = TestTokens.Http(fixture.HttpAddress, null);
        var open = new List<string>();
        foreach (var (route, _, path, body) in HttpRows)
            if (await SendAsync(client, route, path, body) != HttpStatusCode.Unauthorized) open.Add(route);
        open.ShouldBe(["* /v1/mt5/bridge", "* /healthz", "* /readyz", "GET /dashboard/login", "POST /dashboard/login", "POST /dashboard/logout"], ignoreOrder: true);

        using var channel = TestTokens.Grpc(fixture.GrpcAddress, null);
        foreach (var (method, expect, call) in GrpcRows)
            (await StatusOf(call(channel.CreateCallInvoker()))).ShouldBe(expect == Anonymous ? StatusCode.OK : StatusCode.Unauthenticated, method);
    }

    /// <summary>Sends a row's request with the row's method (GET for a route of any method).</summary>
    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string route, string path, string? body)
    {
        var method = route[..route.IndexOf(' ')];
        using var request = new HttpRequestMessage(new HttpMethod(method == "*" ? "GET" : method), path) { Content = body is null ? null : Json(body) };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static char Outcome(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => 'U',
        HttpStatusCode.Forbidden => 'F',
        _ => 'A',
    };

    private static char Outcome(StatusCode status) => status switch
    {
        StatusCode.Unauthenticated => 'U',
        StatusCode.PermissionDenied => 'F',
        _ => 'A',
    };

    private static async Task<StatusCode> StatusOf(Task call)
    {
        try
        {
            await call;
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    /// <summary>
    /// A server stream is answered once its headers arrive; a refusal comes with them (a trailers-only answer), so its
    /// first read fails at once, while an allowed stream is still open when the read is given up and cancelled.
    /// </summary>
    private static Task Streamed<T>(AsyncServerStreamingCall<T> call) => FirstReadAsync(call);

    /// <summary>One request on a reflection stream and its answer.</summary>
    private static async Task Reflect<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call, TRequest request)
    {
        using (call)
        {
            await SendAsync(call, request);
            await call.ResponseStream.MoveNext(CancellationToken.None);
        }
    }

    /// <summary>
    /// Writes one request and completes the request stream. A server that refuses the call answers before reading the
    /// request and resets the stream, so the write may fail first, as Cancelled: the server's answer is the outcome.
    /// </summary>
    internal static async Task SendAsync<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call, TRequest request)
    {
        try
        {
            await call.RequestStream.WriteAsync(request);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromMinutes(2)); // throws the server's status when it refused
            throw;
        }
    }

    internal static async Task FirstReadAsync<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromMinutes(2));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await call.ResponseStream.MoveNext(wait.Token);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && wait.IsCancellationRequested)
            {
                // still streaming: allowed
            }
        }
    }
}
