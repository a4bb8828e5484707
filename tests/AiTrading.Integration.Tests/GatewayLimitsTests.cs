using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core.Tests;
using AiTrading.Gateway;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Proto = AiTrading.Contracts.Grpc;

using AiTrading.Grains.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>
/// The product with low limits, so they can be reached: 5 order writes per caller, 3 failed MT5 handshakes per
/// address, one backtest and one training job per caller at once, 100 bars a run, results kept for 2 seconds, and
/// backtest data in a folder of the test's own (with a malformed file and a link out of it).
/// </summary>
public sealed class StrictGatewayFixture : GatewayFixture
{
    public const string SecretCell = "SECRET-CELL-TEXT";

    public static readonly string DataDirectory = CreateDataDirectory();

    protected override IReadOnlyDictionary<string, string?> ExtraConfiguration { get; } = new Dictionary<string, string?>
    {
        ["Gateway:RateLimits:Orders:PermitLimit"] = "5",
        ["Gateway:RateLimits:Orders:WindowSeconds"] = "3600",
        ["Gateway:Mt5Bridge:MaxHandshakeFailures"] = "3",
        ["Gateway:Mt5Bridge:HandshakeBackoffSeconds"] = "3600",
        ["Backtests:DataDirectory"] = DataDirectory,
        ["Backtests:MaxBars"] = "100",
        ["Backtests:MaxConcurrentRuns"] = "1",
        ["Backtests:ResultRetention"] = "00:00:02",
        ["Models:MaxConcurrentJobs"] = "1",
    };

    /// <summary>small.csv (60 daily bars), all.csv (255), bad-row.csv (line 3 malformed), outside.csv (a link out).</summary>
    private static string CreateDataDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("aitrading-limits-").FullName;
        var lines = File.ReadAllLines(SharedData.File("2006-day-001.txt"));
        File.WriteAllLines(Path.Combine(directory, "small.csv"), lines.Take(61));
        File.WriteAllLines(Path.Combine(directory, "all.csv"), lines);
        var bad = lines.Take(5).ToArray();
        var cells = bad[2].Split(',');
        cells[1] = SecretCell;
        bad[2] = string.Join(',', cells);
        File.WriteAllLines(Path.Combine(directory, "bad-row.csv"), bad);
        File.CreateSymbolicLink(Path.Combine(directory, "outside.csv"), SharedData.File("2006-day-001.txt"));
        return directory;
    }
}

public sealed class GatewayLimitsTests(StrictGatewayFixture fixture) : IClassFixture<StrictGatewayFixture>
{
    private static readonly string Spec = File.ReadAllText(SharedData.Repository("examples/strategies/sma-cross-10-30.json"));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Backtest(string id, string path) =>
        $$"""{"id":"{{id}}","spec":{{Spec[Spec.IndexOf('{')..]}},"data":[{"symbol":"INDEX","path":"{{path}}"}]}""";


