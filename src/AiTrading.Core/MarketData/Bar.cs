namespace AiTrading.Core.MarketData;

/// <summary>A time bar. <see cref="Volume"/> is traded size when ticks carry trades, else the tick count.</summary>
public sealed record Bar(
    string Symbol,
    Timeframe Timeframe,
    DateTimeOffset OpenTime,
    double Open,
    double High,
    double Low,
    double Close,
    double Volume,
    int TickCount)
{
    public DateTimeOffset CloseTime => OpenTime + Timeframe.Duration;
}

public readonly record struct Timeframe(TimeSpan Duration)
{
    public static readonly Timeframe M1 = new(TimeSpan.FromMinutes(1));
    public static readonly Timeframe M5 = new(TimeSpan.FromMinutes(5));

    /// <summary>Conventional short name: M1, M5, H1, D1.</summary>
    public string Name => Duration switch
    {
        { TotalDays: >= 1 } d when d.TotalDays % 1 == 0 => $"D{(int)d.TotalDays}",
        { TotalHours: >= 1 } h when h.TotalHours % 1 == 0 => $"H{(int)h.TotalHours}",
        { TotalMinutes: >= 1 } m when m.TotalMinutes % 1 == 0 => $"M{(int)m.TotalMinutes}",
        var s => $"S{(int)s.TotalSeconds}",
    };

    public static Timeframe Parse(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length < 2 || !int.TryParse(name.AsSpan(1), out var n) || n <= 0)
            throw new ArgumentException($"timeframe '{name}' is not of the form M1, M5, H1, D1", nameof(name));
        return char.ToUpperInvariant(name[0]) switch
        {
            'S' => new(TimeSpan.FromSeconds(n)),
            'M' => new(TimeSpan.FromMinutes(n)),
            'H' => new(TimeSpan.FromHours(n)),
            'D' => new(TimeSpan.FromDays(n)),
            _ => throw new ArgumentException($"timeframe '{name}' has unknown unit '{name[0]}' (use S, M, H or D)", nameof(name)),
        };
    }

    /// <summary>Start of the bar that contains <paramref name="time"/> (bars are aligned to UTC midnight).</summary>
    public DateTimeOffset Floor(DateTimeOffset time)
    {
        var utc = time.UtcTicks;
        return new DateTimeOffset(utc - utc % Duration.Ticks, TimeSpan.Zero);
    }

    public override string ToString() => Name;
}
