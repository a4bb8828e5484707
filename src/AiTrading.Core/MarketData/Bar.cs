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

    /// <summary>The shortest timeframe the live cluster builds bars for.</summary>
    public static readonly TimeSpan MinLive = TimeSpan.FromSeconds(1);

    /// <summary>The longest timeframe the live cluster builds bars for.</summary>
    public static readonly TimeSpan MaxLive = TimeSpan.FromDays(366);

    /// <summary>
    /// A timeframe name as the live cluster takes it: the canonical <see cref="Name"/> of a duration from
    /// <see cref="MinLive"/> to <see cref="MaxLive"/> (H1, not M60 or h1). False, with the reason, otherwise.
    /// </summary>
    public static bool TryParseName(string? name, out Timeframe timeframe, out string problem)
    {
        timeframe = default;
        problem = "";
        // At most 4 digits: D366 is the longest, and longer counts would overflow a TimeSpan.
        if (name is null || name.Length is < 2 or > 5 || name.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
        {
            problem = $"'{name}' is not a timeframe (a unit S, M, H or D and a count, e.g. M1, H4, D1)";
            return false;
        }
        try
        {
            timeframe = Parse(name);
        }
        catch (ArgumentException e)
        {
            problem = e.Message.Split(" (Parameter", 2)[0];
            return false;
        }
        if (timeframe.Duration < MinLive || timeframe.Duration > MaxLive)
            problem = $"'{name}' is outside {new Timeframe(MinLive).Name} to {new Timeframe(MaxLive).Name}";
        else if (timeframe.Name != name)
            problem = $"'{name}' is written {timeframe.Name}";
        return problem.Length == 0;
    }

    /// <summary>Start of the bar that contains <paramref name="time"/> (bars are aligned to UTC midnight).</summary>
    public DateTimeOffset Floor(DateTimeOffset time)
    {
        var utc = time.UtcTicks;
        return new DateTimeOffset(utc - utc % Duration.Ticks, TimeSpan.Zero);
    }

    public override string ToString() => Name;
}
