using AiTrading.Contracts;
using AiTrading.Core;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;

namespace AiTrading.Gateway;

/// <summary>One mapping from the platform's exceptions to HTTP and gRPC answers; anything else is a 500/Internal.</summary>
internal static class ErrorMapping
{
    public static IResult ToHttp(Exception e) => e switch
    {
        InvalidRequestException v => BadRequest(v.Errors),
        ValidationException v => BadRequest(v.Errors),
        ResourceNotFoundException n => Results.Json(new { error = n.Message }, statusCode: StatusCodes.Status404NotFound),
        ConflictException c => Results.Json(new { error = c.Message }, statusCode: StatusCodes.Status409Conflict),
        NoGpuSiloException g => Results.Json(new { error = g.Message }, statusCode: StatusCodes.Status503ServiceUnavailable),
        Security.AccountAccessDeniedException a => Results.Json(new { error = a.Message, account = a.Account }, statusCode: StatusCodes.Status403Forbidden),
        _ => throw e,
    };

    public static IResult BadRequest(IEnumerable<FieldError> errors) =>
        Results.Json(new { errors = errors.Select(x => new { field = x.Field, message = x.Message }) }, statusCode: StatusCodes.Status400BadRequest);

    public static RpcException? ToRpc(Exception e) => e switch
    {
        InvalidRequestException v => new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", v.Errors))),
        ValidationException v => new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", v.Errors))),
        ResourceNotFoundException n => new RpcException(new Status(StatusCode.NotFound, n.Message)),
        ConflictException c => new RpcException(new Status(StatusCode.AlreadyExists, c.Message)),
        NoGpuSiloException g => new RpcException(new Status(StatusCode.Unavailable, g.Message)),
        Security.AccountAccessDeniedException a => new RpcException(new Status(StatusCode.PermissionDenied, a.Message)),
        _ => null,
    };

    /// <summary>Runs an HTTP handler, answering the platform's errors with their status codes.</summary>
    public static async Task<IResult> Handle(Func<Task<IResult>> handler)
    {
        try { return await handler(); }
        catch (Exception e) when (e is InvalidRequestException or ValidationException or ResourceNotFoundException or ConflictException or NoGpuSiloException
                                       or Security.AccountAccessDeniedException)
        {
            return ToHttp(e);
        }
    }
}

internal sealed class ErrorMappingInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context); }
        catch (Exception e) when (ErrorMapping.ToRpc(e) is { } rpc) { throw rpc; }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context); }
        catch (Exception e) when (ErrorMapping.ToRpc(e) is { } rpc) { throw rpc; }
    }
}
