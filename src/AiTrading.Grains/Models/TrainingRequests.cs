using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.ML;

namespace AiTrading.Grains.Models;

internal static class TrainingRequests
{
    /// <exception cref="ValidationException">Every problem of the request, each naming its field.</exception>
    public static ModelSpec Validate(ModelTrainingRequest request)
    {
        List<FieldError> errors = [];
        if (request.Bars is not { Count: > 0 }) errors.Add(new("bars", "has no bars to train on"));
        if (request.Features is { Count: 0 }) errors.Add(new("features", "is empty; leave it out for the default model features"));
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
