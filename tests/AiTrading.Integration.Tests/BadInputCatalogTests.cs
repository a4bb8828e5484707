using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AiTrading.Contracts;
using AiTrading.Core.Tests;
using Grpc.Core;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Integration.Tests;

/// <summary>
/// The bad-input catalog (docs/api-input-rules.md): each row sends one hostile request over a real socket and checks
/// the status, the field and reason of the answer, and that nothing changed: no order, no audit record or stream, no
/// strategy, backtest or model, the account's portfolio as it was.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputCatalogTests(GatewayFixture fixture)
{
    private const string Huge = "79228162514264337593543950335";

    /// <summary>One hostile HTTP request; <see cref="Account"/> and <see cref="Id"/> name what must not come to exist.</summary>
    public sealed record HttpRow(HttpMethod Method, string Path, string? Body, string? ContentType, HttpStatusCode Status, string? Field, string Reason,
        string Account, string? Id = null);

    private static string Order(string account, string fields = "\"quantity\":1000") =>
        $$"""{"clientOrderId":"c-1","account":"{{account}}","symbol":"EURUSD","side":"BUY",{{fields}}}""";

    private static readonly string Spec = File.ReadAllText(SharedData.Repository("examples/strategies/ema-trend-eurusd.json"));

    private static string StrategyWith(string id, Action<JsonObject> change)
    {
        var spec = JsonNode.Parse(Spec, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        spec["id"] = id;
        spec["account"] = "CAT-STRAT";
        change(spec);
        return spec.ToJsonString();
    }

    private static string Backtest(string id, string data, string extra = "") =>
        $$"""{"id":"{{id}}","spec":{{StrategyWith(id, s => { s["instruments"] = new JsonArray("INDEX"); s["timeframe"] = "D1"; })}},"data":{{data}}{{extra}}}""";

    private static string Files(int count, string path = "2006-day-001.txt") =>
        "[" + string.Join(",", Enumerable.Repeat($$"""{"symbol":"INDEX","path":"{{path}}"}""", count)) + "]";

    public static readonly IReadOnlyDictionary<string, HttpRow> HttpRows = new Dictionary<string, HttpRow>
    {
        ["text/plain order"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-1"), "text/plain", HttpStatusCode.UnsupportedMediaType, null, "'text/plain'", "CAT-1"),
        ["order without a content type"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-2"), null, HttpStatusCode.UnsupportedMediaType, null, "no content type", "CAT-2"),
        ["form-encoded order"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-3"), "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, null, "application/x-www-form-urlencoded", "CAT-3"),
        ["JSON in another charset"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-4"), "application/json; charset=iso-8859-1", HttpStatusCode.UnsupportedMediaType, null, "UTF-8", "CAT-4"),
        ["body over the cap"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-5", $"\"quantity\":1000,\"venue\":\"{new string('x', 300_000)}\""), "application/json",
            HttpStatusCode.RequestEntityTooLarge, null, "larger than 262144 bytes", "CAT-5"),
        ["malformed JSON"] = new(HttpMethod.Post, "/v1/orders", "{\"clientOrderId\":\"c-1\",", "application/json", HttpStatusCode.BadRequest, "body", "is not valid JSON", "CAT-6"),
        ["an array, not an object"] = new(HttpMethod.Post, "/v1/orders", "[1,2]", "application/json", HttpStatusCode.BadRequest, "body", "must be a JSON object", "CAT-7"),
        ["unknown field"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-8", "\"quantity\":1000,\"colour\":\"red\""), "application/json", HttpStatusCode.BadRequest, "body", "unknown field 'colour'", "CAT-8"),
        ["unknown bracket field"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-9", "\"quantity\":1000,\"bracket\":{\"stopLossPrice\":1.0,\"trailing\":1}"), "application/json",
            HttpStatusCode.BadRequest, "body", "unknown field 'trailing'", "CAT-9"),
        ["a field twice"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-10", "\"quantity\":1,\"quantity\":1000000"), "application/json", HttpStatusCode.BadRequest, "body", "Duplicate property 'quantity'", "CAT-10"),
        ["quantity at decimal's maximum"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-11", $"\"quantity\":{Huge}"), "application/json", HttpStatusCode.BadRequest, "quantity", "must be at most 1000000000000", "CAT-11"),
        ["quantity beyond decimal"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-12", "\"quantity\":1e40"), "application/json", HttpStatusCode.BadRequest, "quantity", "is not a finite decimal number", "CAT-12"),
        ["negative quantity"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-13", "\"quantity\":-5"), "application/json", HttpStatusCode.BadRequest, "quantity", "must be greater than 0 (got -5)", "CAT-13"),
        ["zero quantity"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-14", "\"quantity\":0"), "application/json", HttpStatusCode.BadRequest, "quantity", "must be greater than 0", "CAT-14"),
        ["NaN quantity"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-15", "\"quantity\":\"NaN\""), "application/json", HttpStatusCode.BadRequest, "quantity", "'NaN' is not a finite decimal number", "CAT-15"),
        ["Infinity quantity"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-16", "\"quantity\":\"-Infinity\""), "application/json", HttpStatusCode.BadRequest, "quantity", "is not a finite decimal number", "CAT-16"),
        ["quantity finer than 10 decimals"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-17", "\"quantity\":0.00000000001"), "application/json", HttpStatusCode.BadRequest, "quantity", "at most 10 decimal places", "CAT-17"),
        ["limit price overflow"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-18", $"\"quantity\":1000,\"type\":\"LIMIT\",\"limitPrice\":{Huge}"), "application/json",
            HttpStatusCode.BadRequest, "limitPrice", "must be at most 10000000000", "CAT-18"),
        ["stop price overflow"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-19", "\"quantity\":1000,\"type\":\"STOP\",\"stopPrice\":1e20"), "application/json",
            HttpStatusCode.BadRequest, "stopPrice", "must be at most 10000000000", "CAT-19"),
        ["bracket price overflow"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-20", $"\"quantity\":1000,\"bracket\":{{\"takeProfitPrice\":{Huge}}}"), "application/json",
            HttpStatusCode.BadRequest, "bracket.takeProfitPrice", "must be at most 10000000000", "CAT-20"),
        ["over-long client order id"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-21").Replace("\"c-1\"", $"\"{new string('c', 65)}\""), "application/json",
            HttpStatusCode.BadRequest, "clientOrderId", "at most 64 characters", "CAT-21"),
        ["over-long account"] = new(HttpMethod.Post, "/v1/orders", Order(new string('A', 65)), "application/json", HttpStatusCode.BadRequest, "account", "at most 64 characters", new string('A', 65)),
        ["over-long side, echoed short"] = new(HttpMethod.Post, "/v1/orders", Order("CAT-23").Replace("\"BUY\"", $"\"{new string('B', 5000)}\""), "application/json",
            HttpStatusCode.BadRequest, "side", "(5000 characters) is not a side", "CAT-23"),
        ["order replace with an unknown field"] = new(HttpMethod.Patch, "/v1/orders/CAT-24:c-1", """{"quantity":10,"price":1}""", "application/json",
            HttpStatusCode.BadRequest, "body", "unknown field 'price'", "CAT-24"),
        ["order replace as text/plain"] = new(HttpMethod.Patch, "/v1/orders/CAT-25:c-1", """{"quantity":10}""", "text/plain", HttpStatusCode.UnsupportedMediaType, null, "'text/plain'", "CAT-25"),
        ["strategy with too many instruments"] = new(HttpMethod.Post, "/v1/strategies",
            StrategyWith("cat-many", s => s["instruments"] = new JsonArray(Enumerable.Range(0, 101).Select(i => (JsonNode)$"SYM{i}").ToArray())), "application/json",
            HttpStatusCode.BadRequest, "instruments", "at most 100 instruments (got 101)", "CAT-STRAT", "cat-many"),
        ["strategy with an unknown field"] = new(HttpMethod.Post, "/v1/strategies", StrategyWith("cat-unknown", s => s["leverage"] = 100), "application/json",
            HttpStatusCode.BadRequest, "body", "unknown field 'leverage'", "CAT-STRAT", "cat-unknown"),
        ["strategy sizing overflow"] = new(HttpMethod.Post, "/v1/strategies",
            StrategyWith("cat-size", s => s["sizing"] = JsonNode.Parse($$"""{"method":"fixed_quantity","quantity":{{Huge}}}""")), "application/json",
            HttpStatusCode.BadRequest, "sizing.quantity", "must be at most 1000000000000", "CAT-STRAT", "cat-size"),
        ["strategy limit overflow"] = new(HttpMethod.Post, "/v1/strategies",
            StrategyWith("cat-limit", s => s["limits"] = JsonNode.Parse($$"""{"maxDailyLoss":{{Huge}}}""")), "application/json",
            HttpStatusCode.BadRequest, "limits.maxDailyLoss", "must be at most 1000000000000000", "CAT-STRAT", "cat-limit"),
        ["backtest with too many files"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-files", Files(17)), "application/json",
            HttpStatusCode.BadRequest, "data", "at most 16 files", "CAT-BT", "cat-files"),
        ["backtest path traversal"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-escape", Files(1, "../../etc/passwd")), "application/json",
            HttpStatusCode.BadRequest, "data[0]", "'../../etc/passwd' is outside the backtest data directory", "CAT-BT", "cat-escape"),
        ["backtest absolute path"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-absolute", Files(1, "/etc/passwd")), "application/json",
            HttpStatusCode.BadRequest, "data[0]", "must be relative to the backtest data directory", "CAT-BT", "cat-absolute"),
        ["backtest missing file"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-missing", Files(1, "nope/missing.csv")), "application/json",
            HttpStatusCode.BadRequest, "data[0]", "nope/missing.csv: the file does not exist", "CAT-BT", "cat-missing"),
        ["backtest file that is not data"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-readme", Files(1, "README.md")), "application/json",
            HttpStatusCode.BadRequest, "data[0]", "README.md: line 1, column 'Date': required column is missing", "CAT-BT", "cat-readme"),
        ["backtest cash overflow"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-cash", Files(1), $",\"cash\":{Huge}"), "application/json",
            HttpStatusCode.BadRequest, "cash", "must be at most 1000000000000000", "CAT-BT", "cat-cash"),
        ["backtest commission overflow"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-commission", Files(1), $",\"commission\":\"{Huge}/unit\""), "application/json",
            HttpStatusCode.BadRequest, "commission.perUnit", "must be at most 10000000000", "CAT-BT", "cat-commission"),
        ["backtest bps overflow"] = new(HttpMethod.Post, "/v1/backtests", Backtest("cat-bps", Files(1), ",\"spreadBps\":1e20"), "application/json",
            HttpStatusCode.BadRequest, "spreadBps", "must be between 0 and 10000", "CAT-BT", "cat-bps"),
    };

    public static IEnumerable<object[]> HttpRowNames => HttpRows.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(HttpRowNames))]
    public async Task Http_row(string name)
    {
        var row = HttpRows[name];
        var before = await SnapshotAsync(row.Account, row.Id);
        using var request = new HttpRequestMessage(row.Method, row.Path);
        if (row.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(row.Body));
            if (row.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(row.ContentType);
        }
        using var response = await fixture.Http.SendAsync(request);
        var error = await ErrorBody.ReadAsync(response);

        error.Status.ShouldBe(row.Status, error.Text);
        error.Says(row.Field, row.Reason).ShouldBeTrue($"expected {row.Field ?? "the reason"} to say \"{row.Reason}\"; got {error.Text}");
        error.Text.Length.ShouldBeLessThan(4_000, "an error answer stays short whatever the request held");
        error.Text.ShouldNotContain(SharedData.Directory, Case.Sensitive, "an error never shows where the server keeps its files");
        (await SnapshotAsync(row.Account, row.Id)).ShouldBe(before, "a refused request changes nothing");
    }

    [Fact]
    public async Task A_refused_replace_or_cancel_leaves_the_working_order_as_it_was()
    {
        var mid = await EurUsdMidAsync();
        using var placed = await fixture.Http.PostAsync("/v1/orders", Json(Order("CAT-WORK", $"\"quantity\":1000,\"type\":\"LIMIT\",\"limitPrice\":{Price(mid * 0.99m)}")));
        placed.StatusCode.ShouldBe(HttpStatusCode.Created, await placed.Content.ReadAsStringAsync());
        var before = await SnapshotAsync("CAT-WORK", null);
        var order = await fixture.Http.GetStringAsync("/v1/orders/CAT-WORK:c-1");

        using var overflow = await fixture.Http.PatchAsync("/v1/orders/CAT-WORK:c-1", Json($$"""{"quantity":{{Huge}},"limitPrice":{{Price(mid * 0.99m)}}}"""));
        (await ErrorBody.ReadAsync(overflow)).Says("quantity", "must be at most 1000000000000").ShouldBeTrue();
        using var price = await fixture.Http.PatchAsync("/v1/orders/CAT-WORK:c-1", Json($$"""{"quantity":1000,"limitPrice":1e12}"""));
        (await ErrorBody.ReadAsync(price)).Says("limitPrice", "must be at most 10000000000").ShouldBeTrue();
        using var reason = await fixture.Http.DeleteAsync($"/v1/orders/CAT-WORK:c-1?reason={new string('r', 501)}");
        var reasonError = await ErrorBody.ReadAsync(reason);
        (reasonError.Status, reasonError.Says("reason", "at most 500 characters")).ShouldBe((HttpStatusCode.BadRequest, true), reasonError.Text);

        var cancel = new Proto.Orders.OrdersClient(fixture.Grpc);
        var grpcReason = await Should.ThrowAsync<RpcException>(() => cancel.CancelAsync(new Proto.CancelOrderRequest { OrderId = "CAT-WORK:c-1", Reason = "why\u0007" }).ResponseAsync);
        (grpcReason.StatusCode, grpcReason.Status.Detail).ShouldBe((StatusCode.InvalidArgument, "reason: must not contain control characters"));

        (await fixture.Http.GetStringAsync("/v1/orders/CAT-WORK:c-1")).ShouldBe(order);
        (await SnapshotAsync("CAT-WORK", null)).ShouldBe(before);
        await fixture.Http.DeleteAsync("/v1/orders/CAT-WORK:c-1?reason=end%20of%20test");
    }

    [Fact]
    public async Task A_refused_pause_leaves_the_strategy_running()
    {
        using var submitted = await fixture.Http.PostAsync("/v1/strategies", Json(StrategyWith("cat-pause", _ => { })));
        submitted.StatusCode.ShouldBe(HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync());
        using var pause = await fixture.Http.PostAsync("/v1/strategies/cat-pause/pause", Json($$"""{"reason":"{{new string('p', 600)}}"}"""));
        (await ErrorBody.ReadAsync(pause)).Says("reason", "at most 500 characters (got 600)").ShouldBeTrue();
        using var unknown = await fixture.Http.PostAsync("/v1/strategies/cat-pause/pause", Json("""{"reason":"news","until":"tomorrow"}"""));
        (await ErrorBody.ReadAsync(unknown)).Says("body", "unknown field 'until'").ShouldBeTrue();
        (await fixture.Http.GetStringAsync("/v1/strategies/cat-pause")).ShouldContain("\"state\":\"running\"");
        await fixture.Http.PostAsync("/v1/strategies/cat-pause/stop", null);
    }

    /// <summary>One hostile gRPC order: the status is InvalidArgument and the detail names the field and the reason.</summary>
    public static readonly IReadOnlyDictionary<string, (Proto.SubmitOrderRequest Request, string Detail)> GrpcOrderRows =
        new Dictionary<string, (Proto.SubmitOrderRequest, string)>
        {
            ["quantity at decimal's maximum"] = (GrpcOrder("G-1", q => q.Quantity = Huge), "quantity: must be at most 1000000000000"),
            ["quantity beyond decimal"] = (GrpcOrder("G-2", q => q.Quantity = "1e40"), "quantity: '1e40' is not a finite decimal number"),
            ["negative quantity"] = (GrpcOrder("G-3", q => q.Quantity = "-5"), "quantity: must be greater than 0 (got -5)"),
            ["NaN quantity"] = (GrpcOrder("G-4", q => q.Quantity = "NaN"), "quantity: 'NaN' is not a finite decimal number"),
            ["limit price overflow"] = (GrpcOrder("G-5", q => { q.Type = Proto.OrderType.Limit; q.LimitPrice = Huge; }), "limitPrice: must be at most 10000000000"),
            ["bracket price overflow"] = (GrpcOrder("G-6", q => q.Bracket = new Proto.Bracket { StopLossPrice = "1e11" }), "bracket.stopLossPrice: must be at most 10000000000"),
            ["over-long client order id"] = (GrpcOrder("G-7", q => q.ClientOrderId = new string('c', 65)), "clientOrderId: must be at most 64 characters"),
            ["over-long account"] = (GrpcOrder(new string('G', 65), _ => { }), "account: must be at most 64 characters"),
        };

    private static Proto.SubmitOrderRequest GrpcOrder(string account, Action<Proto.SubmitOrderRequest> change)
    {
        var request = new Proto.SubmitOrderRequest { ClientOrderId = "c-1", Account = account, Symbol = "EURUSD", Side = Proto.OrderSide.Buy, Quantity = "1000" };
        change(request);
        return request;
    }

    public static IEnumerable<object[]> GrpcOrderRowNames => GrpcOrderRows.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(GrpcOrderRowNames))]
    public async Task Grpc_order_row(string name)
    {
        var (request, detail) = GrpcOrderRows[name];
        var before = await SnapshotAsync(request.Account, null);
        var error = await Should.ThrowAsync<RpcException>(() => new Proto.Orders.OrdersClient(fixture.Grpc).SubmitAsync(request).ResponseAsync);
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain(detail);
        (await SnapshotAsync(request.Account, null)).ShouldBe(before);
    }

    [Theory]
    [InlineData("lightgbm", "threads", 1_000, "options.threads: must be at most 64 (got 1000)")]
    [InlineData("lightgbm", "trees", 1_000_000, "options.trees: must be at most 10000 (got 1000000)")]
    [InlineData("lightgbm", "leaves", 100_000, "options.leaves: must be at most 4096")]
    [InlineData("lstm", "epochs", 5_000, "options.epochs: must be at most 1000 (got 5000)")]
    [InlineData("lstm", "hidden", 100_000, "options.hidden: must be at most 1024")]
    [InlineData("lstm", "window", 100_000, "options.window: must be at most 1024")]
    [InlineData("transformer", "layers", 64, "options.layers: must be at most 16")]
    [InlineData("cnn", "batchSize", 10_000_000, "options.batchSize: must be at most 65536")]
    public async Task Training_hyper_parameters_above_their_bound_are_refused(string kind, string option, double value, string detail)
    {
        var model = $"cat-{kind}-{option}".ToLowerInvariant();
        var before = await SnapshotAsync("CAT-ML", model);
        var request = new Proto.TrainModelRequest { Model = model, Kind = kind, Symbol = "ORCL", Timeframe = "D1", Horizon = 5, Options = { [option] = value } };
        for (var i = 0; i < 10; i++)
            request.Bars.Add(new Proto.TrainingBar { OpenTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i)), Open = 1, High = 1, Low = 1, Close = 1 });
        var error = await Should.ThrowAsync<RpcException>(() => new Proto.Models.ModelsClient(fixture.Grpc).TrainAsync(request).ResponseAsync);
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain(detail);
        (await SnapshotAsync("CAT-ML", model)).ShouldBe(before);
        (await fixture.Http.GetAsync($"/v1/models/{model}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Grpc_backtests_get_the_same_rules()
    {
        var client = new Proto.BacktestService.BacktestServiceClient(fixture.Grpc);
        var request = new Proto.RunBacktestRequest { Id = "cat-grpc-bt", SpecJson = File.ReadAllText(SharedData.Repository("examples/strategies/sma-cross-10-30.json")), Cash = Huge };
        for (var i = 0; i < 17; i++) request.Data.Add(new Proto.BacktestData { Symbol = "INDEX", Path = "../2006-day-001.txt" });
        var before = await SnapshotAsync("CAT-BT", "cat-grpc-bt");
        var error = await Should.ThrowAsync<RpcException>(() => client.RunAsync(request).ResponseAsync);
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain("cash: must be at most 1000000000000000");
        error.Status.Detail.ShouldContain("data: must name at most 16 files");
        (await SnapshotAsync("CAT-BT", "cat-grpc-bt")).ShouldBe(before);
    }

    /// <summary>
    /// What a refused request must leave as it was: the audit streams and the account's, the strategies, models and
    /// backtests that exist, the row's order (none) and the account's portfolio.
    /// </summary>
    private async Task<string> SnapshotAsync(string account, string? id)
    {
        var cluster = fixture.Cluster;
        var streams = await cluster.GetGrain<INameIndexGrain>(NameIndexes.AuditStreams).ListAsync();
        var audit = streams.Contains(account) ? await cluster.GetGrain<IAuditStreamGrain>(account).GetInfoAsync() : null;
        var strategies = await cluster.GetGrain<INameIndexGrain>(NameIndexes.Strategies).ListAsync();
        var models = await cluster.GetGrain<INameIndexGrain>(ModelNames.Index).ListAsync();
        var order = await cluster.GetGrain<IOrderGrain>(OrderView.IdFor(account, "c-1")).GetAsync();
        var orderOverHttp = (await fixture.Http.GetAsync($"/v1/orders/{account}:c-1")).StatusCode;
        var backtest = id is null ? null : await cluster.GetGrain<IBacktestGrain>(id).GetAsync();
        // An account nobody opened has no portfolio to value; that it stays unopened is part of "nothing changed".
        var opened = await cluster.GetGrain<IAccountGrain>(account).GetAsync() is not null;
        var valuation = opened ? await cluster.GetGrain<IPortfolioGrain>(account).GetValuationAsync() : null;
        return string.Join(" | ", string.Join(",", streams), audit, string.Join(",", strategies), string.Join(",", models), order?.Status, orderOverHttp,
            backtest?.State, opened, valuation?.Cash, valuation?.Positions.Count, valuation?.RealizedPnl);
    }

    private async Task<decimal> EurUsdMidAsync()
    {
        var quote = System.Text.Json.JsonDocument.Parse(await fixture.Http.GetStringAsync("/v1/instruments/EURUSD?bars=0")).RootElement.GetProperty("quote");
        return Math.Round((quote.GetProperty("bid").GetDecimal() + quote.GetProperty("ask").GetDecimal()) / 2, 5);
    }

    private static string Price(decimal value) => value.ToString("0.00000", System.Globalization.CultureInfo.InvariantCulture);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
