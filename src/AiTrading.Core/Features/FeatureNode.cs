using AiTrading.Core.Features.Microstructure;
using AiTrading.Core.Indicators;
using AiTrading.Core.MarketData;

namespace AiTrading.Core.Features;

/// <summary>One indicator instance of a <see cref="FeaturePipeline"/>, fed the bars of its timeframe (or the ticks), read line by line.</summary>
internal abstract class FeatureNode(Timeframe? timeframe)
{
    /// <summary>Null for tick-level features.</summary>
    public Timeframe? Timeframe { get; } = timeframe;

    public virtual void Update(Bar bar) { }
    public virtual void Update(in Tick tick) { }
    public abstract double Read(int output);
    public abstract void Reset();
}

internal abstract class IndicatorNode(Indicator indicator, Timeframe timeframe) : FeatureNode(timeframe)
{
    public override double Read(int output) => indicator.Output(output);
    public override void Reset() => indicator.Reset();
}

internal sealed class SeriesNode(SeriesIndicator indicator, SeriesInput input, Timeframe timeframe) : IndicatorNode(indicator, timeframe)
{
    public override void Update(Bar bar) => indicator.Update(input switch
    {
        SeriesInput.Close => bar.Close,
        SeriesInput.Open => bar.Open,
        SeriesInput.High => bar.High,
        SeriesInput.Low => bar.Low,
        SeriesInput.Volume => bar.Volume,
        SeriesInput.Median => (bar.High + bar.Low) / 2,
        SeriesInput.Typical => (bar.High + bar.Low + bar.Close) / 3,
        SeriesInput.Weighted => (bar.High + bar.Low + 2 * bar.Close) / 4,
        _ => (bar.Open + bar.High + bar.Low + bar.Close) / 4,
    });
}

internal sealed class BarNode(BarIndicator indicator, Timeframe timeframe) : IndicatorNode(indicator, timeframe)
{
    public override void Update(Bar bar) => indicator.Update(bar.High, bar.Low, bar.Close);
}

internal sealed class VolumeBarNode(VolumeBarIndicator indicator, Timeframe timeframe) : IndicatorNode(indicator, timeframe)
{
    public override void Update(Bar bar) => indicator.Update(bar.High, bar.Low, bar.Close, bar.Volume);
}

internal sealed class SessionNode(SessionVwap indicator, Timeframe timeframe) : IndicatorNode(indicator, timeframe)
{
    public override void Update(Bar bar) => indicator.Update(bar.OpenTime, bar.High, bar.Low, bar.Close, bar.Volume);
}

internal sealed class TickNode(MicrostructureFeatures features) : FeatureNode(null)
{
    public override void Update(in Tick tick) => features.Update(tick);
    public override double Read(int output) => features.Output(output);
    public override void Reset() => features.Reset();
}
