namespace AiTrading.Core;

/// <summary>One problem with one input field, e.g. ("quantity", "must be greater than 0").</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Input that breaks a rule of the domain. Hosts map it to HTTP 400 / gRPC InvalidArgument.</summary>
public sealed class ValidationException(IReadOnlyList<FieldError> errors)
    : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    public ValidationException(string field, string message) : this([new FieldError(field, message)]) { }
}

/// <summary>A reference to something that does not exist. Hosts map it to HTTP 404 / gRPC NotFound.</summary>
public sealed class NotFoundException(string what, string id) : Exception($"{what} '{id}' was not found")
{
    public string What { get; } = what;
    public string Id { get; } = id;
}
