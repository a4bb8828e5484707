using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AiTrading.Contracts.Grpc;
using AiTrading.Gateway.Security;
using Grpc.Core;

namespace AiTrading.Integration.Tests;

/// <summary>
/// Authorization beyond roles over real sockets: accounts in the token, the account registry, kill switches, and the
/// audit of every refusal in the "security" stream.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorizationTests(GatewayFixture fixture)
{
    public const string Halted = "AUTHZ-HALT", Global1 = "AUTHZ-G1", Global2 = "AUTHZ-G2", Limited = "AUTHZ-LIMITS";
    private const string Own = RoleMatrixTests.Own, Other = RoleMatrixTests.Other;

    private HttpClient As(string subject, string role, params string[] accounts) => TestTokens.Http(fixture.HttpAddress, fixture.Tokens.Mint(subject, [role], accounts));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Order(string account, string clientOrderId, decimal quantity = 1000, decimal? limit = null) => limit is null
        ? $$"""{"clientOrderId":"{{clientOrderId}}","account":"{{account}}","symbol":"EURUSD","side":"BUY","quantity":{{quantity}}}"""
        : $$"""{"clientOrderId":"{{clientOrderId}}","account":"{{account}}","symbol":"EURUSD","side":"BUY","quantity":{{quantity}},"type":"LIMIT","limitPrice":{{limit.Value.ToString(CultureInfo.InvariantCulture)}}}""";

    private async Task<decimal> EurUsdBelowMarket()
    {
        var (_, instrument) = await Send(fixture.Http, HttpMethod.Get, "/v1/instruments/EURUSD?bars=0");
        var quote = instrument.GetProperty("quote");
        return Math.Round((quote.GetProperty("bid").GetDecimal() + quote.GetProperty("ask").GetDecimal()) / 2 * 0.98m, 4);
    }

    private static string Spec(string id, string account) => $$$"""
        {"id":"{{{id}}}","account":"{{{account}}}","instruments":["EURUSD"],"rules":{"entryLong":"close < 0"},"sizing":{"method":"fixed_quantity","quantity":1000}}
        """;

    [Fact]
    public async Task A_trader_places_reads_and_cancels_only_on_the_accounts_in_its_token()
    {
        using var trader = As("authz-trader", Roles.Trader, Own);
        var (placed, resting) = await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order(Other, "authz-rest", limit: await EurUsdBelowMarket()));
        placed.ShouldBe(HttpStatusCode.Created, resting.ToString());
        var restingId = resting.GetProperty("orderId").GetString()!;

        var (refused, body) = await Send(trader, HttpMethod.Post, "/v1/orders", Order(Other, "authz-refused"));
        refused.ShouldBe(HttpStatusCode.Forbidden);
        Problem.DetailOf(body).ShouldContain($"'{Other}'");
        (await Send(fixture.Http, HttpMethod.Get, $"/v1/orders/{Other}:authz-refused")).Status.ShouldBe(HttpStatusCode.NotFound, "a refused order is not placed");

        (await Send(trader, HttpMethod.Get, $"/v1/orders/{restingId}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(trader, HttpMethod.Delete, $"/v1/orders/{restingId}?reason=mine")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(trader, HttpMethod.Patch, $"/v1/orders/{restingId}", """{"quantity":"5000"}""")).Status.ShouldBe(HttpStatusCode.Forbidden);
        var unchanged = (await Send(fixture.Http, HttpMethod.Get, $"/v1/orders/{restingId}")).Body;
        (unchanged.GetProperty("status").GetString(), unchanged.GetProperty("quantity").GetDecimal()).ShouldBe(("Accepted", 1000m));
        (await Send(trader, HttpMethod.Get, $"/v1/portfolio/{Other}")).Status.ShouldBe(HttpStatusCode.Forbidden);

        (await Send(trader, HttpMethod.Post, "/v1/orders", Order(Own, "authz-mine"))).Status.ShouldBe(HttpStatusCode.Created);
        (await Send(trader, HttpMethod.Get, $"/v1/portfolio/{Own}")).Status.ShouldBe(HttpStatusCode.OK);
        var listed = (await Send(trader, HttpMethod.Get, "/v1/accounts")).Body.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("account").GetString()).ToList();
        listed.ShouldBe([Own]);

        using var risk = As("authz-risk", Roles.Risk);
        (await Send(risk, HttpMethod.Get, $"/v1/portfolio/{Other}")).Status.ShouldBe(HttpStatusCode.OK, "risk reads every account");
        (await Send(risk, HttpMethod.Get, "/v1/accounts")).Body.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("account").GetString())
            .ShouldContain(Other);
        await Send(fixture.Http, HttpMethod.Delete, $"/v1/orders/{restingId}");
    }

    [Fact]
    public async Task Grpc_orders_of_accounts_outside_the_token_are_permission_denied()
    {
        using var channel = TestTokens.Grpc(fixture.GrpcAddress, fixture.Tokens.Mint("authz-grpc-trader", [Roles.Trader], [Own]));
        var orders = new Orders.OrdersClient(channel);
        var submit = await Should.ThrowAsync<RpcException>(async () => await orders.SubmitAsync(new SubmitOrderRequest
            { ClientOrderId = "authz-grpc", Account = Other, Symbol = "EURUSD", Side = OrderSide.Buy, Quantity = "1000" }));
        (submit.StatusCode, submit.Status.Detail).ShouldBe((StatusCode.PermissionDenied, $"account '{Other}' is not among the accounts this token acts on"));

        var theirs = await new Orders.OrdersClient(fixture.Grpc).SubmitAsync(new SubmitOrderRequest
            { ClientOrderId = "authz-grpc-theirs", Account = Other, Symbol = "EURUSD", Side = OrderSide.Buy, Quantity = "1000" });
        (await Should.ThrowAsync<RpcException>(async () => await orders.GetAsync(new GetOrderRequest { OrderId = theirs.OrderId }))).StatusCode.ShouldBe(StatusCode.PermissionDenied);
        (await Should.ThrowAsync<RpcException>(async () => await orders.CancelAsync(new CancelOrderRequest { OrderId = theirs.OrderId }))).StatusCode.ShouldBe(StatusCode.PermissionDenied);
        (await Should.ThrowAsync<RpcException>(async () => await orders.ReplaceAsync(new ReplaceOrderRequest { OrderId = theirs.OrderId, Quantity = "10" })))
            .StatusCode.ShouldBe(StatusCode.PermissionDenied);
        (await orders.SubmitAsync(new SubmitOrderRequest { ClientOrderId = "authz-grpc-mine", Account = Own, Symbol = "EURUSD", Side = OrderSide.Buy, Quantity = "1000" }))
            .Status.ShouldBe("FILLED");
    }

    [Fact]
    public async Task Strategies_are_submitted_steered_and_followed_only_on_the_callers_accounts()
    {
        (await Send(fixture.Http, HttpMethod.Post, "/v1/strategies", Spec("authz-theirs", Other))).Status.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        (await Send(fixture.Http, HttpMethod.Post, "/v1/strategies", Spec("authz-mine", Own))).Status.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        using var trader = As("authz-strategy-trader", Roles.Trader, Own);

        (await Send(trader, HttpMethod.Post, "/v1/strategies", Spec("authz-refused", Other))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(fixture.Http, HttpMethod.Get, "/v1/strategies/authz-refused")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(trader, HttpMethod.Post, "/v1/strategies/authz-theirs/pause", """{"reason":"not mine"}""")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(trader, HttpMethod.Post, "/v1/strategies/authz-theirs/stop")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(fixture.Http, HttpMethod.Get, "/v1/strategies/authz-theirs")).Body.GetProperty("state").GetString().ShouldBe("running");
        var (moved, movedBody) = await Send(fixture.Http, HttpMethod.Post, "/v1/strategies", Spec("authz-theirs", Own).Replace("\"id\"", "\"version\":2,\"id\""));
        (moved, Problem.FieldsOf(movedBody).Single()).ShouldBe((HttpStatusCode.BadRequest, "account"), "a strategy's positions stay in its account");

        using var channel = TestTokens.Grpc(fixture.GrpcAddress, fixture.Tokens.Mint("authz-strategy-trader", [Roles.Trader], [Own]));
        var strategies = new Strategies.StrategiesClient(channel);
        (await Should.ThrowAsync<RpcException>(async () => await strategies.PauseAsync(new PauseStrategyRequest { Id = "authz-theirs", Reason = "not mine" })))
            .StatusCode.ShouldBe(StatusCode.PermissionDenied);

        using var viewerChannel = TestTokens.Grpc(fixture.GrpcAddress, fixture.Tokens.Mint("authz-viewer", [Roles.Viewer], [Own]));
        var viewer = new Strategies.StrategiesClient(viewerChannel);
        (await Should.ThrowAsync<RpcException>(() => RoleMatrixTests.FirstReadAsync(viewer.StreamEvents(new StrategyRequest { Id = "authz-theirs" }))))
            .StatusCode.ShouldBe(StatusCode.PermissionDenied);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var mine = viewer.StreamEvents(new StrategyRequest { Id = "authz-mine" }, cancellationToken: cancel.Token);
        await mine.ResponseHeadersAsync;
        (await strategies.PauseAsync(new PauseStrategyRequest { Id = "authz-mine", Reason = "viewer watches" })).State.ShouldBe("PAUSED");
        (await mine.ResponseStream.MoveNext(cancel.Token)).ShouldBeTrue();
        mine.ResponseStream.Current.Message.ShouldContain("paused");
        await strategies.ResumeAsync(new StrategyRequest { Id = "authz-mine" });
    }

    [Fact]
    public async Task Admins_open_accounts_once_with_named_errors_and_nobody_trades_an_account_never_opened()
    {
        using var admin = As("authz-admin", Roles.Admin);
        const string open = """{"id":"AUTHZ-NEW","currency":"EUR","cash":50000,"limits":{"maxOrderNotional":100000}}""";
        var (created, account) = await Send(admin, HttpMethod.Post, "/v1/accounts", open);
        (created, account.GetProperty("createdBy").GetString()).ShouldBe((HttpStatusCode.Created, "authz-admin"), account.ToString());
        (account.GetProperty("currency").GetString(), account.GetProperty("cash").GetDecimal(), account.GetProperty("limits").GetProperty("maxOrderNotional").GetDecimal())
            .ShouldBe(("EUR", 50_000m, 100_000m));
        (await Send(admin, HttpMethod.Post, "/v1/accounts", open)).Status.ShouldBe(HttpStatusCode.OK);
        var (conflict, conflictBody) = await Send(admin, HttpMethod.Post, "/v1/accounts", open.Replace("50000", "60000"));
        conflict.ShouldBe(HttpStatusCode.Conflict);
        Problem.DetailOf(conflictBody).ShouldContain("cash");
        var (bad, badBody) = await Send(admin, HttpMethod.Post, "/v1/accounts", """{"id":"AUTHZ-BAD","currency":"euro","cash":-1,"limits":{"maxDrawdown":3}}""");
        bad.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(badBody).ShouldBe(["currency", "cash", "limits.maxDrawdown"], ignoreOrder: true);
        (await Send(admin, HttpMethod.Get, "/v1/accounts/AUTHZ-BAD")).Status.ShouldBe(HttpStatusCode.NotFound, "a refused opening opens nothing");
        (await Send(admin, HttpMethod.Post, "/v1/accounts", """{"id":"AUTHZ-X","overdraft":true}""")).Status.ShouldBe(HttpStatusCode.BadRequest);

        using var trader = As("authz-trader", Roles.Trader, "AUTHZ-NEW");
        (await Send(trader, HttpMethod.Post, "/v1/accounts", """{"id":"AUTHZ-MINE"}""")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await Send(trader, HttpMethod.Get, "/v1/accounts/AUTHZ-NEW")).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(trader, HttpMethod.Get, $"/v1/accounts/{Own}")).Status.ShouldBe(HttpStatusCode.Forbidden);

        var (order, orderBody) = await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order("NEVER-OPENED", "n-1"));
        (order, Problem.DetailOf(orderBody)).ShouldBe((HttpStatusCode.NotFound, "account 'NEVER-OPENED' was not found"));
        (await Send(fixture.Http, HttpMethod.Get, "/v1/orders/NEVER-OPENED:n-1")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(fixture.Http, HttpMethod.Get, "/v1/portfolio/NEVER-OPENED")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(fixture.Http, HttpMethod.Post, "/v1/strategies", Spec("authz-nowhere", "NEVER-OPENED"))).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(fixture.Http, HttpMethod.Get, "/v1/strategies/authz-nowhere")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(fixture.Http, HttpMethod.Get, "/v1/audit/NEVER-OPENED")).Status.ShouldBe(HttpStatusCode.NotFound, "nothing was audited for it");
    }

    [Fact]
    public async Task Risk_changes_the_limits_it_names_and_the_gate_applies_them_at_once()
    {
        using var risk = As("authz-risk", Roles.Risk);
        var (changed, account) = await Send(risk, HttpMethod.Put, $"/v1/accounts/{Limited}/limits", """{"maxOrderNotional":1000}""");
        changed.ShouldBe(HttpStatusCode.OK, account.ToString());
        (account.GetProperty("limits").GetProperty("maxOrderNotional").GetDecimal(), account.GetProperty("limitsChangedBy").GetString()).ShouldBe((1000m, "authz-risk"));
        var (refused, body) = await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order(Limited, "big"));
        (refused, body.GetProperty("limit").GetString()).ShouldBe((HttpStatusCode.Conflict, "max_order_notional"));

        (await Send(As("authz-admin", Roles.Admin), HttpMethod.Put, $"/v1/accounts/{Limited}/limits", """{"maxOrderNotional":5}""")).Status.ShouldBe(HttpStatusCode.Forbidden);
        Problem.FieldsOf((await Send(risk, HttpMethod.Put, $"/v1/accounts/{Limited}/limits", "{}")).Body).ShouldBe(["limits"]);
        (await Send(risk, HttpMethod.Put, $"/v1/accounts/{Limited}/limits", """{"killSwitch":true}""")).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await Send(risk, HttpMethod.Put, "/v1/accounts/NEVER-OPENED/limits", """{"maxOrderNotional":5}""")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(fixture.Http, HttpMethod.Get, $"/v1/accounts/{Limited}")).Body.GetProperty("limits").GetProperty("maxOrderNotional").GetDecimal().ShouldBe(1000m);
    }

    [Fact]
    public async Task An_accounts_kill_switch_halts_it_until_risk_releases_it_and_names_who_did_it()
    {
        using var risk = As("authz-risk", Roles.Risk);
        Problem.FieldsOf((await Send(risk, HttpMethod.Post, $"/v1/accounts/{Halted}/kill-switch", """{"engaged":true}""")).Body).ShouldBe(["reason"]);
        (await Send(risk, HttpMethod.Post, $"/v1/accounts/{Halted}/kill-switch", $$"""{"engaged":true,"reason":"{{new string('x', 501)}}"}""")).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await Send(As("authz-trader", Roles.Trader, Halted), HttpMethod.Post, $"/v1/accounts/{Halted}/kill-switch", """{"engaged":true,"reason":"mine"}"""))
            .Status.ShouldBe(HttpStatusCode.Forbidden);

        var (engaged, account) = await Send(risk, HttpMethod.Post, $"/v1/accounts/{Halted}/kill-switch", """{"engaged":true,"reason":"desk review"}""");
        engaged.ShouldBe(HttpStatusCode.OK, account.ToString());
        (account.GetProperty("status").GetString(), account.GetProperty("killSwitch").GetProperty("by").GetString()).ShouldBe(("halted", "authz-risk"));
        var (refused, body) = await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order(Halted, $"halted-{Guid.NewGuid():N}"));
        (refused, body.GetProperty("limit").GetString()).ShouldBe((HttpStatusCode.Conflict, "kill_switch"));
        (await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order(Global1, $"free-{Guid.NewGuid():N}"))).Status.ShouldBe(HttpStatusCode.Created, "other accounts trade on");

        (await Send(risk, HttpMethod.Post, $"/v1/accounts/{Halted}/kill-switch", """{"engaged":false,"reason":"reviewed"}""")).Body.GetProperty("status").GetString().ShouldBe("active");
        (await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order(Halted, $"released-{Guid.NewGuid():N}"))).Status.ShouldBe(HttpStatusCode.Created);
        var records = (await Send(fixture.Http, HttpMethod.Get, $"/v1/audit/{Halted}?limit=1000")).Body.GetProperty("records").EnumerateArray()
            .Where(r => r.GetProperty("kind").GetString() == "risk.kill_switch").Select(r => JsonDocument.Parse(r.GetProperty("payload").GetString()!).RootElement).ToList();
        records.TakeLast(2).Select(r => (r.GetProperty("engaged").GetBoolean(), r.GetProperty("reason").GetString(), r.GetProperty("by").GetString()))
            .ShouldBe([(true, "desk review", "authz-risk"), (false, "reviewed", "authz-risk")]);
    }

    [Fact]
    public async Task The_global_kill_switch_refuses_new_orders_on_every_account_at_once()
    {
        using var risk = As("authz-risk", Roles.Risk);
        try
        {
            var (engaged, state) = await Send(risk, HttpMethod.Post, "/v1/kill-switch", """{"engaged":true,"reason":"venue outage"}""");
            engaged.ShouldBe(HttpStatusCode.OK, state.ToString());
            (state.GetProperty("engaged").GetBoolean(), state.GetProperty("by").GetString()).ShouldBe((true, "authz-risk"));
            foreach (var account in new[] { Global1, Global2, Own })
            {
                var (refused, body) = await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order(account, $"global-{Guid.NewGuid():N}"));
                (refused, body.GetProperty("limit").GetString()).ShouldBe((HttpStatusCode.Conflict, "kill_switch"), account);
                Problem.DetailOf(body).ShouldContain("global kill switch");
            }
            var grpc = await Should.ThrowAsync<RpcException>(async () => await new Orders.OrdersClient(fixture.Grpc).SubmitAsync(new SubmitOrderRequest
                { ClientOrderId = $"global-{Guid.NewGuid():N}", Account = Global2, Symbol = "EURUSD", Side = OrderSide.Sell, Quantity = "1000" }));
            grpc.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
            (await Send(As("authz-viewer", Roles.Viewer), HttpMethod.Get, "/v1/kill-switch")).Body.GetProperty("engaged").GetBoolean().ShouldBeTrue();
            (await Send(fixture.Http, HttpMethod.Get, $"/v1/accounts/{Global1}")).Body.GetProperty("status").GetString().ShouldBe("halted");
        }
        finally
        {
            (await Send(risk, HttpMethod.Post, "/v1/kill-switch", """{"engaged":false,"reason":"venue back"}""")).Status.ShouldBe(HttpStatusCode.OK);
        }
        (await Send(fixture.Http, HttpMethod.Post, "/v1/orders", Order(Global2, $"after-{Guid.NewGuid():N}"))).Status.ShouldBe(HttpStatusCode.Created);
        var risky = (await Send(fixture.Http, HttpMethod.Get, "/v1/audit/risk?limit=1000")).Body.GetProperty("records").EnumerateArray()
            .Select(r => JsonDocument.Parse(r.GetProperty("payload").GetString()!).RootElement).TakeLast(2).ToList();
        risky.Select(r => (r.GetProperty("engaged").GetBoolean(), r.GetProperty("by").GetString())).ShouldBe([(true, "authz-risk"), (false, "authz-risk")]);
    }

    [Fact]
    public async Task Every_refusal_is_in_the_security_stream_with_the_principal_and_compliance_reads_it()
    {
        var subject = $"authz-audited-{Guid.NewGuid():N}";
        using var viewer = As(subject, Roles.Viewer, Own);
        (await Send(viewer, HttpMethod.Post, "/v1/orders", Order(Own, "viewer-order"))).Status.ShouldBe(HttpStatusCode.Forbidden);
        using var trader = As(subject + "-trader", Roles.Trader, Own);
        (await Send(trader, HttpMethod.Get, $"/v1/portfolio/{Other}")).Status.ShouldBe(HttpStatusCode.Forbidden);
        using var anonymous = TestTokens.Http(fixture.HttpAddress, null);
        (await Send(anonymous, HttpMethod.Get, "/v1/venues")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        using var expired = TestTokens.Http(fixture.HttpAddress, Expired(subject));
        (await Send(expired, HttpMethod.Get, "/v1/strategies")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var stranger = new TestTokens();
        using var foreign = TestTokens.Http(fixture.HttpAddress, stranger.Mint(subject, Roles.All, [Claims.AllAccounts]));
        (await Send(foreign, HttpMethod.Get, "/v1/models")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        File.Delete(stranger.KeyFile);
        using (var channel = TestTokens.Grpc(fixture.GrpcAddress, Expired(subject)))
            (await Should.ThrowAsync<RpcException>(async () => await new Strategies.StrategiesClient(channel).ListAsync(new ListStrategiesRequest())))
                .StatusCode.ShouldBe(StatusCode.Unauthenticated);

        List<JsonElement> records = [];
        await Until(async () =>
        {
            records = await SecurityRecordsAsync();
            return records.Any(r => r.GetProperty("principal").GetString() == subject) && records.Any(r => r.GetProperty("principal").GetString() == subject + "-trader")
                   && records.Any(r => Reason(r) == "the token has expired" && Route(r) == "/aitrading.v1.Strategies/List")
                   && records.Any(r => Reason(r) == "the token's signature does not verify" && Route(r) == "/v1/models");
        }, "the refusals to reach the security stream", () => string.Join("\n", records.TakeLast(40)));
        var role = records.Single(r => r.GetProperty("principal").GetString() == subject);
        (role.GetProperty("status").GetInt32(), Route(role), role.GetProperty("method").GetString()).ShouldBe((403, "/v1/orders", "POST"));
        role.GetProperty("roles").EnumerateArray().Select(x => x.GetString()).ShouldBe([Roles.Viewer]);
        Reason(role).ShouldStartWith("needs the role trader");
        var account = records.Single(r => r.GetProperty("principal").GetString() == subject + "-trader");
        (account.GetProperty("status").GetInt32(), account.GetProperty("account").GetString(), Route(account)).ShouldBe((403, Other, "/v1/portfolio/{account}"));
        var unauthenticated = records.Where(r => r.TryGetProperty("status", out var status) && status.GetInt32() == 401).ToList();
        unauthenticated.ShouldAllBe(r => r.GetProperty("principal").GetString() == Refusal.Anonymous && r.GetProperty("remote").GetString() == "127.0.0.1");

        (await Send(As("authz-compliance", Roles.Compliance), HttpMethod.Get, "/v1/audit/security?limit=1")).Status.ShouldBe(HttpStatusCode.OK);
        (await Send(trader, HttpMethod.Get, "/v1/audit/security?limit=1")).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_flood_of_refusals_is_counted_in_a_few_records_not_recorded_one_by_one()
    {
        const int requests = 120;
        var subject = $"authz-flood-{Guid.NewGuid():N}";
        using var viewer = As(subject, Roles.Viewer, Own);
        await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
            (await Send(viewer, HttpMethod.Post, "/v1/orders", Order(Own, $"flood-{i}"))).Status.ShouldBe(HttpStatusCode.Forbidden)));

        List<JsonElement> mine = [];
        await Until(async () =>
        {
            mine = (await SecurityRecordsAsync()).Where(r => r.GetProperty("principal").GetString() == subject).ToList();
            return mine.Sum(Count) == requests;
        }, $"the {requests} refusals of {subject} to be accounted for");
        mine.Count.ShouldBeLessThan(requests / 4, "refusals of one kind are summed up per window");
        mine.Where(r => r.TryGetProperty("count", out _)).ShouldAllBe(r => r.GetProperty("from").GetDateTimeOffset() <= r.GetProperty("to").GetDateTimeOffset());
    }

    /// <summary>Polls until the condition holds: refusals are audited in the background, after the answer.</summary>
    private static async Task Until(Func<Task<bool>> condition, string what, Func<string>? seen = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}{(seen is null ? "" : $"; last seen:\n{seen()}")}");
            await Task.Delay(200);
        }
    }

    /// <summary>A token of the product's key that expired an hour ago.</summary>
    private string Expired(string subject) =>
        new TokenIssuer(SigningKey.LoadOrCreate(fixture.Tokens.KeyFile), time: new ThreeHoursAgo()).Mint(subject, [Roles.Viewer], [], TimeSpan.FromHours(2));

    private sealed class ThreeHoursAgo : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddHours(-3);
    }

    private static long Count(JsonElement record) => record.TryGetProperty("count", out var count) ? count.GetInt64() : 1;
    private static string? Route(JsonElement record) => record.TryGetProperty("route", out var route) ? route.GetString() : null;
    private static string? Reason(JsonElement record) => record.TryGetProperty("reason", out var reason) ? reason.GetString() : null;

    /// <summary>The payloads of the whole "security" audit stream, read as compliance reads them.</summary>
    private async Task<List<JsonElement>> SecurityRecordsAsync()
    {
        using var compliance = As("authz-compliance", Roles.Compliance);
        var all = new List<JsonElement>();
        for (long from = 1; ; from += 1000)
        {
            var (status, page) = await Send(compliance, HttpMethod.Get, $"/v1/audit/security?from={from}&limit=1000");
            if (status == HttpStatusCode.NotFound) return all;
            var records = page.GetProperty("records").EnumerateArray().ToList();
            all.AddRange(records.Select(r => JsonDocument.Parse(r.GetProperty("payload").GetString()!).RootElement.Clone()));
            if (records.Count < 1000) return all;
        }
    }
}

/// <summary>The refusal tally alone: what a flood of refusals adds to the log, window by window.</summary>
public sealed class RefusalTallyTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Refusal Anonymous(string remote) => new(401, Refusal.Anonymous, [], remote, "GET", "/v1/orders/{**id}", "no bearer token");

    [Fact]
    public void The_first_refusal_of_a_kind_is_recorded_and_the_rest_are_summed_up_when_the_window_ends()
    {
        var tally = new RefusalTally(maxKinds: 10);
        tally.Add(Anonymous("10.0.0.1"), Start).ShouldBeTrue();
        for (var i = 1; i <= 99; i++) tally.Add(Anonymous("10.0.0.1"), Start.AddSeconds(i)).ShouldBeFalse();
        tally.Add(Anonymous("10.0.0.2"), Start).ShouldBeTrue("another address is another kind");

        var (repeated, untracked) = tally.Drain();
        var only = repeated.ShouldHaveSingleItem();
        (only.Refusal.Remote, only.Count, only.From, only.To).ShouldBe(("10.0.0.1", 99L, Start.AddSeconds(1), Start.AddSeconds(99)));
        untracked.ShouldBe(0);
        tally.Add(Anonymous("10.0.0.1"), Start.AddMinutes(2)).ShouldBeTrue("a new window records the kind again");
    }

    [Fact]
    public void Beyond_its_kinds_a_window_only_counts_so_the_log_stays_bounded()
    {
        var tally = new RefusalTally(maxKinds: 10);
        var recorded = Enumerable.Range(0, 10_000).Count(i => tally.Add(Anonymous($"10.0.{i / 256}.{i % 256}"), Start));
        recorded.ShouldBe(10);
        var (repeated, untracked) = tally.Drain();
        (repeated.Count, untracked).ShouldBe((0, 9_990L));
    }
}
