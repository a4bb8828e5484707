using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Gateway.Apis;
using Google.Protobuf.WellKnownTypes;
using AiTrading.Gateway.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Gateway.Grpc;

internal sealed class ModelsService(IClusterClient cluster, InferenceBacklog inference) : Proto.Models.ModelsBase
{
    [Authorize(Policy = Policies.Models)]
    public override async Task<Proto.TrainingJob> Train(Proto.TrainModelRequest request, ServerCallContext context)
    {
        var id = ModelApi.RequireId(request.Model);
        return Job(await cluster.GetGrain<IModelGrain>(id).TrainAsync(ToRequest(request) with { RequestedBy = Principals.Name(context.GetHttpContext()) }));
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.TrainingJob> GetJob(Proto.ModelRequest request, ServerCallContext context) =>
        Job(await cluster.GetGrain<IModelGrain>(ModelApi.RequireId(request.Model)).GetJobAsync() ?? throw new ResourceNotFoundException("training job of model", request.Model));

    [Authorize(Policy = Policies.Models)]
    public override async Task<Proto.TrainingJob> Cancel(Proto.ModelRequest request, ServerCallContext context) =>
        Job(await cluster.GetGrain<IModelGrain>(ModelApi.RequireId(request.Model)).CancelTrainingAsync());

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.ModelReply> Get(Proto.ModelRequest request, ServerCallContext context) =>
        Reply(await ModelApi.RequireAsync(cluster, request.Model));

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.ListModelsReply> List(Proto.ListModelsRequest request, ServerCallContext context)
    {
        var reply = new Proto.ListModelsReply();
        reply.Models.AddRange((await ModelApi.ListAsync(cluster)).Select(Reply));
        return reply;
    }

    [Authorize(Policy = Policies.Models)]
    public override async Task<Proto.ModelReply> Promote(Proto.PromoteModelRequest request, ServerCallContext context) =>
        Reply(await cluster.GetGrain<IModelGrain>(ModelApi.RequireId(request.Model)).PromoteAsync(request.Version));

    [Authorize(Policy = Policies.Models)]
    public override async Task<Proto.ModelReply> Rollback(Proto.ModelRequest request, ServerCallContext context) =>
        Reply(await cluster.GetGrain<IModelGrain>(ModelApi.RequireId(request.Model)).RollbackAsync());

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.PredictReply> Predict(Proto.PredictRequest request, ServerCallContext context)
    {
        var model = await ModelApi.RequireAsync(cluster, request.Model);
        var active = model.Versions.FirstOrDefault(v => v.Version == model.ActiveVersion)
            ?? throw new ConflictException($"model '{model.Model}' has {model.Versions.Count} version(s) but none is active: promote one");
        var input = new ModelInput(request.Rows.Select(r => (IReadOnlyDictionary<string, double>)r.Values.ToDictionary()).ToList());
        var p = await inference.PredictAsync(cluster, model.Model, active.Kind, input);
        return new Proto.PredictReply { Model = p.Model, Version = p.Version, Hash = p.Hash, Task = p.Task, Score = p.Score };
    }

    private static ModelTrainingRequest ToRequest(Proto.TrainModelRequest r)
    {
        var errors = new List<FieldError>();
        Timeframe timeframe = default;
        try { timeframe = Timeframe.Parse(r.Timeframe); }
        catch (ArgumentException e) { errors.Add(new("timeframe", e.Message.Split(" (Parameter")[0])); }
        if (string.IsNullOrWhiteSpace(r.Symbol)) errors.Add(new("symbol", "is required"));
        IReadOnlyList<FeatureDefinition>? features = null;
        if (r.FeaturesJson.Length > 0)
        {
            try { features = JsonInput.Parse<FeatureDefinition[]>(r.FeaturesJson, "features_json"); }
            catch (FormatException e) { errors.Add(new("features_json", e.Message)); }
        }
        var bars = new List<Bar>(r.Bars.Count);
        for (var i = 0; i < r.Bars.Count && errors.Count == 0; i++)
        {
            var b = r.Bars[i];
            if (b.OpenTime is null) { errors.Add(new($"bars[{i}].open_time", "is required")); break; }
            bars.Add(new Bar(r.Symbol.ToUpperInvariant(), timeframe, b.OpenTime.ToDateTimeOffset(), b.Open, b.High, b.Low, b.Close, b.Volume, 1));
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return new ModelTrainingRequest(r.Kind, bars, r.Horizon, r.Labels.Length > 0 ? r.Labels : "fixed", r.Task.Length > 0 ? r.Task : "direction",
            features, r.Options, r.Folds == 0 ? 4 : r.Folds, r.HasEmbargo ? r.Embargo : 5, r.BarrierWidth == 0 ? 1 : r.BarrierWidth, r.Device.Length > 0 ? r.Device : "auto");
    }

    private static Proto.TrainingJob Job(TrainingJobView j) => new()
    {
        JobId = j.JobId, Model = j.Model, Kind = j.Kind, State = j.State, Step = j.Step, Steps = j.Steps, Stage = j.Stage,
        Version = j.Version ?? 0, Error = j.Error ?? "", StartedAt = Timestamp.FromDateTimeOffset(j.StartedAt),
        FinishedAt = j.FinishedAt is { } f ? Timestamp.FromDateTimeOffset(f) : null,
    };

    private static Proto.ModelReply Reply(ModelView m)
    {
        var reply = new Proto.ModelReply { Model = m.Model, ActiveVersion = m.ActiveVersion ?? 0, LastJob = m.LastJob is { } j ? Job(j) : null };
        foreach (var v in m.Versions)
        {
            var version = new Proto.ModelVersion
            {
                Version = v.Version, Kind = v.Kind, Task = v.Task, Labels = v.Labels, Symbol = v.Symbol, Timeframe = v.Timeframe,
                TrainFrom = Timestamp.FromDateTimeOffset(v.TrainFrom), TrainTo = Timestamp.FromDateTimeOffset(v.TrainTo),
                Hash = v.Hash, ArtifactBytes = v.ArtifactBytes, CreatedAt = Timestamp.FromDateTimeOffset(v.CreatedAt), TrainingSeconds = v.TrainingSeconds,
            };
            version.Features.AddRange(v.Features);
            foreach (var (name, value) in v.HyperParameters) version.HyperParameters[name] = value;
            foreach (var (name, value) in v.Metrics) version.Metrics[name] = value;
            reply.Versions.Add(version);
        }
        return reply;
    }
}