    [Fact]
    public async Task Order_writes_over_the_callers_limit_answer_429_over_http_and_resource_exhausted_over_grpc()
    {
        for (var i = 1; i <= 5; i++)
        {
            using var placed = await fixture.Http.PostAsync("/v1/orders", Json($$"""{"clientOrderId":"r-{{i}}","account":"LIMITED","symbol":"EURUSD","side":"BUY","quantity":1000}"""));
            placed.StatusCode.ShouldBe(HttpStatusCode.Created, await placed.Content.ReadAsStringAsync());
        }
        using var limited = await fixture.Http.PostAsync("/v1/orders", Json("""{"clientOrderId":"r-6","account":"LIMITED","symbol":"EURUSD","side":"BUY","quantity":1000}"""));
        var error = await ErrorBody.ReadAsync(limited);
        error.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        int.Parse(limited.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThan(0);
        error.Says(null, "at most 5 'orders' requests per 3600 s per caller").ShouldBeTrue(error.Text);
        (await fixture.Http.GetAsync("/v1/orders/LIMITED:r-6")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "a limited request changes nothing");
        (await fixture.Http.GetAsync("/v1/portfolio/LIMITED")).StatusCode.ShouldBe(HttpStatusCode.OK, "reads have a limit of their own");

        var grpc = await Should.ThrowAsync<RpcException>(() => new Proto.Orders.OrdersClient(fixture.Grpc).SubmitAsync(new Proto.SubmitOrderRequest
        {
            ClientOrderId = "r-7", Account = "LIMITED", Symbol = "EURUSD", Side = Proto.OrderSide.Buy, Quantity = "1000",
        }).ResponseAsync);
        grpc.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        grpc.Status.Detail.ShouldContain("'orders' requests");
        (await fixture.Http.GetAsync("/v1/orders/LIMITED:r-7")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await new Proto.Orders.OrdersClient(fixture.Grpc).GetAsync(new Proto.GetOrderRequest { OrderId = "LIMITED:r-1" })).Status.ShouldBe("FILLED");
    }

    [Fact]
    public async Task Failed_mt5_handshakes_from_an_address_are_refused_for_a_while_before_the_upgrade()
    {
        for (var i = 0; i < 3; i++)
        {
            await using var terminal = new Mt5TerminalSimulator(fixture.Mt5Bridge, "mt5-hello", GatewayFixture.Mt5Token, "GBPUSD");
            ((string?)(await terminal.ConnectAsync(withToken: "not-the-token-at-all"))["code"]).ShouldBe("unauthorized");
        }
        using var blocked = new ClientWebSocket();
        blocked.Options.CollectHttpResponseDetails = true;
        await Should.ThrowAsync<WebSocketException>(() => blocked.ConnectAsync(fixture.Mt5Bridge, CancellationToken.None));
        blocked.HttpStatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        int.Parse(blocked.HttpResponseHeaders!["Retry-After"].Single()).ShouldBeGreaterThan(3000);

        // Even the right token waits out the back-off.
        await using var right = new Mt5TerminalSimulator(fixture.Mt5Bridge, "mt5-hello", GatewayFixture.Mt5Token, "GBPUSD");
        await Should.ThrowAsync<WebSocketException>(() => right.ConnectAsync());
    }

    [Fact]
    public async Task A_callers_second_backtest_waits_for_its_first_and_a_second_training_job_likewise()
    {
        // A run in progress holds the caller's slot, as here the test does.
        var backtests = fixture.Cluster.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Backtests, TestTokens.SuperuserName));
        (await backtests.TryAcquireAsync("running-elsewhere", 1, TimeSpan.FromMinutes(10))).ShouldBeTrue();
        using var refused = await fixture.Http.PostAsync("/v1/backtests", Json(Backtest("limit-bt", "small.csv")));
        var error = await ErrorBody.ReadAsync(refused);
        error.Status.ShouldBe(HttpStatusCode.TooManyRequests, error.Text);
        error.Says(null, $"'{TestTokens.SuperuserName}' already has 1 backtest(s) running").ShouldBeTrue(error.Text);
        (await fixture.Http.GetAsync("/v1/backtests/limit-bt")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var grpc = await Should.ThrowAsync<RpcException>(() => new Proto.BacktestService.BacktestServiceClient(fixture.Grpc).RunAsync(new Proto.RunBacktestRequest
        {
            Id = "limit-bt", SpecJson = Spec, Data = { new Proto.BacktestData { Symbol = "INDEX", Path = "small.csv" } },
        }).ResponseAsync);
        grpc.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        (await backtests.GetHoldersAsync()).ShouldBe(["running-elsewhere"], "a refused run holds no slot");
        await backtests.ReleaseAsync("running-elsewhere");
        using var started = await fixture.Http.PostAsync("/v1/backtests", Json(Backtest("limit-bt", "small.csv")));
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        await Eventually.True(async () => (await backtests.GetHoldersAsync()).Count == 0, "the finished run to give its slot back");

        var training = fixture.Cluster.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Training, TestTokens.SuperuserName));
        (await training.TryAcquireAsync("training-elsewhere", 1, TimeSpan.FromMinutes(10))).ShouldBeTrue();
        var request = new Proto.TrainModelRequest { Model = "limit-model", Kind = "lightgbm", Symbol = "INDEX", Timeframe = "D1", Horizon = 5 };
        for (var i = 0; i < 10; i++)
            request.Bars.Add(new Proto.TrainingBar { OpenTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i)), Open = 1, High = 1, Low = 1, Close = 1 });
        var train = await Should.ThrowAsync<RpcException>(() => new Proto.Models.ModelsClient(fixture.Grpc).TrainAsync(request).ResponseAsync);
        (train.StatusCode, train.Status.Detail).ShouldBe((StatusCode.ResourceExhausted,
            $"'{TestTokens.SuperuserName}' already has 1 training job(s) running, the most at once (Models:MaxConcurrentJobs); start this one when one of them has ended"));
        (await fixture.Http.GetAsync("/v1/models/limit-model")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await training.ReleaseAsync("training-elsewhere");
    }

    [Fact]
    public async Task A_finished_runs_result_and_report_expire_after_the_retention_and_its_id_can_be_used_again()
    {
        using var started = await fixture.Http.PostAsync("/v1/backtests", Json(Backtest("expiring", "small.csv")));
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        HttpResponseMessage? gone = null;
        await Eventually.True(async () =>
        {
            gone?.Dispose();
            gone = await fixture.Http.GetAsync("/v1/backtests/expiring");
            gone.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.Gone);
            return gone.StatusCode == HttpStatusCode.Gone;
        }, "the result to expire");
        var error = await ErrorBody.ReadAsync(gone!);
        error.Says(null, "backtest 'expiring' expired: the run ended at").ShouldBeTrue(error.Text);
        error.Says(null, "Backtests:ResultRetention").ShouldBeTrue(error.Text);
        (await fixture.Http.GetAsync("/v1/backtests/expiring/report")).StatusCode.ShouldBe(HttpStatusCode.Gone);
        var grpc = await Should.ThrowAsync<RpcException>(() => new Proto.BacktestService.BacktestServiceClient(fixture.Grpc).GetAsync(new Proto.BacktestId { Id = "expiring" }).ResponseAsync);
        (grpc.StatusCode, grpc.Status.Detail.Contains("expired")).ShouldBe((StatusCode.NotFound, true));

        using var again = await fixture.Http.PostAsync("/v1/backtests", Json(Backtest("expiring", "small.csv")));
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted, "a new run under the expired one's id");
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString().ShouldBeOneOf("RUNNING", "COMPLETED");
        var slots = fixture.Cluster.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Backtests, TestTokens.SuperuserName));
        await Eventually.True(async () => (await slots.GetHoldersAsync()).Count == 0, "the second run to end and give its slot back");
    }

    [Theory]
    [InlineData("bad-row.csv", "bad-row.csv: line 3, column 'Open': not a number")]
    [InlineData("all.csv", "all.csv: has more than 100 rows, more than the run may read")]
    [InlineData("outside.csv", "'outside.csv' links to a file outside the backtest data directory")]
    [InlineData("sub/../../escape.csv", "is outside the backtest data directory")]
    public async Task Data_file_errors_name_the_file_as_given_and_never_its_content_or_the_servers_path(string path, string reason)
    {
        using var refused = await fixture.Http.PostAsync("/v1/backtests", Json(Backtest($"files-{path.Replace('/', '-')}", path)));
        var error = await ErrorBody.ReadAsync(refused);
        error.Status.ShouldBe(HttpStatusCode.BadRequest, error.Text);
        error.Says("data[0]", reason).ShouldBeTrue(error.Text);
        error.Text.ShouldNotContain(StrictGatewayFixture.SecretCell);
        error.Text.ShouldNotContain(StrictGatewayFixture.DataDirectory);
        error.Text.ShouldNotContain(SharedData.Directory);
        (await fixture.Cluster.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Backtests, TestTokens.SuperuserName)).GetHoldersAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Bad_limits_stop_the_gateway_at_start_naming_each_setting()
    {
        await using var app = Hosting.BuildEmbedded(new HostSettings
        {
            Symbols = ["EURUSD"],
            Demo = false,
            Gateway = new GatewayOptions { HttpPort = GatewayFixture.FreePort(), GrpcPort = GatewayFixture.FreePort() },
            SiloPort = GatewayFixture.FreePort(),
            SiloGatewayPort = GatewayFixture.FreePort(),
            Configuration = new Dictionary<string, string?>
            {
                ["Gateway:RateLimits:Orders:PermitLimit"] = "0",
                ["Gateway:Mt5Bridge:FutureTickToleranceSeconds"] = "-1",
                ["Backtests:MaxConcurrentRuns"] = "0",
                ["Backtests:ResultRetention"] = "00:00:00",
                ["Models:MaxConcurrentJobs"] = "0",
            },
        });
        var error = await Should.ThrowAsync<Exception>(() => app.StartAsync());
        var failures = (error is AggregateException all ? all.InnerExceptions : [error]).OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        failures.ShouldContain("Gateway:RateLimits:Orders:PermitLimit: must be between 1 and 10000000 (got 0)");
        failures.ShouldContain("Gateway:Mt5Bridge:FutureTickToleranceSeconds: must be between 0 and 3600 (got -1)");
        failures.ShouldContain("Backtests:MaxConcurrentRuns: must be between 1 and 1000 (got 0)");
        failures.ShouldContain("Backtests:ResultRetention: must be between 1 second and 3650 days (got 00:00:00)");
        failures.ShouldContain("Models:MaxConcurrentJobs: must be between 1 and 1000 (got 0)");
    }
}
