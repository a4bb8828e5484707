using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AiTrading.Client;
using AiTrading.Contracts.Grpc;
using AiTrading.Core;
using AiTrading.Core.Tests;
using AiTrading.Grains.Tests;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using CoreSpec = AiTrading.Core.Strategies.StrategySpec;

namespace AiTrading.Integration.Tests;

/// <summary>The client package against the real gateway, a port that opens late, and a port that never answers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ClientTests(GatewayFixture fixture)
{
    private int GatewayPort => new Uri(fixture.GrpcAddress).Port;

    /// <summary>A client whose attempts <paramref name="attempts"/> sees; the most attempts, with pauses up to a second, outlast a slow start by far.</summary>
    private AiTradingClient Client(string address, Attempts attempts, int maxAttempts = 3, TimeSpan? deadline = null) =>
        new(new AiTradingClientOptions
        {
            Address = address,
            Token = fixture.Tokens.Superuser,
            Deadline = deadline ?? TimeSpan.FromSeconds(30),
            Retry = new RetryOptions { MaxAttempts = maxAttempts, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromSeconds(1) },
            Interceptors = { attempts },
        });

    [Fact]
    public async Task A_call_made_before_the_gateway_port_accepts_succeeds_once_it_does()
    {
        var attempts = new Attempts();
        await using var port = new LatePort();
        using var client = Client(port.Address, attempts, maxAttempts: RetryOptions.MostAttempts);

        var list = client.Strategies.ListAsync(new ListStrategiesRequest()).ResponseAsync;
        await Eventually.True(() => attempts.Count >= 2, "a second attempt after a refused connection");
        port.Open(GatewayPort);

        (await list).Strategies.Select(s => s.Id).ShouldContain("demo-eurusd");
        attempts.Methods.ShouldAllBe(m => m == "/aitrading.v1.Strategies/List");
    }

    [Fact]
    public async Task A_stream_opened_before_the_gateway_port_accepts_starts_once_it_does()
    {
        var attempts = new Attempts();
        await using var port = new LatePort();
        using var client = Client(port.Address, attempts, maxAttempts: RetryOptions.MostAttempts);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        using var quotes = client.MarketData.Subscribe(new SubscribeRequest { Symbols = { "EURUSD" } }, cancellationToken: cancel.Token);
        await Eventually.True(() => attempts.Count >= 2, "a second attempt after a refused connection");
        port.Open(GatewayPort);

        (await quotes.ResponseStream.MoveNext(cancel.Token)).ShouldBeTrue();
        quotes.ResponseStream.Current.Symbol.ShouldBe("EURUSD");
        attempts.Deadlines.ShouldAllBe(d => d == null, "a stream runs until cancelled");
    }

    [Fact]
    public async Task A_refusal_is_not_retried()
    {
        var attempts = new Attempts();
        using var client = Client(fixture.GrpcAddress, attempts);

        (await Should.ThrowAsync<RpcException>(async () => await client.Strategies.GetAsync(new StrategyRequest { Id = "nobody" }))).StatusCode.ShouldBe(StatusCode.NotFound);
        (await Should.ThrowAsync<RpcException>(async () => await client.Strategies.GetAsync(new StrategyRequest()))).StatusCode.ShouldBe(StatusCode.InvalidArgument);
        Should.Throw<RpcException>(() => client.Strategies.Get(new StrategyRequest { Id = "nobody" })).StatusCode.ShouldBe(StatusCode.NotFound);
        attempts.Count.ShouldBe(3);
    }

    [Fact]
    public async Task An_attempt_past_its_deadline_is_retried_for_reads_and_idempotent_writes_only()
    {
        using var silent = new SilentPort();
        var attempts = new Attempts();
        using var client = Client(silent.Address, attempts, maxAttempts: 3, deadline: TimeSpan.FromMilliseconds(300));

        (await Should.ThrowAsync<RpcException>(async () => await client.Strategies.ListAsync(new ListStrategiesRequest()))).StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        attempts.Take().Count.ShouldBe(3);
        Should.Throw<RpcException>(() => client.Strategies.List(new ListStrategiesRequest())).StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        attempts.Take().Count.ShouldBe(3);

        // An order submit is idempotent by its client order id: every attempt carries the same one.
        var order = new SubmitOrderRequest { ClientOrderId = "retry-1", Account = "DEMO", Symbol = "EURUSD", Side = OrderSide.Buy, Quantity = "1000" };
        (await Should.ThrowAsync<RpcException>(async () => await client.Orders.SubmitAsync(order))).StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        var submits = attempts.Take();
        submits.Count.ShouldBe(3);
        submits.ShouldAllBe(a => ((SubmitOrderRequest)a.Request).ClientOrderId == "retry-1");

        // Training twice would start two jobs: one attempt only.
        (await Should.ThrowAsync<RpcException>(async () => await client.Models.TrainAsync(new TrainModelRequest { Model = "m", Kind = "lightgbm" })))
            .StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        attempts.Take().Count.ShouldBe(1);

        // The caller's own deadline bounds every attempt together.
        (await Should.ThrowAsync<RpcException>(async () => await client.Strategies.ListAsync(new ListStrategiesRequest(), deadline: DateTime.UtcNow.AddMilliseconds(300))))
            .StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        attempts.Take().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Every_unary_attempt_carries_the_default_deadline_unless_the_caller_gives_one()
    {
        var attempts = new Attempts();
        using var client = Client(fixture.GrpcAddress, attempts, deadline: TimeSpan.FromMinutes(7));

        var before = DateTime.UtcNow;
        await client.Strategies.ListAsync(new ListStrategiesRequest());
        var after = DateTime.UtcNow;
        var own = DateTime.UtcNow.AddMinutes(20);
        await client.Strategies.GetAsync(new StrategyRequest { Id = "demo-eurusd" }, deadline: own);

        var deadlines = attempts.Deadlines.ToList();
        deadlines[0]!.Value.ShouldBeInRange(before.AddMinutes(7), after.AddMinutes(7));
        deadlines[1].ShouldBe(own);
    }

    [Fact]
    public async Task The_token_provider_is_asked_for_every_call()
    {
        var asked = 0;
        using var client = new AiTradingClient(new AiTradingClientOptions
        {
            Address = fixture.GrpcAddress,
            TokenProvider = _ => { Interlocked.Increment(ref asked); return Task.FromResult(fixture.Tokens.Superuser); },
        });
        await client.Strategies.ListAsync(new ListStrategiesRequest());
        await client.Orders.GetAsync(new GetOrderRequest { OrderId = "DEMO:none" }).ResponseAsync.ContinueWith(_ => { });
        asked.ShouldBe(2);
    }

    [Fact]
    public async Task Dependency_injection_gives_the_typed_clients_and_refuses_bad_options_by_name()
    {
        await using var services = new ServiceCollection()
            .AddAiTradingClient(o => { o.Address = fixture.GrpcAddress; o.Token = fixture.Tokens.Superuser; })
            .BuildServiceProvider();
        var strategies = services.GetRequiredService<Strategies.StrategiesClient>();
        (await strategies.GetAsync(new StrategyRequest { Id = "demo-eurusd" })).Id.ShouldBe("demo-eurusd");
        services.GetRequiredService<MarketData.MarketDataClient>().ShouldBeSameAs(services.GetRequiredService<AiTradingClient>().MarketData);

        var refused = Should.Throw<ValidationException>(() => new ServiceCollection().AddAiTradingClient(o =>
        {
            o.Address = "127.0.0.1:8001";
            o.Deadline = TimeSpan.Zero;
            o.Retry.MaxAttempts = 0;
            o.Retry.MaxBackoff = TimeSpan.FromMilliseconds(1);
        }));
        refused.Errors.Select(e => e.Field).ShouldBe(["Address", "Deadline", "Retry.MaxAttempts", "Retry.MaxBackoff"]);
    }

    [Fact]
    public void A_strategy_spec_file_reads_as_the_grpc_message()
    {
        var spec = ProtoJsonInput.ReadStrategySpec(SharedData.Repository("examples/strategies/ema-trend-eurusd.json"));
        (spec.Id, spec.Version, spec.Account, spec.Timeframe, spec.Venue).ShouldBe(("ema-trend-eurusd", 1, "DEMO", "M1", "paper"));
        spec.Instruments.ShouldBe(["EURUSD"]);
        spec.Features.Select(f => f.Indicator).ShouldBe(["EMA", "EMA", "RSI", "ATR"]);
        spec.Features[1].Parameters["period"].ShouldBe(48);
        spec.Models.Single().Model.ShouldBe("baseline-logistic");
        (spec.HasMinConfidence, spec.MinConfidence).ShouldBe((true, 0.7));
        spec.Rules.ExitLong.ShouldBe("cross_below(EMA_12, EMA_48) or bars_held >= 240");
        (spec.Sizing.Method, spec.Sizing.RiskFraction, spec.Sizing.VolatilityFeature, spec.Sizing.MaxQuantity, spec.Sizing.LotSize)
            .ShouldBe(("volatility_target", 0.005, "ATR_14", "500000", "1000"));
        spec.Sizing.HasQuantity.ShouldBeFalse();
        (spec.StopLoss.Kind, spec.StopLoss.Value, spec.StopLoss.Feature).ShouldBe(("atr", 2d, "ATR_14"));
        spec.TrailingStop.ShouldBeNull();
        (spec.Limits.MaxPosition, spec.Limits.MaxOrdersPerMinute, spec.Limits.HasMaxDailyLoss).ShouldBe(("500000", 10, false));

        var other = ProtoJsonInput.ReadStrategySpec(SharedData.Repository("examples/strategies/rsi-reversion-xauusd.json"));
        (other.Features[1].Output, other.Features[1].Name, other.Sizing.Notional, other.TrailingStop.Value).ShouldBe(("middle", "mid_band", "50000", 1d));
    }

    [Fact]
    public async Task A_spec_file_sent_over_grpc_arrives_as_the_http_api_reads_the_same_file()
    {
        var path = SharedData.Repository("examples/strategies/ema-trend-eurusd.json");
        var message = ProtoJsonInput.ReadStrategySpec(path);
        message.Id = "client-roundtrip";
        using var client = new AiTradingClient(fixture.GrpcAddress, fixture.Tokens.Superuser);
        var reply = await client.Strategies.SubmitAsync(message);
        await client.Strategies.StopAsync(new StrategyRequest { Id = "client-roundtrip" });

        var asHttpReadsIt = JsonInput.Parse<CoreSpec>(File.ReadAllText(path), path) with { Id = "client-roundtrip" };
        reply.SpecJson.ShouldBe(JsonSerializer.Serialize(asHttpReadsIt.Normalized(), JsonInput.Options));
    }

    [Theory]
    [InlineData("""{"id": "x", "instrumnets": []}""", "s.json: instrumnets: unknown field (known: id, version, account, instruments,")]
    [InlineData("""{"id": "a", "ID": "b"}""", "s.json: ID: given twice")]
    [InlineData("""{"rules": "buy low"}""", "s.json: rules: expected a JSON object (Rules)")]
    [InlineData("""{"sizing": {"lotsize": 1, "kellyCap": "lots"}}""", "s.json: ")]
    [InlineData("""{"features": [{"indicator": "EMA", "colour": 1}]}""", "s.json: features[0].colour: unknown field")]
    [InlineData("{\n\"id\": }", "s.json: line 2: not JSON")]
    [InlineData("[]", "s.json: the document: expected a JSON object (StrategySpec)")]
    public void A_malformed_spec_file_is_refused_naming_the_field(string json, string message)
    {
        Should.Throw<FormatException>(() => ProtoJsonInput.Parse<StrategySpec>(json, "s.json")).Message.ShouldStartWith(message);
    }

    [Fact]
    public void Field_names_match_in_any_case_and_decimals_may_be_numbers()
    {
        var spec = ProtoJsonInput.Parse<StrategySpec>("""{"ID": "x", "min_confidence": 0.5, "sizing": {"LotSize": 0.01, "max_quantity": "7"},}""", "s.json");
        (spec.Id, spec.MinConfidence, spec.Sizing.LotSize, spec.Sizing.MaxQuantity).ShouldBe(("x", 0.5, "0.01", "7"));
    }

    /// <summary>Each attempt as the channel saw it: method, request and deadline (an interceptor inside the retries).</summary>
    private sealed class Attempts : Interceptor
    {
        private readonly ConcurrentQueue<(string Method, object Request, DateTime? Deadline)> _seen = new();

        public int Count => _seen.Count;
        public IEnumerable<string> Methods => _seen.Select(a => a.Method);
        public IEnumerable<DateTime?> Deadlines => _seen.Select(a => a.Deadline);

        public List<(string Method, object Request, DateTime? Deadline)> Take()
        {
            var taken = new List<(string, object, DateTime?)>();
            while (_seen.TryDequeue(out var a)) taken.Add(a);
            return taken;
        }

        private void Seen<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context)
            where TRequest : class where TResponse : class =>
            _seen.Enqueue((context.Method.FullName, request, context.Options.Deadline));

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Seen(request, context);
            return continuation(request, context);
        }

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Seen(request, context);
            return continuation(request, context);
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
            ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            Seen(request, context);
            return continuation(request, context);
        }
    }

    /// <summary>A port that takes connections (the kernel's backlog) and never answers: every call on it runs into its deadline.</summary>
    private sealed class SilentPort : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public SilentPort() => _listener.Start(backlog: 64);

        public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public void Dispose() => _listener.Stop();
    }
}
