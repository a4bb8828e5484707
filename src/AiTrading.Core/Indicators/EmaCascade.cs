namespace AiTrading.Core.Indicators;

/// <summary>
/// EMAs of one period fed into each other (EMA of EMA of …), each stage starting once the one before it is ready,
/// as TA-Lib's DEMA, TEMA and TRIX build them.
/// </summary>
internal sealed class EmaCascade
{
    private readonly Ema[] _stages;

    public EmaCascade(int period, int stages)
    {
        _stages = new Ema[stages];
        for (var i = 0; i < stages; i++) _stages[i] = new Ema(period);
    }

    /// <summary>The current value of stage <paramref name="stage"/> (0 = the EMA of the input).</summary>
    public double this[int stage] => _stages[stage].Value;

    public bool IsReady => _stages[^1].IsReady;

    /// <summary>Feeds a value through the stages; true once the last stage has a value.</summary>
    public bool Update(double value)
    {
        var input = value;
        foreach (var stage in _stages)
        {
            stage.Update(input);
            if (!stage.IsReady) return false;
            input = stage.Value;
        }
        return true;
    }

    public void Reset()
    {
        foreach (var stage in _stages) stage.Reset();
    }
}
