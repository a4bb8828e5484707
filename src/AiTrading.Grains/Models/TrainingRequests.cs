using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.ML;

namespace AiTrading.Grains.Models;

internal static class TrainingRequests
{
    public const int MaxBars = 2_000_000, MaxFeatures = 200;

    /// <exception cref="ValidationException">Every problem of the request, each naming its field.</exception>
    public static ModelSpec Validate(ModelTrainingRequest request)
    {
        List<FieldError> errors = [];
        if (request.Bars is not { Count: > 0 }) errors.Add(new("bars", "has no bars to train on"));
        else if (request.Bars.Count > MaxBars) errors.Add(new("bars", $"must hold at most {MaxBars} bars (got {request.Bars.Count})"));
        if (request.Features is { Count: 0 }) errors.Add(new("features", "is empty; leave it out for the default model features"));
        else if (request.Features is { Count: > MaxFeatures }) errors.Add(new("features", $"must name at most {MaxFeatures} features (got {request.Features.Count})"));
        ModelSpec? spec = null;
        try
        {
            spec = ModelSpecs.Parse(request.Kind, request.Task, request.Labels, request.Horizon, request.BarrierWidth, request.Folds, request.Embargo, request.Options, request.Device);
        }
        catch (ValidationException e)
        {
            errors.AddRange(e.Errors);
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return spec!;
    }
}
