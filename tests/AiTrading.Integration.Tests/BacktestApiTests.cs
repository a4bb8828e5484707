using System.Net;
using System.Text.Json;
using AiTrading.Core.Tests;
using AiTrading.Core.Tests.Backtesting;
using Grpc.Core;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Integration.Tests;

/// <summary>Backtests through the gateway: gRPC BacktestService over a real socket to a BacktestGrain, and the HTTP reads.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BacktestApiTests(GatewayFixture fixture)
{
    private static readonly string Spec = File.ReadAllText(SharedData.Repository("examples/strategies/sma-cross-10-30.json"));

    private Proto.BacktestService.BacktestServiceClient Client => new(fixture.Grpc);

    private static Proto.RunBacktestRequest Request(string id) => new()
    {
        Id = id, SpecJson = Spec, Data = { new Proto.BacktestData { Symbol = "INDEX", Path = "2006-day-001.txt" } },
    };

    [Fact]
    public async Task A_run_streams_its_progress_and_serves_its_result_and_report()
    {
        var id = $"bt-{Guid.NewGuid():N}"[..20];
        var started = await Client.RunAsync(Request(id));
        started.Id.ShouldBe(id);

        var states = new List<string>();
        using (var call = Client.StreamProgress(new Proto.BacktestId { Id = id }))
            await foreach (var progress in call.ResponseStream.ReadAllAsync())
                states.Add(progress.State);
        states[^1].ShouldBe("COMPLETED");
        states.Take(states.Count - 1).ShouldAllBe(s => s == "RUNNING");

        var (trades, finalEquity) = SmaCrossReference.Run(SharedData.File("2006-day-001.txt"), 10, 30);
        var done = await Client.GetAsync(new Proto.BacktestId { Id = id });
        decimal.Parse(done.FinalEquity, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(finalEquity);
        done.Trades.ShouldBe(trades.Count);
        using (var result = JsonDocument.Parse(done.ResultJson))
            result.RootElement.GetProperty("trades")[0].GetProperty("entryPrice").GetDecimal().ShouldBe(trades[0].EntryPrice);

        using var http = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/v1/backtests/{id}"));
        http.RootElement.GetProperty("state").GetString().ShouldBe("COMPLETED");
        http.RootElement.GetProperty("result").GetProperty("finalEquity").GetDecimal().ShouldBe(finalEquity);
        var report = await fixture.Http.GetAsync($"/v1/backtests/{id}/report");
        report.StatusCode.ShouldBe(HttpStatusCode.OK);
        report.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await report.Content.ReadAsStringAsync()).ShouldContain("data:image/png;base64,");

        (await Client.RunAsync(Request(id))).State.ShouldBe("COMPLETED", "the same request again is the same run");
        var changed = Request(id);
        changed.Cash = "5000";
        var conflict = await Should.ThrowAsync<RpcException>(async () => await Client.RunAsync(changed));
        conflict.StatusCode.ShouldBe(StatusCode.AlreadyExists);
    }

    [Fact]
    public async Task A_run_starts_over_http_too()
    {
        var id = $"http-{Guid.NewGuid():N}"[..20];
        var body = $$"""{"id": "{{id}}", "spec": {{Spec[Spec.IndexOf('{')..]}}, "data": [{"symbol": "INDEX", "path": "2006-day-001.txt"}], "commission": "1/unit"}""";
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var started = await fixture.Http.PostAsync("/v1/backtests", content);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());

        JsonElement run = default;
        await Eventually(async () =>
        {
            run = JsonDocument.Parse(await fixture.Http.GetStringAsync($"/v1/backtests/{id}")).RootElement;
            return run.GetProperty("state").GetString() == "COMPLETED";
        });
        var orders = run.GetProperty("result").GetProperty("orders").GetArrayLength();
        run.GetProperty("result").GetProperty("commissions").GetDecimal().ShouldBe(orders * 1m);

        using var missing = new StringContent("""{"data": []}""", System.Text.Encoding.UTF8, "application/json");
        var bad = await fixture.Http.PostAsync("/v1/backtests", missing);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var text = await bad.Content.ReadAsStringAsync();
        text.ShouldContain("\"field\":\"id\"");
        text.ShouldContain("\"field\":\"spec\"");
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the backtest did not complete");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Bad_requests_name_every_problem_and_unknown_runs_are_not_found()
    {
        var request = Request($"bad-{Guid.NewGuid():N}"[..20]);
        request.Cash = "-1";
        request.Commission = "3/lot";
        request.Data.Add(new Proto.BacktestData { Symbol = "OTHER", Path = "../../etc/passwd" });
        var error = await Should.ThrowAsync<RpcException>(async () => await Client.RunAsync(request));
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain("commission: '3/lot' is not a commission term");
        error.Status.Detail.ShouldContain("cash: must be greater than 0 (got -1)");
        error.Status.Detail.ShouldContain("data[1]: path: '../../etc/passwd' is outside the backtest data directory");

        var badSpec = Request($"bad-{Guid.NewGuid():N}"[..20]);
        badSpec.SpecJson = Spec.Replace("\"timeframe\": \"D1\"", "\"timeframe\": \"M1\"");
        (await Should.ThrowAsync<RpcException>(async () => await Client.RunAsync(badSpec))).Status.Detail.ShouldContain("timeframe: 'M1' has no bars here (use D1)");

        var missing = Request($"bad-{Guid.NewGuid():N}"[..20]);
        missing.Data[0].Path = "nope.csv";
        (await Should.ThrowAsync<RpcException>(async () => await Client.RunAsync(missing))).Status.Detail.ShouldContain("nope.csv: the file does not exist");

        (await Should.ThrowAsync<RpcException>(async () => await Client.GetAsync(new Proto.BacktestId { Id = "never-ran" }))).StatusCode.ShouldBe(StatusCode.NotFound);
        (await fixture.Http.GetAsync("/v1/backtests/never-ran")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.Http.GetAsync("/v1/backtests/never-ran/report")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
