namespace AiTrading.Core.Indicators;

/// <summary>
/// What every streaming indicator shares, kept here so an indicator class writes only its formula: the name, the
/// warm-up, readiness, the value, reset, and (in the input-shape bases below) the finite-input guard and the batch
/// form. <see cref="Value"/> is NaN until <see cref="IsReady"/>, which turns true on exactly the
/// <see cref="WarmUpPeriod"/>-th input; an update is O(1) (amortised) and allocates nothing.
/// <para>Subclass <see cref="SeriesIndicator"/> (one value per period, usually the close), <see cref="WindowIndicator"/>
/// (the same over a window of the last <c>period</c> values), <see cref="BarIndicator"/> (high, low, close) or
/// <see cref="VolumeBarIndicator"/> (and volume), and override <c>Step</c> and <see cref="OnReset"/>. The recipe is in
/// docs/indicators.md.</para>
/// </summary>
public abstract class Indicator
{
    private static readonly string[] MainLine = ["value"];

    private protected Indicator(string name, int warmUpPeriod)
    {
        Name = name;
        WarmUpPeriod = warmUpPeriod;
    }

    /// <summary>TA-Lib's function name with the parameters, e.g. <c>SMA_20</c>; also the feature column.</summary>
    public string Name { get; }

    public int WarmUpPeriod { get; }

    /// <summary>Inputs since construction or the last reset.</summary>
    public long Samples { get; private set; }

    public bool IsReady => Samples >= WarmUpPeriod;

    /// <summary>The main line; NaN while warming up.</summary>
    public double Value { get; private set; } = double.NaN;

    /// <summary>Short, fixed names of the lines ("signal", "upper"); <c>value</c> alone for a single-line indicator.</summary>
    public virtual IReadOnlyList<string> OutputNames => MainLine;

    /// <summary>One line by its place in <see cref="OutputNames"/>, NaN while that line warms up.</summary>
    public virtual double Output(int index) =>
        index == 0 ? Value : throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {OutputNames.Count} outputs");

    public void Reset()
    {
        Samples = 0;
        Value = double.NaN;
        OnReset();
    }

    /// <summary>Clears the indicator's own state (the base has cleared the count and the value).</summary>
    protected abstract void OnReset();

    /// <summary>Counts an input that passed the guard; the step that follows sees it in <see cref="Samples"/>.</summary>
    private protected void Count() => Samples++;

    /// <summary>Takes a step's result as the value once the indicator is ready (before that it is discarded).</summary>
    private protected void Publish(double value)
    {
        if (Samples >= WarmUpPeriod) Value = value;
    }

    /// <summary>Refuses a period below 1 (every period parameter shares this check).</summary>
    protected static int RequirePeriod(int period, string parameter = "period")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period, parameter);
        return period;
    }

    // One NaN would stay in a running sum or a smoothed average for ever, so non-finite inputs are refused.
    private protected void RequireFinite(double value, string parameter)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(parameter, value, $"{Name}: input must be a finite number");
    }

    private protected void RequireFiniteBar(double high, double low, double close)
    {
        RequireFinite(high, nameof(high));
        RequireFinite(low, nameof(low));
        RequireFinite(close, nameof(close));
    }

    private protected void RequireVolume(double volume)
    {
        if (!double.IsFinite(volume) || volume < 0)
            throw new ArgumentOutOfRangeException(nameof(volume), volume, $"{Name}: volume must be a finite number ≥ 0");
    }

    private protected static void RequireOutput(int inputLength, int outputLength)
    {
        if (outputLength < inputLength)
            throw new ArgumentException($"output has {outputLength} elements but the input has {inputLength}", "output");
    }

    private protected static void RequireBar(int high, int low, int close)
    {
        if (high != close || low != close)
            throw new ArgumentException($"high ({high}), low ({low}) and close ({close}) must have the same length", nameof(close));
    }
}

