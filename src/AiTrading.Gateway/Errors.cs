using System.Data.Common;
using AiTrading.Contracts;
using AiTrading.Core;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiTrading.Gateway;

/// <summary>What an exception means to a client: one classification for HTTP (ProblemDetails) and gRPC (status codes).</summary>
internal enum Outcome { Invalid, Forbidden, NotFound, Conflict, Gone, Exhausted, Refused, Unavailable, Internal }

/// <summary>The one mapping from the platform's exceptions to HTTP problems and gRPC statuses.</summary>
internal static class ErrorMapping
{
    /// <summary>Seconds a client is told to wait before retrying a 503.</summary>
    public const int RetryAfterSeconds = 5;

    public static Outcome Classify(Exception e) => e switch
    {
        InvalidRequestException or ValidationException => Outcome.Invalid,
        Security.AccountAccessDeniedException => Outcome.Forbidden,
        ResourceNotFoundException => Outcome.NotFound,
        ConflictException => Outcome.Conflict,
        ResourceGoneException => Outcome.Gone,
        QuotaExceededException => Outcome.Exhausted,
        RequestRefusedException => Outcome.Refused,
        NoGpuSiloException => Outcome.Unavailable,
        _ when IsInfrastructureFailure(e) => Outcome.Unavailable,
        _ => Outcome.Internal,
    };

    /// <summary>Storage or cluster out of reach: the request may succeed later, so it is a 503, not a 500.</summary>
    private static bool IsInfrastructureFailure(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is DbException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
                or Orleans.Storage.InconsistentStateException)
                return true;
            if (x.GetType().FullName?.StartsWith("Npgsql.", StringComparison.Ordinal) == true) return true;
        }
        return false;
    }

    public static IReadOnlyList<FieldError> FieldErrors(Exception e) => e switch
    {
        InvalidRequestException v => v.Errors,
        ValidationException v => v.Errors,
        _ => [],
    };

    public static ProblemDetails Problem(Exception e) => Classify(e) switch
    {
        Outcome.Invalid => Invalid(FieldErrors(e)),
        Outcome.Forbidden when e is Security.AccountAccessDeniedException a => new()
        {
            Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = e.Message, Extensions = { ["account"] = a.Account },
        },
        Outcome.NotFound => new() { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = e.Message },
        Outcome.Conflict => new() { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = e.Message },
        Outcome.Gone => new() { Status = StatusCodes.Status410Gone, Title = "Gone", Detail = e.Message },
        Outcome.Exhausted => new() { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = e.Message },
        Outcome.Refused when e is RequestRefusedException r => new() { Status = r.Status, Title = ReasonPhrases.GetReasonPhrase(r.Status), Detail = e.Message },
        Outcome.Unavailable when e is NoGpuSiloException => new() { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = e.Message },
        Outcome.Unavailable => new()
        {
            Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable",
            Detail = "storage or the cluster did not answer; retry later",
        },
        _ => new() { Status = StatusCodes.Status500InternalServerError, Title = "Internal error", Detail = "the error is logged under this trace id" },
    };

    /// <summary>A 400 whose <c>errors</c> list names each field and what is wrong with it.</summary>
    public static ProblemDetails Invalid(IEnumerable<FieldError> errors) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request is invalid",
        Detail = "see errors: each names a field and what is wrong with it",
        Extensions = { ["errors"] = errors.Select(x => new { field = x.Field, message = x.Message }).ToList() },
    };

    public static RpcException? ToRpc(Exception e) => Classify(e) switch
    {
        Outcome.Invalid => new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", FieldErrors(e)))),
        Outcome.Forbidden => new RpcException(new Status(StatusCode.PermissionDenied, e.Message)),
        Outcome.NotFound => new RpcException(new Status(StatusCode.NotFound, e.Message)),
        Outcome.Conflict => new RpcException(new Status(StatusCode.AlreadyExists, e.Message)),
        Outcome.Gone => new RpcException(new Status(StatusCode.NotFound, e.Message)),
        Outcome.Exhausted => new RpcException(new Status(StatusCode.ResourceExhausted, e.Message)),
        Outcome.Unavailable => new RpcException(new Status(StatusCode.Unavailable, e is NoGpuSiloException ? e.Message : "storage or the cluster did not answer; retry later")),
        _ => null,
    };

    /// <summary>Writes the problem <paramref name="e"/> stands for, outside an endpoint (middleware that refuses a request).</summary>
    public static async Task WriteProblemAsync(HttpContext http, Exception e)
    {
        var problem = Problem(e);
        http.Response.StatusCode = problem.Status!.Value;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    public static bool IsGrpc(HttpContext http) => http.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>
/// Answers every exception an HTTP endpoint lets out as a problem (RFC 9457): the platform's as 400/404/409/503,
/// anything else as a 500 that carries the trace id and nothing of the exception (it is logged here).
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (ErrorMapping.IsGrpc(http)) return false;
        var problem = ErrorMapping.Problem(exception);
        if (problem.Status == StatusCodes.Status500InternalServerError) log.LogError(exception, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            log.LogWarning("{Method} {Path}: {Error}", http.Request.Method, http.Request.Path, exception.Message);
            http.Response.Headers.RetryAfter = ErrorMapping.RetryAfterSeconds.ToString();
        }
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
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

/// <summary>A request refused as a whole before its content is looked at (wrong media type, too large): an HTTP status and why.</summary>
internal sealed class RequestRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
