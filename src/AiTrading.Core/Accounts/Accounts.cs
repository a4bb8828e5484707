using AiTrading.Core.Risk;

namespace AiTrading.Core.Accounts;

/// <summary>What an account is opened with: the currency its cash and P&amp;L are kept in, its starting cash and its risk limits.</summary>
public sealed record AccountTerms(string Currency, decimal Cash, RiskLimits Limits);

/// <summary>
/// A change to some of an account's risk limits: the limits given replace the current ones, the others stay.
/// The kill switch is not a limit here; it has its own engage and release.
/// </summary>
public sealed record RiskLimitsChange
{
    public decimal? MaxPositionQuantity { get; init; }
    public decimal? MaxOrderNotional { get; init; }
    public decimal? MaxDailyLoss { get; init; }
    public decimal? MarginRate { get; init; }
    public decimal? PriceBandPercent { get; init; }
    public int? MaxOrdersPerSecond { get; init; }
    public decimal? MaxDrawdown { get; init; }
    public decimal? MaxCurrencyExposure { get; init; }

    public bool IsEmpty => this == new RiskLimitsChange();

    public RiskLimits ApplyTo(RiskLimits limits) => limits with
    {
        MaxPositionQuantity = MaxPositionQuantity ?? limits.MaxPositionQuantity,
        MaxOrderNotional = MaxOrderNotional ?? limits.MaxOrderNotional,
        MaxDailyLoss = MaxDailyLoss ?? limits.MaxDailyLoss,
        MarginRate = MarginRate ?? limits.MarginRate,
        PriceBandPercent = PriceBandPercent ?? limits.PriceBandPercent,
        MaxOrdersPerSecond = MaxOrdersPerSecond ?? limits.MaxOrdersPerSecond,
        MaxDrawdown = MaxDrawdown ?? limits.MaxDrawdown,
        MaxCurrencyExposure = MaxCurrencyExposure ?? limits.MaxCurrencyExposure,
    };

    /// <summary>The limits after the change, checked: every problem at once, each field prefixed with <paramref name="prefix"/>.</summary>
    /// <exception cref="ValidationException">The change names no limit, or a limit out of its bounds.</exception>
    public RiskLimits Apply(RiskLimits current, string prefix = "")
    {
        if (IsEmpty) throw new ValidationException(prefix.Length == 0 ? "limits" : prefix.TrimEnd('.'), "name at least one limit to change");
        var changed = ApplyTo(current);
        var errors = AccountRules.LimitErrors(changed, prefix);
        if (errors.Count > 0) throw new ValidationException(errors);
        return changed;
    }
}

/// <summary>A request to open an account; what it leaves out comes from the platform's defaults ("Trading" settings).</summary>
public sealed record AccountRequest(string Id, string? Currency = null, decimal? Cash = null, RiskLimitsChange? Limits = null)
{
    /// <summary>Every problem of the request at once, with its field ("id", "currency", "cash", "limits.maxOrderNotional").</summary>
    public IReadOnlyList<FieldError> Validate(AccountTerms defaults)
    {
        var errors = new List<FieldError>();
        AccountRules.RequireId(errors, "id", Id);
        if (Currency is not null) AccountRules.RequireCurrency(errors, "currency", Currency);
        if (Cash is { } cash && cash is < 0 or > AccountRules.MaxCash)
            errors.Add(new("cash", $"must be between 0 and {AccountRules.MaxCash} (got {cash})"));
        errors.AddRange(AccountRules.LimitErrors((Limits ?? new()).ApplyTo(defaults.Limits), "limits."));
        return errors;
    }

    /// <summary>The terms the account opens with.</summary>
    /// <exception cref="ValidationException">Anything <see cref="Validate"/> finds.</exception>
    public AccountTerms Resolve(AccountTerms defaults)
    {
        var errors = Validate(defaults);
        if (errors.Count > 0) throw new ValidationException(errors);
        return new AccountTerms(Currency ?? defaults.Currency, Cash ?? defaults.Cash, (Limits ?? new()).ApplyTo(defaults.Limits) with { KillSwitch = false });
    }
}

/// <summary>The state of a kill switch: engaged or not, why, by whom and when it last changed.</summary>
public sealed record KillSwitchState(bool Engaged, string? Reason, string? By, DateTimeOffset? At)
{
    public static readonly KillSwitchState Off = new(false, null, null, null);
}

/// <summary>The audit streams that belong to the platform rather than to an account.</summary>
public static class PlatformStreams
{
    /// <summary>Refused requests: unauthenticated, or a role or account the caller lacks.</summary>
    public const string Security = "security";
    /// <summary>The global kill switch.</summary>
    public const string Risk = "risk";
    /// <summary>The model registry's default stream.</summary>
    public const string Models = "models";
}

public static class AccountRules
{
    /// <summary>The most starting cash an account may have: far above any real one, far below decimal's range.</summary>
    public const decimal MaxCash = 1_000_000_000_000m;
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Names that audit streams other than accounts' own use (an account's audit stream has the account's name), so
    /// no account may take them.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedIds =
        new HashSet<string>([PlatformStreams.Security, PlatformStreams.Risk, PlatformStreams.Models], StringComparer.OrdinalIgnoreCase);

    public static void RequireId(List<FieldError> errors, string field, string? id)
    {
        var before = errors.Count;
        Identifiers.Require(errors, field, id);
        if (errors.Count == before && ReservedIds.Contains(id!))
            errors.Add(new(field, $"'{id}' is reserved (the platform's {id!.ToLowerInvariant()} audit stream)"));
    }

    public static void RequireCurrency(List<FieldError> errors, string field, string? currency)
    {
        if (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetterUpper))
            errors.Add(new(field, $"must be a three-letter upper-case ISO code (got '{currency}')"));
    }

    public static List<FieldError> LimitErrors(RiskLimits limits, string prefix) =>
        limits.Validate().Select(e => e with { Field = prefix + e.Field }).ToList();

    /// <summary>Why a kill switch changes: required, one line of at most <see cref="MaxReasonLength"/> characters.</summary>
    /// <exception cref="ValidationException">No reason, a longer one, or one with control characters.</exception>
    public static string RequireReason(string? reason)
    {
        var text = reason?.Trim();
        if (string.IsNullOrEmpty(text)) throw new ValidationException("reason", "is required: say why");
        if (text.Length > MaxReasonLength) throw new ValidationException("reason", $"must be at most {MaxReasonLength} characters (got {text.Length})");
        if (text.Any(char.IsControl)) throw new ValidationException("reason", "must be one line without control characters");
        return text;
    }
}
