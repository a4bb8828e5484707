using AiTrading.Contracts;
using AiTrading.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AiTrading.Gateway.Apis;

/// <summary>
/// HTTP reads mirroring the gRPC Models service: <c>GET /v1/models</c>, <c>GET /v1/models/{id}</c> (versions,
/// metrics, active version, last job) and <c>GET /v1/models/{id}/job</c> (live progress of the last job).
/// </summary>
public static class ModelApi
{
    public static IEndpointRouteBuilder MapModelApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/models").WithTags("Models").RequireAuthorization(Security.Policies.Read);
        api.MapGet("", ListModelsAsync);
        api.MapGet("/{id}", GetModelAsync).WithProblems(400, 404);
        api.MapGet("/{id}/job", GetTrainingJobAsync).WithProblems(400, 404);
        return app;
    }

    public static async Task<Ok<ModelListResponse>> ListModelsAsync(IClusterClient cluster) => TypedResults.Ok(new ModelListResponse(await ListAsync(cluster)));

    public static async Task<Ok<ModelView>> GetModelAsync(string id, IClusterClient cluster) => TypedResults.Ok(await RequireAsync(cluster, id));

    public static async Task<Ok<TrainingJobView>> GetTrainingJobAsync(string id, IClusterClient cluster) =>
        TypedResults.Ok(await cluster.GetGrain<IModelGrain>(RequireId(id)).GetJobAsync() ?? throw new ResourceNotFoundException("training job of model", id));

    /// <exception cref="ValidationException">The id is empty or has characters other than letters, digits, '.', '_' and '-', or is longer than 64.</exception>
    public static string RequireId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? id
            : throw new ValidationException("model", $"'{id}' is not a model id (1 to 64 letters, digits, '.', '_' or '-')");

    public static async Task<ModelView> RequireAsync(IClusterClient cluster, string id) =>
        await cluster.GetGrain<IModelGrain>(RequireId(id)).GetAsync() ?? throw new ResourceNotFoundException("model", id);

    public static async Task<IReadOnlyList<ModelView>> ListAsync(IClusterClient cluster)
    {
        var names = await cluster.GetGrain<INameIndexGrain>(ModelNames.Index).ListAsync();
        var views = await Task.WhenAll(names.Select(n => cluster.GetGrain<IModelGrain>(n).GetAsync()));
        return views.OfType<ModelView>().ToList();
    }
}
