namespace AiTrading.Core.Indicators;

/// <summary>
/// The batch form shared by every indicator: it streams the input through a fresh instance, so batch and
/// streaming results are the same numbers by construction. Warm-up outputs are NaN.
/// </summary>
public static class IndicatorBatch
{
    public static void Run(ISeriesIndicator indicator, ReadOnlySpan<double> input, Span<double> output)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        RequireOutput(input.Length, output.Length);
        for (var i = 0; i < input.Length; i++)
        {
            indicator.Update(input[i]);
            output[i] = indicator.Value;
        }
    }

    public static void Run(IBarIndicator indicator, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        if (high.Length != close.Length || low.Length != close.Length)
            throw new ArgumentException($"high ({high.Length}), low ({low.Length}) and close ({close.Length}) must have the same length", nameof(close));
        RequireOutput(close.Length, output.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i]);
            output[i] = indicator.Value;
        }
    }

    public static void Run(IVolumeBarIndicator indicator, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume, Span<double> output)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        if (high.Length != close.Length || low.Length != close.Length || volume.Length != close.Length)
            throw new ArgumentException($"high ({high.Length}), low ({low.Length}), close ({close.Length}) and volume ({volume.Length}) must have the same length", nameof(volume));
        RequireOutput(close.Length, output.Length);
        for (var i = 0; i < close.Length; i++)
        {
            indicator.Update(high[i], low[i], close[i], volume[i]);
            output[i] = indicator.Value;
        }
    }

    internal static void RequireOutput(int inputLength, int outputLength)
    {
        if (outputLength < inputLength)
            throw new ArgumentException($"output has {outputLength} elements but the input has {inputLength}", "output");
    }
}

internal static class IndicatorInput
{
    // One NaN would stay in a running sum or a smoothed average for ever, so non-finite inputs are refused.
    public static void RequireFinite(double value, string name, string parameter)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(parameter, value, $"{name}: input must be a finite number");
    }

    /// <summary>The high, low and close of a bar, each checked as <see cref="RequireFinite"/> does (the parameter named is the bad one).</summary>
    public static void RequireFiniteBar(double high, double low, double close, string name)
    {
        RequireFinite(high, name, nameof(high));
        RequireFinite(low, name, nameof(low));
        RequireFinite(close, name, nameof(close));
    }
}
