using AiTrading.Core;
using Grpc.Core.Interceptors;

namespace AiTrading.Client;

/// <summary>How an <see cref="AiTradingClient"/> reaches the gateway's gRPC API.</summary>
public sealed class AiTradingClientOptions
{
    public const string DefaultAddress = "http://127.0.0.1:8001";

    /// <summary>The gateway's gRPC address: http:// for its cleartext HTTP/2 port, https:// behind TLS.</summary>
    public string Address { get; set; } = DefaultAddress;

    /// <summary>The bearer token sent with every call; when neither this nor <see cref="TokenProvider"/> is set, <see cref="BearerToken.Resolve"/> finds one.</summary>
    public string? Token { get; set; }

    /// <summary>Asked for the token before every attempt, for tokens that expire and are renewed (an OIDC client); wins over <see cref="Token"/>.</summary>
    public Func<CancellationToken, Task<string>>? TokenProvider { get; set; }

    /// <summary>
    /// How long one attempt of a unary call may take when the caller sets no deadline. Streams (quotes, strategy
    /// events, backtest progress) run until the caller cancels them or gives them a deadline of its own.
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(30);

    public RetryOptions Retry { get; set; } = new();

    /// <summary>Run once per attempt, inside the retries (to log or count attempts); the first is the outermost.</summary>
    public IList<Interceptor> Interceptors { get; } = [];

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (!Uri.TryCreate(Address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            errors.Add(new(nameof(Address), $"'{Address}' is not an absolute http(s) URL (e.g. {DefaultAddress})"));
        if (Token is { } token && (token.Length == 0 || token.Any(char.IsWhiteSpace)))
            errors.Add(new(nameof(Token), "must be a token without spaces (or unset, to use $AITRADING_TOKEN or the saved token)"));
        if (Deadline <= TimeSpan.Zero || Deadline > TimeSpan.FromHours(1))
            errors.Add(new(nameof(Deadline), $"must be more than 0 and at most 1 hour (got {Deadline})"));
        errors.AddRange(Retry.Validate($"{nameof(Retry)}."));
        return errors;
    }

    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ValidationException(errors);
    }
}

/// <summary>
/// Retries of transient failures: exponential backoff with jitter, <see cref="MaxAttempts"/> in all. Which failures
/// are transient: <c>UNAVAILABLE</c> for every method (the gateway or a silo could not take the call), and
/// <c>DEADLINE_EXCEEDED</c> only for methods the protos mark idempotent (reads, and writes such as an order submit
/// whose client order id makes a second submit return the first order).
/// </summary>
public sealed class RetryOptions
{
    public const int MostAttempts = 100;

    /// <summary>Attempts in all, the first included; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 5;
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);
    public double BackoffMultiplier { get; set; } = 2;

    public IReadOnlyList<FieldError> Validate(string prefix = "")
    {
        var errors = new List<FieldError>();
        if (MaxAttempts is < 1 or > MostAttempts) errors.Add(new($"{prefix}{nameof(MaxAttempts)}", $"must be 1 to {MostAttempts} (got {MaxAttempts})"));
        if (InitialBackoff <= TimeSpan.Zero) errors.Add(new($"{prefix}{nameof(InitialBackoff)}", $"must be more than 0 (got {InitialBackoff})"));
        if (MaxBackoff < InitialBackoff || MaxBackoff > TimeSpan.FromMinutes(5))
            errors.Add(new($"{prefix}{nameof(MaxBackoff)}", $"must be at least {nameof(InitialBackoff)} and at most 5 minutes (got {MaxBackoff})"));
        if (!double.IsFinite(BackoffMultiplier) || BackoffMultiplier < 1 || BackoffMultiplier > 10)
            errors.Add(new($"{prefix}{nameof(BackoffMultiplier)}", $"must be 1 to 10 (got {BackoffMultiplier})"));
        return errors;
    }

    /// <summary>The pause before attempt <paramref name="attempt"/> + 1: the exponential backoff scaled by a random factor in [0.5, 1), so clients that failed together do not come back together.</summary>
    internal TimeSpan Backoff(int attempt, Random random)
    {
        var exponential = InitialBackoff.TotalMilliseconds * Math.Pow(BackoffMultiplier, attempt - 1);
        var capped = Math.Min(exponential, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + random.NextDouble() / 2));
    }
}
