using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTrading.Core.Features;

namespace AiTrading.Core.Strategies;

/// <summary>
/// A strategy as a client submits it: what it trades, the features and models it reads, when it enters and exits
/// (rules over features, predictions and position state, see <see cref="Rules.CompiledRule"/>), how much it
/// trades, its protective exits and limits, and the venue. <see cref="Version"/> grows when the spec changes:
/// resubmitting the same id and version with the same content is idempotent, with other content a conflict.
/// </summary>
public sealed record StrategySpec
{
    public string Id { get; init; } = "";
    public int Version { get; init; } = 1;
    public string Account { get; init; } = "";
    public IReadOnlyList<string> Instruments { get; init; } = [];
    public string Timeframe { get; init; } = "M1";
    public IReadOnlyList<FeatureDefinition> Features { get; init; } = [];
    public IReadOnlyList<ModelReference> Models { get; init; } = [];

    /// <summary>The calibrated confidence in an entry's direction below which no entry passes (when models are named).</summary>
    public double MinConfidence { get; init; } = 0.7;

    public StrategyRules Rules { get; init; } = new();
    public PositionSizing Sizing { get; init; } = new();
    public ProtectiveExit? StopLoss { get; init; }
    public ProtectiveExit? TakeProfit { get; init; }
    public ProtectiveExit? TrailingStop { get; init; }
    public StrategyLimits Limits { get; init; } = new();
    public string Venue { get; init; } = "paper";

    /// <summary>
    /// The spec with missing parts (a JSON <c>null</c> for a list or a section) replaced by their defaults, as every
    /// entry point stores it: one spec has one content hash however it was written.
    /// </summary>
    public StrategySpec Normalized() => this with
    {
        Id = Id ?? "",
        Account = Account ?? "",
        Instruments = Instruments ?? [],
        Timeframe = Timeframe ?? "",
        Features = Features ?? [],
        Models = Models ?? [],
        Rules = Rules ?? new(),
        Sizing = Sizing ?? new(),
        Limits = Limits ?? new(),
        Venue = Venue ?? "",
    };

    private static readonly JsonSerializerOptions CanonicalJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>
    /// SHA-256 (hex) of the spec's canonical JSON (camelCase, object keys sorted), so two specs with the same content
    /// have the same hash whatever the order of their parameter dictionaries.
    /// </summary>
    public string ContentHash()
    {
        var canonical = Sort(JsonSerializer.SerializeToNode(this, CanonicalJson))!.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The same content as <paramref name="other"/> (see <see cref="ContentHash"/>).</summary>
    public bool SameContentAs(StrategySpec other) => ContentHash() == other.ContentHash();

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value?.DeepClone())))),
        JsonArray a => new JsonArray(a.Select(e => Sort(e?.DeepClone())).ToArray()),
        _ => node?.DeepClone(),
    };
}

/// <summary>A model whose prediction the strategy reads, with its weight in the ensemble.</summary>
public sealed record ModelReference(string Model, double Weight = 1);

/// <summary>
/// When to enter and leave, one rule per side. At least one entry rule is needed; an exit rule without the
/// entry rule of its side has nothing to exit. Without an exit rule a position is left by its protective exits or
/// by the opposite entry (a reversal).
/// </summary>
public sealed record StrategyRules
{
    public string? EntryLong { get; init; }
    public string? ExitLong { get; init; }
    public string? EntryShort { get; init; }
    public string? ExitShort { get; init; }
}

/// <summary>
/// How many units an entry buys or sells, rounded down to <see cref="LotSize"/> and capped at
/// <see cref="MaxQuantity"/>:
/// <list type="bullet">
/// <item><c>fixed_quantity</c>: <see cref="Quantity"/> units.</item>
/// <item><c>fixed_notional</c>: <see cref="Notional"/> (account currency) at the bar's close.</item>
/// <item><c>volatility_target</c>: risk <see cref="RiskFraction"/> of equity per <see cref="VolatilityFeature"/>
/// (a feature in price units, such as ATR_14): equity·riskFraction / volatility.</item>
/// <item><c>kelly</c>: the Kelly fraction f = p − (1 − p)/b of equity, with p the confidence in the entry's direction and
/// b = <see cref="PayoffRatio"/> (or take-profit distance / stop-loss distance), capped at <see cref="KellyCap"/>;
/// no entry when f ≤ 0.</item>
/// </list>
/// </summary>
public sealed record PositionSizing
{
    public const string FixedQuantity = "fixed_quantity";
    public const string FixedNotional = "fixed_notional";
    public const string VolatilityTarget = "volatility_target";
    public const string Kelly = "kelly";
    public static readonly string[] Methods = [FixedQuantity, FixedNotional, VolatilityTarget, Kelly];

    public string Method { get; init; } = FixedQuantity;
    public decimal? Quantity { get; init; }
    public decimal? Notional { get; init; }
    public double? RiskFraction { get; init; }
    public string? VolatilityFeature { get; init; }
    public double? KellyCap { get; init; }
    public double? PayoffRatio { get; init; }
    public decimal? MaxQuantity { get; init; }
    public decimal LotSize { get; init; } = 1;
}

/// <summary>
/// A protective exit at a distance from the entry (stop loss, take profit) or from the best price since entry
/// (trailing stop): <c>percent</c> of the entry price, or <c>atr</c>: <see cref="Value"/> times a feature in price
/// units (<see cref="Feature"/>, e.g. ATR_14) at entry.
/// </summary>
public sealed record ProtectiveExit(string Kind, double Value, string? Feature = null)
{
    public const string Percent = "percent";
    public const string Atr = "atr";
}

/// <summary>Limits of this strategy on top of its account's; null means the account's limit alone.</summary>
public sealed record StrategyLimits
{
    public decimal? MaxPosition { get; init; }
    public decimal? MaxOrderNotional { get; init; }
    public decimal? MaxDailyLoss { get; init; }
    public int? MaxOrdersPerMinute { get; init; }
}
