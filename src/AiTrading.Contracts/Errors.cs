using AiTrading.Core;

namespace AiTrading.Contracts;

// Exceptions that cross grain boundaries intact. The silo turns Core's ValidationException/NotFoundException
// into these (one call filter), and the gateway maps them to HTTP/gRPC status codes.

/// <summary>The request broke one or more input rules (HTTP 400, gRPC InvalidArgument).</summary>
[GenerateSerializer, Alias("invalid-request")]
public sealed class InvalidRequestException : Exception
{
    public InvalidRequestException(IReadOnlyList<FieldError> errors) : base(string.Join("; ", errors)) => Errors = errors.ToList();

    [Id(0)] public List<FieldError> Errors { get; private set; }
}

/// <summary>The thing asked for does not exist (HTTP 404, gRPC NotFound).</summary>
[GenerateSerializer, Alias("resource-not-found")]
public sealed class ResourceNotFoundException : Exception
{
    public ResourceNotFoundException(string what, string id) : base($"{what} '{id}' was not found")
    {
        What = what;
        ResourceId = id;
    }

    [Id(0)] public string What { get; private set; }
    [Id(1)] public string ResourceId { get; private set; }
}

/// <summary>The request contradicts what exists, e.g. a client order id reused for a different order (HTTP 409, gRPC AlreadyExists).</summary>
[GenerateSerializer, Alias("conflict")]
public sealed class ConflictException(string message) : Exception(message);

/// <summary>The caller already runs as many jobs of a kind (backtests, training) as it may at once (HTTP 429, gRPC ResourceExhausted).</summary>
[GenerateSerializer, Alias("quota-exceeded")]
public sealed class QuotaExceededException(string message) : Exception(message);

/// <summary>The thing asked for existed but was discarded after its retention (HTTP 410, gRPC NotFound).</summary>
[GenerateSerializer, Alias("resource-gone")]
public sealed class ResourceGoneException(string message) : Exception(message);
