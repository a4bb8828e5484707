namespace AiTrading.Core.Features;

/// <summary>The feature sets used when none is configured.</summary>
public static class DefaultFeatures
{
    /// <summary>
    /// Every bar indicator of the <see cref="FeatureCatalog"/> with its default parameters and every line: the
    /// reference columns of <c>shared/data/reference</c> (SMA_20 … ADOSC_3_10), plus Bollinger %B and bandwidth,
    /// Keltner and Donchian channels and the session VWAP.
    /// </summary>
    public static IReadOnlyList<FeatureDefinition> Bars { get; } = FeatureCatalog.Indicators
        .Where(i => i.Input != FeatureInput.Tick)
        .Select(i => new FeatureDefinition(i.Name))
        .ToArray();

    /// <summary>The tick-level microstructure set (window 100 ticks, intensity over 10 s).</summary>
    public static IReadOnlyList<FeatureDefinition> Ticks { get; } = FeatureCatalog.Indicators
        .Where(i => i.Input == FeatureInput.Tick)
        .Select(i => new FeatureDefinition(i.Name))
        .ToArray();

    /// <summary><see cref="Bars"/> and <see cref="Ticks"/>: what an instrument computes by default.</summary>
    public static IReadOnlyList<FeatureDefinition> All { get; } = [.. Bars, .. Ticks];
}
