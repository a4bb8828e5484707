using System.Net;
using System.Text.Json;
using AiTrading.Connectors.Feeds;
using AiTrading.Core.Tests;
using AiTrading.Grains.Tests;
using AiTrading.ML;
using Externalscaler;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using AiTrading.Gateway.Scaling;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Integration.Tests;

/// <summary>The embedded product with the KEDA scaler's listener open (on a free port of its own).</summary>
public sealed class ScalerFixture : GatewayFixture
{
    public int ScalerPort { get; } = FreePort();

    protected override IReadOnlyDictionary<string, string?> ExtraConfiguration => new Dictionary<string, string?>
    {
        ["Gateway:Scaler:Port"] = $"{ScalerPort}",
        ["Gateway:Scaler:PollPeriod"] = "00:00:00.100",
        ["Gateway:Scaler:RepeatPeriod"] = "00:00:01",
    };

    /// <summary>What KEDA has: an h2c channel and no token.</summary>
    public GrpcChannel ScalerChannel() => GrpcChannel.ForAddress($"http://127.0.0.1:{ScalerPort}");
}

/// <summary>KEDA's calls over a real socket to the gateway's scaler listener, with backlog the product's own API starts.</summary>
public sealed class ScalerTests(ScalerFixture fixture) : IClassFixture<ScalerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = fixture.ScalerChannel();
    private ExternalScaler.ExternalScalerClient Scaler => new(_channel);
    private Proto.Models.ModelsClient Models => new(fixture.Grpc);

    public void Dispose() => _channel.Dispose();

    private static ScaledObjectRef Ref(string pool, string perSilo = "2") =>
        new() { Name = $"aitrading-{pool}-silos", Namespace = "trading", ScalerMetadata = { ["pool"] = pool, ["backlogPerSilo"] = perSilo } };

    private async Task<double> MetricAsync(string pool)
    {
        var reply = await Scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = Ref(pool), MetricName = $"aitrading-{pool}-backlog" });
        var value = reply.MetricValues.Single();
        value.MetricName.ShouldBe($"aitrading-{pool}-backlog");
        value.MetricValue_.ShouldBe((long)value.MetricValueFloat);
        return value.MetricValueFloat;
    }

    private static Proto.TrainModelRequest Training(string model, string kind, string option, int value)
    {
        var request = new Proto.TrainModelRequest { Model = model, Kind = kind, Symbol = "ORCL", Timeframe = "D1", Horizon = 5, Options = { [option] = value } };
        foreach (var b in new CsvBarFile(SharedData.File("orcl-1995-2014.txt")).Read())
            request.Bars.Add(new Proto.TrainingBar { OpenTime = Timestamp.FromDateTimeOffset(b.OpenTime), Open = b.Open, High = b.High, Low = b.Low, Close = b.Close, Volume = b.Volume });
        return request;
    }

    /// <summary>Cancels the model's training when the test ends, however it ends, so the next test starts from an empty backlog.</summary>
    private AsyncCancel Cancelling(string model) => new(async () =>
    {
        try { await Models.CancelAsync(new Proto.ModelRequest { Model = model }); }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists) { } // ended already
        await Eventually.True(async () => await MetricAsync("cpu") + await MetricAsync("gpu") == 0, $"{model}'s training to leave the backlog");
    });

    private sealed class AsyncCancel(Func<Task> cancel) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await cancel();
    }

    /// <summary>Reads the stream until it says <paramref name="active"/> (an unchanged answer may be repeated meanwhile).</summary>
    private static async Task PushedAsync(IAsyncStreamReader<IsActiveResponse> stream, bool active)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        do (await stream.MoveNext(timeout.Token)).ShouldBeTrue("the stream stays open");
        while (stream.Current.Result != active);
    }

    [Fact]
    public async Task The_gpu_metric_follows_a_network_training_job_up_and_down_and_the_stream_pushes_each_change()
    {
        (await Scaler.GetMetricSpecAsync(Ref("gpu", "3"))).MetricSpecs.Single()
            .ShouldSatisfyAllConditions(s => s.MetricName.ShouldBe("aitrading-gpu-backlog"), s => s.TargetSize.ShouldBe(3), s => s.TargetSizeFloat.ShouldBe(3));
        (await MetricAsync("gpu")).ShouldBe(0);
        (await Scaler.IsActiveAsync(Ref("gpu"))).Result.ShouldBeFalse();

        using var watching = new CancellationTokenSource();
        using var stream = Scaler.StreamIsActive(Ref("gpu"), cancellationToken: watching.Token);
        (await stream.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeTrue();
        stream.ResponseStream.Current.Result.ShouldBeFalse("the stream answers at once");

        // A network job on this CPU-only silo (Models:WithoutGpu=Cpu): it counts for the GPU pool all the same.
        (await Models.TrainAsync(Training("scaler-lstm", "lstm", "epochs", 1000))).State.ShouldBe("running");
        await using var _ = Cancelling("scaler-lstm");
        (await MetricAsync("gpu")).ShouldBe(1);
        (await MetricAsync("cpu")).ShouldBe(0, "a network job is not the CPU pool's");
        (await Scaler.IsActiveAsync(Ref("gpu"))).Result.ShouldBeTrue();
        await PushedAsync(stream.ResponseStream, active: true);

        await Models.CancelAsync(new Proto.ModelRequest { Model = "scaler-lstm" });
        await PushedAsync(stream.ResponseStream, active: false);
        (await MetricAsync("gpu")).ShouldBe(0);
        (await Scaler.IsActiveAsync(Ref("gpu"))).Result.ShouldBeFalse();
        (await Models.GetJobAsync(new Proto.ModelRequest { Model = "scaler-lstm" })).State.ShouldBe("cancelled");

        await watching.CancelAsync();
        (await Should.ThrowAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None))).StatusCode.ShouldBe(StatusCode.Cancelled);
    }

    [Fact]
    public async Task An_unchanged_answer_is_repeated_each_repeat_period_so_the_stream_shows_it_is_alive()
    {
        using var stream = Scaler.StreamIsActive(Ref("cpu"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 3; i++)
        {
            (await stream.ResponseStream.MoveNext(timeout.Token)).ShouldBeTrue();
            stream.ResponseStream.Current.Result.ShouldBeFalse();
        }
    }

    [Fact]
    public async Task The_cpu_metric_counts_tree_training_and_backtests_until_they_end()
    {
        (await MetricAsync("cpu")).ShouldBe(0);
        (await Models.TrainAsync(Training("scaler-trees", "lightgbm", "trees", 3000))).State.ShouldBe("running");
        await using var _ = Cancelling("scaler-trees");
        (await MetricAsync("cpu")).ShouldBe(1);
        (await Scaler.IsActiveAsync(Ref("cpu"))).Result.ShouldBeTrue();
        (await MetricAsync("gpu")).ShouldBe(0, "a tree job is not the GPU pool's");

        var spec = File.ReadAllText(SharedData.Repository("examples/strategies/sma-cross-10-30.json"));
        var runs = Enumerable.Range(0, 2).Select(i => $"scaler-{i}-{Guid.NewGuid():N}"[..20]).ToList();
        foreach (var id in runs)
        {
            var body = $$"""{"id": "{{id}}", "spec": {{spec[spec.IndexOf('{')..]}}, "data": [{"symbol": "INDEX", "path": "2006-day-001.txt"}]}""";
            using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            var started = await fixture.Http.PostAsync("/v1/backtests", content);
            started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        }
        foreach (var id in runs)
            await Eventually.True(async () => JsonDocument.Parse(await fixture.Http.GetStringAsync($"/v1/backtests/{id}")).RootElement.GetProperty("state").GetString() == "COMPLETED",
                $"backtest {id} to complete");
        await Eventually.True(async () =>
        {
            var training = (await Models.GetJobAsync(new Proto.ModelRequest { Model = "scaler-trees" })).State == "running" ? 1 : 0;
            return await MetricAsync("cpu") == training;
        }, "the finished backtests to leave the CPU backlog, the training to stay while it runs");

        await Models.CancelAsync(new Proto.ModelRequest { Model = "scaler-trees" });
        await Eventually.True(async () => await MetricAsync("cpu") == 0, "the cancelled training to leave the CPU backlog");
        (await Scaler.IsActiveAsync(Ref("cpu"))).Result.ShouldBeFalse();
    }

    [Fact]
    public async Task Network_inference_calls_waiting_count_for_the_gpu_pool_while_they_last()
    {
        var request = Training("scaler-lstm-served", "lstm", "epochs", 1);
        (request.Options["window"], request.Options["hidden"], request.Folds) = (4, 8, 2);
        await Models.TrainAsync(request);
        await Eventually.True(async () => (await Models.GetJobAsync(new Proto.ModelRequest { Model = "scaler-lstm-served" })).State != "running", "the small network to train");
        (await Models.GetJobAsync(new Proto.ModelRequest { Model = "scaler-lstm-served" })).State.ShouldBe("completed");
        await Models.PromoteAsync(new Proto.PromoteModelRequest { Model = "scaler-lstm-served", Version = 1 });
        await Eventually.True(async () => await MetricAsync("gpu") == 0, "the training to leave the backlog");

        var data = FeatureDataset.FromBars(new CsvBarFile(SharedData.File("orcl-1995-2014.txt")).Read(), ModelFeatures.Default);
        var predict = new Proto.PredictRequest { Model = "scaler-lstm-served" };
        for (var r = data.Count - 4; r < data.Count; r++)
        {
            var row = new Proto.FeatureRow();
            for (var f = 0; f < data.FeatureCount; f++) row.Values[data.FeatureNames[f]] = data.Row(r)[f];
            predict.Rows.Add(row);
        }
        (await Models.PredictAsync(predict)).Score.ShouldBeInRange(0, 1);

        // Callers that keep calls in flight until the scaler has seen them (the gateway reports its waiting calls every second).
        using var load = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!load.IsCancellationRequested) await Models.PredictAsync(predict);
        })).ToList();
        try
        {
            await Eventually.True(async () => await MetricAsync("gpu") > 0, "the waiting inference calls to count");
            (await Scaler.IsActiveAsync(Ref("gpu"))).Result.ShouldBeTrue();
            (await MetricAsync("cpu")).ShouldBe(0, "inference on networks is the GPU pool's");
        }
        finally
        {
            await load.CancelAsync();
            await Task.WhenAll(callers);
        }
        await Eventually.True(async () => await MetricAsync("gpu") == 0, "the answered calls to stop counting");
    }

    [Theory]
    [InlineData("tpu", "2", "scalerMetadata.pool: 'tpu' is not a pool (use cpu or gpu)")]
    [InlineData("cpu", "0", "scalerMetadata.backlogPerSilo: must be a whole number from 1 to 10000 (got '0')")]
    [InlineData("gpu", "10001", "scalerMetadata.backlogPerSilo: must be a whole number from 1 to 10000 (got '10001')")]
    public async Task Bad_metadata_is_refused_naming_the_key_on_every_call(string pool, string perSilo, string expected)
    {
        var bad = Ref(pool, perSilo);
        async Task Refused(Func<Task> call)
        {
            var e = await Should.ThrowAsync<RpcException>(call);
            (e.StatusCode, e.Status.Detail).ShouldBe((StatusCode.InvalidArgument, expected));
        }
        await Refused(async () => await Scaler.IsActiveAsync(bad));
        await Refused(async () => await Scaler.GetMetricSpecAsync(bad));
        await Refused(async () => await Scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = bad, MetricName = "x" }));
        await Refused(async () =>
        {
            using var stream = Scaler.StreamIsActive(bad);
            await stream.ResponseStream.MoveNext(CancellationToken.None);
        });
        var missing = await Should.ThrowAsync<RpcException>(async () => await Scaler.IsActiveAsync(new ScaledObjectRef { Name = "x" }));
        missing.Status.Detail.ShouldBe("scalerMetadata.pool: is required: cpu or gpu; scalerMetadata.backlogPerSilo: is required: a whole number from 1 to 10000");
    }

    [Fact]
    public async Task The_scaler_port_serves_the_scaler_and_nothing_else_and_the_scaler_is_served_nowhere_else()
    {
        var scalerAddress = $"http://127.0.0.1:{fixture.ScalerPort}";
        using (var http1 = new HttpClient { BaseAddress = new Uri(scalerAddress) })
        {
            // HTTP/1.1 on the HTTP/2-only listener: refused (by status or by a broken connection), never answered.
            HttpResponseMessage? answer = null;
            try { answer = await http1.GetAsync("/healthz"); } catch (HttpRequestException) { }
            answer?.IsSuccessStatusCode.ShouldBeFalse();
        }
        using (var http2 = new HttpClient { BaseAddress = new Uri(scalerAddress), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        {
            foreach (var path in new[] { "/healthz", "/readyz", "/metrics", "/v1/instruments/EURUSD", "/openapi/v1.json" })
                (await http2.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        var health = await Should.ThrowAsync<RpcException>(async () => await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest()));
        health.StatusCode.ShouldBe(StatusCode.Unimplemented);
        using (var withToken = TestTokens.Grpc(scalerAddress, fixture.Tokens.Superuser))
        {
            var api = await Should.ThrowAsync<RpcException>(async () => await new Proto.Models.ModelsClient(withToken).ListAsync(new Proto.ListModelsRequest()));
            api.StatusCode.ShouldBe(StatusCode.Unimplemented, "the API is not served on the scaler's port, even with a token");
        }
        (await new Health.HealthClient(fixture.Grpc).CheckAsync(new HealthCheckRequest())).Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving, "the gateway's own port serves it");

        var elsewhere = await Should.ThrowAsync<RpcException>(async () => await new ExternalScaler.ExternalScalerClient(fixture.Grpc).IsActiveAsync(Ref("cpu")));
        elsewhere.StatusCode.ShouldBe(StatusCode.Unimplemented, "the anonymous scaler is not served on the API's gRPC port");
        (await Scaler.IsActiveAsync(Ref("cpu"))).ShouldNotBeNull();
    }
}

/// <summary>Scaler settings that cannot work stop the gateway before it starts, naming each setting.</summary>
public sealed class ScalerSettingsTests
{
    [Theory]
    [InlineData("8001", "00:00:00", "01:00:00", "Gateway:Scaler:Port: must differ from the gateway's HTTP and gRPC ports (got 8001)",
        "Gateway:Scaler:PollPeriod: must be between 00:00:00.050 and 00:01:00 (got 00:00:00)", "Gateway:Scaler:RepeatPeriod: must be between the poll period and 00:10:00 (got 01:00:00)")]
    [InlineData("70000", "00:00:01", "00:00:00.500", "Gateway:Scaler:Port: must be between 0 (off) and 65535 (got 70000)",
        "Gateway:Scaler:RepeatPeriod: must be between the poll period and 00:10:00 (got 00:00:00.5000000)")]
    public void Bad_scaler_settings_name_every_setting(string port, string poll, string repeat, params string[] expected)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Scaler:Port"] = port, ["Gateway:Scaler:PollPeriod"] = poll, ["Gateway:Scaler:RepeatPeriod"] = repeat,
        });
        var error = Should.Throw<Core.ValidationException>(() => builder.AddAiTradingScaler(new Gateway.GatewayOptions { HttpPort = 8000, GrpcPort = 8001 }));
        error.Errors.Select(e => e.ToString()).ShouldBe(expected);
    }
}