/// <summary>An indicator fed one value per period (the close unless a feature names another input).</summary>
public abstract class SeriesIndicator : Indicator
{
    protected SeriesIndicator(string name, int warmUpPeriod) : base(name, warmUpPeriod) { }

    public void Update(double value)
    {
        RequireFinite(value, nameof(value));
        Count();
        Publish(Step(value));
    }

    /// <summary>Takes one input (already counted in <see cref="Indicator.Samples"/>) and returns the value; what it returns before the warm-up ends is discarded.</summary>
    protected abstract double Step(double value);

    /// <summary>The batch form: resets, streams <paramref name="input"/> and writes each value (NaN in the warm-up), the same numbers as streaming.</summary>
    public void Compute(ReadOnlySpan<double> input, Span<double> output)
    {
        RequireOutput(input.Length, output.Length);
        Reset();
        for (var i = 0; i < input.Length; i++)
        {
            Update(input[i]);
            output[i] = Value;
        }
    }
}

/// <summary>
/// A series indicator over the last <c>period</c> inputs: the base keeps them in a ring buffer and hands the step
/// the value that just left it.
/// </summary>
public abstract class WindowIndicator : SeriesIndicator
{
    private protected readonly RollingWindow Window;

    protected WindowIndicator(string name, int period, int warmUpPeriod) : base(name, warmUpPeriod)
    {
        Period = RequirePeriod(period);
        Window = new RollingWindow(period);
    }

    public int Period { get; }

    protected sealed override double Step(double value) => Step(value, Window.Push(value));

    /// <summary>One input after it entered the window; <paramref name="periodAgo"/> is the input <c>period</c> inputs ago (0 before there was one).</summary>
    protected abstract double Step(double value, double periodAgo);

    protected override void OnReset() => Window.Reset();
}

/// <summary>An indicator fed the high, low and close of each bar.</summary>
public abstract class BarIndicator : Indicator
{
    protected BarIndicator(string name, int warmUpPeriod) : base(name, warmUpPeriod) { }

    public void Update(double high, double low, double close)
    {
        RequireFiniteBar(high, low, close);
        Count();
        Publish(Step(high, low, close));
    }

    /// <inheritdoc cref="SeriesIndicator.Step"/>
    protected abstract double Step(double high, double low, double close);

    /// <inheritdoc cref="SeriesIndicator.Compute"/>
    public void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, Span<double> output)
    {
        RequireBar(high.Length, low.Length, close.Length);
        RequireOutput(close.Length, output.Length);
        Reset();
        for (var i = 0; i < close.Length; i++)
        {
            Update(high[i], low[i], close[i]);
            output[i] = Value;
        }
    }
}

/// <summary>An indicator fed the high, low, close and traded volume of each bar.</summary>
public abstract class VolumeBarIndicator : Indicator
{
    protected VolumeBarIndicator(string name, int warmUpPeriod) : base(name, warmUpPeriod) { }

    public void Update(double high, double low, double close, double volume)
    {
        RequireFiniteBar(high, low, close);
        RequireVolume(volume);
        Count();
        Publish(Step(high, low, close, volume));
    }

    /// <inheritdoc cref="SeriesIndicator.Step"/>
    protected abstract double Step(double high, double low, double close, double volume);

    /// <inheritdoc cref="SeriesIndicator.Compute"/>
    public void Compute(ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close, ReadOnlySpan<double> volume, Span<double> output)
    {
        if (high.Length != close.Length || low.Length != close.Length || volume.Length != close.Length)
            throw new ArgumentException($"high ({high.Length}), low ({low.Length}), close ({close.Length}) and volume ({volume.Length}) must have the same length", nameof(volume));
        RequireOutput(close.Length, output.Length);
        Reset();
        for (var i = 0; i < close.Length; i++)
        {
            Update(high[i], low[i], close[i], volume[i]);
            output[i] = Value;
        }
    }
}
