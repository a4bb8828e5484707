using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Grains;

/// <summary>Accounts, their defaults, and venues (configuration section "Trading").</summary>
public sealed class TradingOptions
{
    public const string Section = "Trading";

    /// <summary>The currency of an account opened without one.</summary>
    public string AccountCurrency { get; set; } = "USD";
    /// <summary>The starting cash of an account opened without one.</summary>
    public decimal InitialCash { get; set; } = 100_000m;
    public string DefaultVenue { get; set; } = PaperVenue;
    /// <summary>The limits of an account opened without them (each limit it names replaces the default one).</summary>
    public RiskLimits DefaultLimits { get; set; } = new();
    /// <summary>
    /// Accounts every silo opens at start ("Trading:Accounts:DEMO:Currency", "…:Cash", "…:Limits:MaxOrderNotional"),
    /// unless they are open already: the stored account is kept, and one opened with other terms is only logged.
    /// </summary>
    public Dictionary<string, AccountOptions> Accounts { get; set; } = new(StringComparer.Ordinal);
    public PaperFillOptions Paper { get; set; } = new();
    /// <summary>MetaTrader 5 terminals by venue name ("Trading:Mt5Terminals:mt5:Token"); each is a venue of its own.</summary>
    public Dictionary<string, Mt5TerminalOptions> Mt5Terminals { get; set; } = new(StringComparer.Ordinal);
    public VenueCircuitOptions VenueCircuit { get; set; } = new();
    /// <summary>
    /// How many of an account's latest fill ids its portfolio remembers to ignore a repeat. A fill comes again only
    /// when its order's silo died after the booking and before the order stored it as done (its next write, right
    /// after); the window must exceed the fills the account books until that order's next activation. Each costs 8 bytes
    /// of the book's snapshot (a fingerprint of the id).
    /// </summary>
    public int FillIdWindow { get; set; } = Core.Portfolio.Portfolio.DefaultFillIdWindow;
    /// <summary>How many finished orders, and for how long, the embedded default's in-memory storage keeps.</summary>
    public FinishedOrderRetentionOptions FinishedOrderRetention { get; set; } = new();

    public const string PaperVenue = "paper";

    /// <summary>Every venue an order or a strategy may name.</summary>
    public IReadOnlySet<string> Venues => new SortedSet<string>(Mt5Terminals.Keys.Append(PaperVenue), StringComparer.Ordinal);

    public AccountTerms DefaultTerms => new(AccountCurrency, InitialCash, DefaultLimits);

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (AccountCurrency is not { Length: 3 } || !AccountCurrency.All(char.IsAsciiLetterUpper))
            errors.Add(new("Trading:AccountCurrency", $"must be a three-letter upper-case ISO code (got '{AccountCurrency}')"));
        if (InitialCash < 0) errors.Add(new("Trading:InitialCash", $"must be 0 or more (got {InitialCash})"));
        if (FillIdWindow is < 100 or > 1_000_000) errors.Add(new("Trading:FillIdWindow", $"must be between 100 and 1000000 (got {FillIdWindow})"));
        foreach (var (venue, terminal) in Mt5Terminals)
        {
            var nameErrors = new List<FieldError>();
            Identifiers.Require(nameErrors, $"Trading:Mt5Terminals:{venue}", venue);
            errors.AddRange(nameErrors);
            if (venue == PaperVenue) errors.Add(new($"Trading:Mt5Terminals:{venue}", $"'{PaperVenue}' is the paper venue's name"));
            if (terminal.Token is not { Length: >= Mt5TerminalOptions.MinimumTokenLength })
                errors.Add(new($"Trading:Mt5Terminals:{venue}:Token", $"is required, at least {Mt5TerminalOptions.MinimumTokenLength} characters"));
        }
        if (!Venues.Contains(DefaultVenue)) errors.Add(new("Trading:DefaultVenue", $"unknown venue '{DefaultVenue}' (known: {string.Join(", ", Venues)})"));
        errors.AddRange(VenueCircuit.Validate().Select(e => e with { Field = "Trading:VenueCircuit:" + e.Field }));
        errors.AddRange(DefaultLimits.Validate().Select(e => e with { Field = "Trading:DefaultLimits:" + e.Field }));
        foreach (var (id, account) in Accounts)
            errors.AddRange(account.ToRequest(id).Validate(DefaultTerms).Select(e => e with
            {
                Field = e.Field == "id" ? $"Trading:Accounts:{id}" : $"Trading:Accounts:{id}:{e.Field.Replace('.', ':')}",
            }));
        errors.AddRange(Paper.Validate().Select(e => e with { Field = "Trading:Paper:" + e.Field }));
        errors.AddRange(FinishedOrderRetention.Validate().Select(e => e with { Field = "Trading:FinishedOrderRetention:" + e.Field }));
        return errors;
    }
}

/// <summary>An account opened from configuration; what it leaves out comes from the defaults of <see cref="TradingOptions"/>.</summary>
public sealed class AccountOptions
{
    public string? Currency { get; set; }
    public decimal? Cash { get; set; }
    public RiskLimitsChange? Limits { get; set; }

    public AccountRequest ToRequest(string id) => new(id, Currency, Cash, Limits);
}

/// <summary>One MetaTrader 5 terminal that connects through the bridge: the shared secret its Expert Advisor presents.</summary>
public sealed class Mt5TerminalOptions
{
    public const int MinimumTokenLength = 16;

    public string Token { get; set; } = "";
    /// <summary>How often the terminal must show signs of life; three missed beats count as disconnected.</summary>
    public int HeartbeatSeconds { get; set; } = 5;
}

/// <summary>
/// The breaker around each venue: it opens when at least <see cref="FailureThreshold"/> calls failed or timed out
/// and none succeeded within <see cref="SamplingSeconds"/>, rejects at once for <see cref="BreakSeconds"/>, then lets
/// one probe through (half open) whose outcome closes or re-opens it.
/// </summary>
public sealed class VenueCircuitOptions
{
    public int FailureThreshold { get; set; } = 5;
    public double SamplingSeconds { get; set; } = 30;
    public double BreakSeconds { get; set; } = 10;
    /// <summary>How long a venue may take to answer one call (for MT5: to acknowledge a command).</summary>
    public int TimeoutMilliseconds { get; set; } = 2_000;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (FailureThreshold is < 2 or > 1000) errors.Add(new("FailureThreshold", $"must be between 2 and 1000 (got {FailureThreshold})"));
        if (!(SamplingSeconds is >= 0.5 and <= 86_400)) errors.Add(new("SamplingSeconds", $"must be between 0.5 and 86400 (got {SamplingSeconds})"));
        if (!(BreakSeconds is >= 0.5 and <= 86_400)) errors.Add(new("BreakSeconds", $"must be between 0.5 and 86400 (got {BreakSeconds})"));
        if (TimeoutMilliseconds is < 10 or > 600_000) errors.Add(new("TimeoutMilliseconds", $"must be between 10 and 600000 (got {TimeoutMilliseconds})"));
        return errors;
    }
}
