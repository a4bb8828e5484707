namespace AiTrading.Core.Features;

/// <summary>
/// One feature of a <see cref="FeaturePipeline"/>: which <see cref="FeatureCatalog"/> indicator computes it
/// (<see cref="Indicator"/>, a TA-Lib-style function name such as <c>MACD</c>), its parameters by name (missing ones
/// take the catalog's defaults), which line of a multi-line indicator it reads (<see cref="Output"/>, e.g.
/// <c>signal</c>; every line, as separate features, when omitted), the bar timeframe it runs on (<c>M1</c>,
/// <c>M5</c>, <c>H1</c>, <c>D1</c>; <c>tick</c> for tick-level features; the pipeline's own timeframe when omitted)
/// and, for indicators of one series, which price of the bar they read (<see cref="Input"/>: <c>close</c> when
/// omitted, or <c>open</c>, <c>high</c>, <c>low</c>, <c>volume</c>, <c>median</c> = (h+l)/2,
/// <c>typical</c> = (h+l+c)/3, <c>weighted</c> = (h+l+2c)/4, <c>average</c> = (o+h+l+c)/4).
/// <see cref="Name"/> is the feature's name in the vector. When omitted it is the catalog's TA-Lib-style column name
/// (<c>MACDSIGNAL_12_26_9</c>), then <c>_VOLUME</c> (the input) when the input is not the close, then <c>@H1</c> when
/// the timeframe differs from the pipeline's; a name given for several lines becomes a prefix (<c>trend_signal</c>).
/// </summary>
public sealed record FeatureDefinition(
    string Indicator,
    IReadOnlyDictionary<string, double>? Parameters = null,
    string? Output = null,
    string? Timeframe = null,
    string? Name = null,
    string? Input = null)
{
    public const string TickTimeframe = "tick";
}

/// <summary>The price of each bar an indicator of one series reads (see <see cref="FeatureDefinition.Input"/>).</summary>
public enum SeriesInput
{
    Close,
    Open,
    High,
    Low,
    Volume,
    Median,
    Typical,
    Weighted,
    Average,
}
