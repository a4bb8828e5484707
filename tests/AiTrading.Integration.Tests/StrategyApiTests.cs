using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTrading.Contracts.Grpc;
using AiTrading.Core.Tests;
using Grpc.Core;

namespace AiTrading.Integration.Tests;

/// <summary>Strategy submission and lifecycle through the gateway's HTTP and gRPC sockets.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StrategyApiTests(GatewayFixture fixture)
{
    private HttpClient Http => fixture.Http;
    private Strategies.StrategiesClient Grpc => new(fixture.Grpc);

    /// <summary>The shipped EURUSD example under another id (the fixture trades EURUSD and USDJPY).</summary>
    private static JsonObject Example(string id)
    {
        var text = File.ReadAllText(SharedData.Repository("examples/strategies/ema-trend-eurusd.json"));
        var spec = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        spec["id"] = id;
        return spec;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task Http_submits_the_example_idempotently_and_steers_its_lifecycle()
    {
        var spec = Example("http-ema").ToJsonString();
        var (created, body) = await Send(HttpMethod.Post, "/v1/strategies", spec);
        created.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("state").GetString().ShouldBe("running");
        body.GetProperty("spec").GetProperty("rules").GetProperty("entryLong").GetString().ShouldBe("cross_above(EMA_12, EMA_48) and RSI_14 < 70");
        var hash = body.GetProperty("specHash").GetString();

        var (again, duplicate) = await Send(HttpMethod.Post, "/v1/strategies", spec);
        (again, duplicate.GetProperty("duplicate").GetBoolean(), duplicate.GetProperty("specHash").GetString()).ShouldBe((HttpStatusCode.OK, true, hash));

        var (_, list) = await Send(HttpMethod.Get, "/v1/strategies");
        list.GetProperty("strategies").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldContain("http-ema");
        list.GetProperty("strategies").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ShouldContain("demo-eurusd");

        var (paused, pausedBody) = await Send(HttpMethod.Post, "/v1/strategies/http-ema/pause", """{"reason": "risk review"}""");
        (paused, pausedBody.GetProperty("state").GetString(), pausedBody.GetProperty("reason").GetString()).ShouldBe((HttpStatusCode.OK, "paused", "risk review"));
        (await Send(HttpMethod.Post, "/v1/strategies/http-ema/pause", """{"reason": "again"}""")).Body.GetProperty("reason").GetString().ShouldBe("risk review");
        (await Send(HttpMethod.Post, "/v1/strategies/http-ema/resume")).Body.GetProperty("state").GetString().ShouldBe("running");
        var (_, read) = await Send(HttpMethod.Get, "/v1/strategies/http-ema");
        read.GetProperty("lastEvent").GetProperty("message").GetString().ShouldBe("running");
        (await Send(HttpMethod.Post, "/v1/strategies/http-ema/stop")).Body.GetProperty("state").GetString().ShouldBe("stopped");

        var changed = Example("http-ema");
        changed["minConfidence"] = 0.8;
        var (conflict, conflictBody) = await Send(HttpMethod.Post, "/v1/strategies", changed.ToJsonString());
        (conflict, conflictBody.GetProperty("detail").GetString()).ShouldBe((HttpStatusCode.Conflict,
            "strategy 'http-ema' version 1 exists with different content; submit version 2 or higher to replace it"));
        changed["version"] = 2;
        (await Send(HttpMethod.Post, "/v1/strategies", changed.ToJsonString())).Status.ShouldBe(HttpStatusCode.Created);
        await Send(HttpMethod.Post, "/v1/strategies/http-ema/stop");
    }

    [Fact]
    public async Task A_strategy_trades_at_any_registered_venue_and_an_unknown_one_is_refused_naming_the_field()
    {
        var spec = Example("http-mt5");
        spec["venue"] = "mt5-none";
        var (created, body) = await Send(HttpMethod.Post, "/v1/strategies", spec.ToJsonString());
        created.ShouldBe(HttpStatusCode.Created, body.ToString());
        (body.GetProperty("state").GetString(), body.GetProperty("spec").GetProperty("venue").GetString()).ShouldBe(("running", "mt5-none"));
        await Send(HttpMethod.Post, "/v1/strategies/http-mt5/stop");

        spec = Example("http-lse");
        spec["venue"] = "lse";
        var (refused, problem) = await Send(HttpMethod.Post, "/v1/strategies", spec.ToJsonString());
        refused.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(problem).ShouldBe(["venue"]);
        (await Send(HttpMethod.Get, "/v1/strategies/http-lse")).Status.ShouldBe(HttpStatusCode.NotFound, "a refused spec stores nothing");
    }

    /// <summary>
    /// A strategy sends its order and goes on: while the terminal has accepted the order but not filled it, the
    /// strategy answers, keeps reading bars and sends no second order; the fill the terminal reports later is booked once.
    /// </summary>
    [Fact]
    public async Task A_strategy_order_working_at_a_terminal_is_booked_when_it_fills_and_sends_nothing_twice()
    {
        // No quote at the simulated terminal: it accepts market orders without filling them until told.
        await using var terminal = new Mt5TerminalSimulator(fixture.Mt5Bridge, "mt5-strat", GatewayFixture.Mt5Token, "EURUSD");
        ((string?)(await terminal.ConnectAsync())["type"]).ShouldBe("welcome");
        var (created, body) = await Send(HttpMethod.Post, "/v1/strategies", """
            {"id": "mt5-working", "account": "MT5-STRAT", "instruments": ["EURUSD"], "rules": {"entryLong": "close > 0", "exitLong": "close < 0"},
             "sizing": {"method": "fixed_quantity", "quantity": 1000}, "venue": "mt5-strat"}
            """);
        created.ShouldBe(HttpStatusCode.Created, body.ToString());
        var order = await terminal.WaitForAsync(m => (string?)m["type"] == "order");
        await Until(s => s.GetProperty("signals").GetInt64() == 1);
        var seen = (await Send(HttpMethod.Get, "/v1/strategies/mt5-working")).Body.GetProperty("barsSeen").GetInt64();
        var reading = await Until(s => s.GetProperty("barsSeen").GetInt64() >= seen + 2);
        (reading.GetProperty("ordersFilled").GetInt64(), reading.GetProperty("ordersRejected").GetInt64(), reading.GetProperty("signals").GetInt64())
            .ShouldBe((0L, 0L, 1L), "the order works at the terminal; bars are read, nothing more is sent");

        await terminal.SendAsync(new JsonObject
        {
            ["type"] = "execution", ["execId"] = "strat-1", ["orderId"] = (string)order["orderId"]!, ["kind"] = "fill", ["quantity"] = 1000m,
            ["price"] = 1.1m, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });
        var filled = await Until(s => s.GetProperty("ordersFilled").GetInt64() == 1);
        filled.GetProperty("holdings").GetProperty("EURUSD").GetProperty("quantity").GetDecimal().ShouldBe(1000m);
        filled.GetProperty("holdings").GetProperty("EURUSD").GetProperty("entryPrice").GetDecimal().ShouldBe(1.1m);
        terminal.Received.Count(m => (string?)m["type"] == "order").ShouldBe(1);
        await Send(HttpMethod.Post, "/v1/strategies/mt5-working/stop");
    }

    private async Task<JsonElement> Until(Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (_, strategy) = await Send(HttpMethod.Get, "/v1/strategies/mt5-working");
            if (condition(strategy)) return strategy;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the strategy did not get there: {strategy}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Http_answers_every_problem_of_a_spec_at_once()
    {
        var spec = Example("http-bad");
        spec["instruments"] = new JsonArray("EURUSD", "NOPE");
        spec["rules"]!["entryLong"] = "cross_above(EMA_12, EMA_99)";
        spec["sizing"]!["riskFraction"] = 2;
        spec["stopLoss"]!["kind"] = "pips";
        var (status, body) = await Send(HttpMethod.Post, "/v1/strategies", spec.ToJsonString());
        status.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(body).ShouldBe(["instruments[1]", "rules.entryLong", "sizing.riskFraction", "stopLoss.kind"]);
        body.GetProperty("errors")[1].GetProperty("message").GetString()!.ShouldStartWith("at column 21: unknown name 'EMA_99'");
        (await Send(HttpMethod.Get, "/v1/strategies/http-bad")).Status.ShouldBe(HttpStatusCode.NotFound, "a refused spec leaves no strategy");

        var invalidId = Example("no spaces allowed");
        invalidId["timeframe"] = "M60";
        var (idStatus, idBody) = await Send(HttpMethod.Post, "/v1/strategies", invalidId.ToJsonString());
        idStatus.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(idBody).ShouldBe(["id", "timeframe"]);
    }

    [Theory]
    [InlineData("{\"id\": \"x\", \"instrumnets\": []}", "body", "line 1, at $.instrumnets")]
    [InlineData("{\"id\": \"x\",\n \"version\": \"two\"}", "body", "line 2, at $.version")]
    [InlineData("not json", "body", "line 1")]
    [InlineData("", "body", "")]
    public async Task Http_refuses_malformed_json_naming_the_line(string json, string field, string where)
    {
        var (status, body) = await Send(HttpMethod.Post, "/v1/strategies", json);
        status.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(body).ShouldBe([field]);
        body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldStartWith(where);
    }

    [Fact]
    public async Task Http_lifecycle_errors_have_their_status()
    {
        (await Send(HttpMethod.Get, "/v1/strategies/nobody")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Post, "/v1/strategies/nobody/resume")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await Send(HttpMethod.Post, "/v1/strategies", Example("http-life").ToJsonString())).Status.ShouldBe(HttpStatusCode.Created);
        var (missingReason, body) = await Send(HttpMethod.Post, "/v1/strategies/http-life/pause", "{}");
        missingReason.ShouldBe(HttpStatusCode.BadRequest);
        Problem.FieldsOf(body).ShouldBe(["reason"]);
        (await Send(HttpMethod.Post, "/v1/strategies/http-life/resume")).Status.ShouldBe(HttpStatusCode.OK, "resuming a running strategy changes nothing");
        await Send(HttpMethod.Post, "/v1/strategies/http-life/stop");
        (await Send(HttpMethod.Post, "/v1/strategies/http-life/resume")).Status.ShouldBe(HttpStatusCode.Conflict);
    }

    private static StrategySpec GrpcSpec(string id) => new()
    {
        Id = id,
        Account = "GRPC-STRAT",
        Instruments = { "USDJPY" },
        Timeframe = "M1",
        Features = { new FeatureDefinition { Indicator = "SMA", Parameters = { ["period"] = 5 } }, new FeatureDefinition { Indicator = "SMA", Parameters = { ["period"] = 20 } } },
        Rules = new Rules { EntryLong = "cross_above(SMA_5, SMA_20)", ExitLong = "cross_below(SMA_5, SMA_20)" },
        Sizing = new Sizing { Method = "fixed_quantity", Quantity = "1000" },
        StopLoss = new ProtectiveExit { Kind = "percent", Value = 1 },
        Limits = new Limits { MaxOrdersPerMinute = 5 },
    };

    [Fact]
    public async Task Grpc_submits_gets_lists_and_streams_the_lifecycle()
    {
        var reply = await Grpc.SubmitAsync(GrpcSpec("grpc-sma"));
        (reply.State, reply.Version, reply.Duplicate).ShouldBe(("RUNNING", 1, false));
        JsonNode.Parse(reply.SpecJson)!["stopLoss"]!["value"]!.GetValue<double>().ShouldBe(1);
        (await Grpc.SubmitAsync(GrpcSpec("grpc-sma"))).Duplicate.ShouldBeTrue();
        (await Grpc.GetAsync(new StrategyRequest { Id = "grpc-sma" })).SpecHash.ShouldBe(reply.SpecHash);
        (await Grpc.ListAsync(new ListStrategiesRequest())).Strategies.Select(s => s.Id).ShouldContain("grpc-sma");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var events = Grpc.StreamEvents(new StrategyRequest { Id = "grpc-sma" }, cancellationToken: cts.Token);
        // The subscription is in place once the call has answered its headers.
        await events.ResponseHeadersAsync;
        (await Grpc.PauseAsync(new PauseStrategyRequest { Id = "grpc-sma", Reason = "end of day" })).State.ShouldBe("PAUSED");
        (await Grpc.ResumeAsync(new StrategyRequest { Id = "grpc-sma" })).State.ShouldBe("RUNNING");
        (await Grpc.StopAsync(new StrategyRequest { Id = "grpc-sma" })).State.ShouldBe("STOPPED");

        var lifecycle = new List<string>();
        await foreach (var e in events.ResponseStream.ReadAllAsync(cts.Token))
        {
            if (e.Kind != "lifecycle") continue;
            lifecycle.Add(e.Message);
            if (lifecycle.Count == 3) break;
        }
        lifecycle.ShouldBe(["paused: end of day", "running", "stopped: stopped on request"]);
    }

    public static TheoryData<string, StrategySpec, string> BadGrpcSpecs()
    {
        var data = new TheoryData<string, StrategySpec, string>();
        void Add(string name, Action<StrategySpec> change, string field)
        {
            var spec = GrpcSpec("grpc-bad-" + name);
            change(spec);
            data.Add(name, spec, field);
        }
        Add("quantity", s => s.Sizing.Quantity = "lots", "sizing.quantity: 'lots' is not a finite decimal number");
        Add("limit", s => s.Limits.MaxPosition = "NaN", "limits.maxPosition: 'NaN' is not a finite decimal number");
        Add("id", s => s.Id = "", "id: is required");
        Add("instrument", s => s.Instruments.Add("MARS"), "instruments[1]: unknown instrument 'MARS'");
        Add("rule", s => s.Rules.EntryLong = "SMA_5 >", "rules.entryLong: at column 8: the expression ends where a value is expected");
        Add("feature", s => s.Features[0].Parameters["period"] = 0, "features[0].parameters.period: SMA: period must be a whole number between 1 and 100000 (got 0)");
        Add("method", s => s.Sizing.Method = "all_in", "sizing.method: unknown method 'all_in'");
        Add("exit", s => s.StopLoss.Value = -1, "stopLoss.value: must be a percentage in (0, 100) (got -1)");
        Add("confidence", s => s.MinConfidence = 2, "minConfidence: must be between 0.5 and 1 (got 2)");
        Add("venue", s => s.Venue = "mt5", "venue: unknown venue 'mt5' (known: mt5-busy, ");
        Add("model", s => s.Models.Add(new ModelReference { Model = "oracle" }), "models[0].model: unknown model 'oracle'");
        Add("timeframe", s => s.Timeframe = "M60", "timeframe: 'M60' is written H1");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadGrpcSpecs))]
    public async Task Grpc_bad_specs_are_invalid_argument_naming_the_field(string name, StrategySpec spec, string expected)
    {
        var error = await Should.ThrowAsync<RpcException>(async () => await Grpc.SubmitAsync(spec));
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument, name);
        error.Status.Detail.ShouldContain(expected);
    }

    [Fact]
    public async Task Grpc_unknown_strategies_and_changed_specs_have_their_status()
    {
        (await Should.ThrowAsync<RpcException>(async () => await Grpc.GetAsync(new StrategyRequest { Id = "nobody" }))).StatusCode.ShouldBe(StatusCode.NotFound);
        (await Should.ThrowAsync<RpcException>(async () => await Grpc.GetAsync(new StrategyRequest()))).StatusCode.ShouldBe(StatusCode.InvalidArgument);
        (await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = Grpc.StreamEvents(new StrategyRequest { Id = "nobody" });
            await call.ResponseStream.MoveNext();
        })).StatusCode.ShouldBe(StatusCode.NotFound);

        await Grpc.SubmitAsync(GrpcSpec("grpc-conflict"));
        var changed = GrpcSpec("grpc-conflict");
        changed.Sizing.Quantity = "2000";
        (await Should.ThrowAsync<RpcException>(async () => await Grpc.SubmitAsync(changed))).StatusCode.ShouldBe(StatusCode.AlreadyExists);
        await Grpc.StopAsync(new StrategyRequest { Id = "grpc-conflict" });
        (await Should.ThrowAsync<RpcException>(async () => await Grpc.PauseAsync(new PauseStrategyRequest { Id = "grpc-conflict", Reason = "x" })))
            .StatusCode.ShouldBe(StatusCode.AlreadyExists);
    }
}
