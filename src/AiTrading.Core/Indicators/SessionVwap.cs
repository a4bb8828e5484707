using System.Globalization;

namespace AiTrading.Core.Indicators;

/// <summary>
/// Session-anchored volume-weighted average price of the typical price <c>tp = (high+low+close)/3</c>:
/// <c>Σ tp·volume / Σ volume</c> over the bars of the current session. A session begins every UTC day at
/// <see cref="SessionStart"/> (a time of day); the sums restart at the first bar at or after each boundary (bars
/// are placed by their UTC time, whatever their offset). Ready from the first bar (TA-Lib has no VWAP).
/// While the session has traded no volume yet the VWAP is undefined (0/0); it then falls back to equal weights,
/// the session's mean typical price, so zero-volume data (FX tick-count bars, indices) still has a finite value.
/// Volume must be finite and ≥ 0 and times must not go backwards. O(1) per update.
/// </summary>
public sealed class SessionVwap : Indicator
{
    private long _lastTicks;
    private long _session;
    private double _priceVolume;
    private double _volume;
    private double _typicalSum;
    private int _sessionBars;

    public SessionVwap(TimeSpan sessionStart) : base(NameOf(sessionStart), 1) => SessionStart = sessionStart;

    private static string NameOf(TimeSpan sessionStart)
    {
        if (sessionStart < TimeSpan.Zero || sessionStart >= TimeSpan.FromDays(1))
            throw new ArgumentOutOfRangeException(nameof(sessionStart), sessionStart, "the session start is a time of day: 0 ≤ sessionStart < 1 day");
        return sessionStart == TimeSpan.Zero ? "VWAP" : "VWAP_" + FormatTimeOfDay(sessionStart);
    }

    public TimeSpan SessionStart { get; }

    /// <summary>True when the last bar opened a new session (the first bar always does).</summary>
    public bool IsNewSession { get; private set; }

    public void Update(DateTimeOffset time, double high, double low, double close, double volume)
    {
        RequireFiniteBar(high, low, close);
        RequireVolume(volume);
        var ticks = time.UtcTicks;
        if (Samples > 0 && ticks < _lastTicks)
            throw new ArgumentException($"{Name}: time {time:O} is before the previous bar's {new DateTimeOffset(_lastTicks, TimeSpan.Zero):O}", nameof(time));

        // Sessions are numbered by the UTC day in which they begin (−1: before the calendar's first boundary).
        var session = ticks >= SessionStart.Ticks ? (ticks - SessionStart.Ticks) / TimeSpan.TicksPerDay : -1;
        IsNewSession = Samples == 0 || session != _session;
        if (IsNewSession)
        {
            _session = session;
            _priceVolume = 0;
            _volume = 0;
            _typicalSum = 0;
            _sessionBars = 0;
        }
        Count();
        _lastTicks = ticks;
        var typical = (high + low + close) / 3;
        _priceVolume += typical * volume;
        _volume += volume;
        _typicalSum += typical;
        _sessionBars++;
        Publish(_volume > 0 ? _priceVolume / _volume : _typicalSum / _sessionBars);
    }

    protected override void OnReset()
    {
        _lastTicks = 0;
        _session = 0;
        _priceVolume = 0;
        _volume = 0;
        _typicalSum = 0;
        _sessionBars = 0;
        IsNewSession = false;
    }

    /// <summary>The VWAP of each bar, the same numbers as streaming.</summary>
    public static void Compute(ReadOnlySpan<DateTimeOffset> time, ReadOnlySpan<double> high, ReadOnlySpan<double> low, ReadOnlySpan<double> close,
        ReadOnlySpan<double> volume, Span<double> output, TimeSpan sessionStart)
    {
        var indicator = new SessionVwap(sessionStart);
        if (high.Length != time.Length || low.Length != time.Length || close.Length != time.Length || volume.Length != time.Length)
            throw new ArgumentException($"time ({time.Length}), high ({high.Length}), low ({low.Length}), close ({close.Length}) and volume ({volume.Length}) must have the same length", nameof(volume));
        RequireOutput(time.Length, output.Length);
        for (var i = 0; i < time.Length; i++)
        {
            indicator.Update(time[i], high[i], low[i], close[i], volume[i]);
            output[i] = indicator.Value;
        }
    }

    // HHmm, with seconds and a fraction only when the start has them (09:30 → 0930, 09:30:15 → 093015).
    private static string FormatTimeOfDay(TimeSpan time)
    {
        var text = time.ToString("hhmm", CultureInfo.InvariantCulture);
        if (time.Ticks % TimeSpan.TicksPerMinute == 0) return text;
        text += time.ToString("ss", CultureInfo.InvariantCulture);
        if (time.Ticks % TimeSpan.TicksPerSecond == 0) return text;
        return text + "." + time.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
    }
}
