using System.Net;
using System.Text.Json;
using AiTrading.Connectors.Feeds;
using AiTrading.Contracts.Grpc;
using AiTrading.Core.Tests;
using AiTrading.ML;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AiTrading.Integration.Tests;

/// <summary>The gRPC Models service and its HTTP reads over real sockets, on the shared ORCL daily series.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ModelApiTests(GatewayFixture fixture)
{
    private Models.ModelsClient Client => new(fixture.Grpc);

    private static TrainModelRequest Request(string model, string kind = "lightgbm")
    {
        var request = new TrainModelRequest { Model = model, Kind = kind, Symbol = "ORCL", Timeframe = "D1", Horizon = 5, Options = { ["trees"] = 40 } };
        foreach (var b in new CsvBarFile(SharedData.File("orcl-1995-2014.txt")).Read())
            request.Bars.Add(new TrainingBar { OpenTime = Timestamp.FromDateTimeOffset(b.OpenTime), Open = b.Open, High = b.High, Low = b.Low, Close = b.Close, Volume = b.Volume });
        return request;
    }

    [Fact]
    public async Task Train_get_list_promote_and_predict_then_read_over_http()
    {
        var job = await Client.TrainAsync(Request("api-orcl"));
        job.State.ShouldBe("running");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((job = await Client.GetJobAsync(new ModelRequest { Model = "api-orcl" })).State == "running")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("training did not finish");
            await Task.Delay(100);
        }
        job.State.ShouldBe("completed", job.Error);
        job.Version.ShouldBe(1);

        var model = await Client.GetAsync(new ModelRequest { Model = "api-orcl" });
        model.ActiveVersion.ShouldBe(0);
        var version = model.Versions.Single();
        (version.Kind, version.Symbol, version.Timeframe, version.Labels).ShouldBe(("lightgbm", "ORCL", "D1", "fixed-horizon(5)"));
        version.TrainFrom.ToDateTimeOffset().Year.ShouldBe(1995);
        version.Metrics["auc"].ShouldBeInRange(0, 1);
        version.Metrics.ShouldContainKey("baselineLogLoss");
        version.Hash.Length.ShouldBe(64);

        (await Should.ThrowAsync<RpcException>(() => Client.PredictAsync(new PredictRequest { Model = "api-orcl" }).ResponseAsync)).StatusCode.ShouldBe(StatusCode.AlreadyExists);
        (await Client.PromoteAsync(new PromoteModelRequest { Model = "api-orcl", Version = 1 })).ActiveVersion.ShouldBe(1);

        var data = FeatureDataset.FromBars(new CsvBarFile(SharedData.File("yhoo-1996-2014.txt")).Read(), ModelFeatures.Default);
        var row = new FeatureRow();
        for (var f = 0; f < data.FeatureCount; f++) row.Values[data.FeatureNames[f]] = data.Row(data.Count - 1)[f];
        var prediction = await Client.PredictAsync(new PredictRequest { Model = "api-orcl", Rows = { row } });
        (prediction.Version, prediction.Hash, prediction.Task).ShouldBe((1, version.Hash, "direction"));
        prediction.Score.ShouldBeInRange(0, 1);

        (await Client.ListAsync(new ListModelsRequest())).Models.Select(m => m.Model).ShouldContain("api-orcl");

        using var http = JsonDocument.Parse(await fixture.Http.GetStringAsync("/v1/models/api-orcl"));
        http.RootElement.GetProperty("activeVersion").GetInt32().ShouldBe(1);
        var first = http.RootElement.GetProperty("versions")[0];
        first.GetProperty("hash").GetString().ShouldBe(version.Hash);
        first.GetProperty("metrics").GetProperty("auc").GetDouble().ShouldBe(version.Metrics["auc"], 1e-12);
        (await fixture.Http.GetStringAsync("/v1/models")).ShouldContain("\"api-orcl\"");
        (await fixture.Http.GetStringAsync("/v1/models/api-orcl/job")).ShouldContain("\"state\":\"completed\"");
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_unknown_models_are_not_found()
    {
        var bad = Request("api-bad", kind: "xgboost");
        bad.Horizon = 0;
        bad.Options["treez"] = 3;
        var e = await Should.ThrowAsync<RpcException>(() => Client.TrainAsync(bad).ResponseAsync);
        e.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        e.Status.Detail.ShouldContain("kind: unknown model kind 'xgboost'");
        e.Status.Detail.ShouldContain("horizon: must be at least 1 bar (got 0)");
        e.Status.Detail.ShouldContain("options.treez: unknown option");

        var noTime = Request("api-bad");
        noTime.Timeframe = "X9";
        (await Should.ThrowAsync<RpcException>(() => Client.TrainAsync(noTime).ResponseAsync)).Status.Detail.ShouldContain("timeframe: timeframe 'X9' has unknown unit 'X'");
        (await Should.ThrowAsync<RpcException>(() => Client.TrainAsync(new TrainModelRequest { Model = "bad id!" }).ResponseAsync)).Status.Detail.ShouldContain("model: 'bad id!' is not a model id");

        (await Should.ThrowAsync<RpcException>(() => Client.GetAsync(new ModelRequest { Model = "api-none" }).ResponseAsync)).StatusCode.ShouldBe(StatusCode.NotFound);
        (await Should.ThrowAsync<RpcException>(() => Client.PredictAsync(new PredictRequest { Model = "api-none" }).ResponseAsync)).StatusCode.ShouldBe(StatusCode.NotFound);
        (await fixture.Http.GetAsync("/v1/models/api-none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
