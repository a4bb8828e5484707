using AiTrading.Core.Indicators;

namespace AiTrading.Core.Features.Microstructure;

/// <summary>
/// Centred second moments of the last <c>capacity</c> pairs (x, y), updated in O(1) per pair, no allocation after
/// construction. The sums are kept of the values minus a shift (kx, ky) that is always one of the pairs in the window
/// (the first pair, then the newest pair at each recomputation), which keeps the cancellation in
/// <c>Σx² − (Σx)²/n</c> small: the centred sum is then at least 1/(n+1) of the shifted sum of squares.
/// Drift control: the five sums are compensated (Neumaier) running sums, and every <c>capacity</c> pushes they are
/// recomputed from the ring buffers with a fresh shift (amortized O(1)). A series is "constant" when all its values in the window equal the shift (an exact count):
/// its centred moments are then exactly 0, and so is the co-moment. Centred moments below 1e-12 of the shifted sum
/// of squares are rounding residue and read as 0.
/// </summary>
internal sealed class WindowCovariance
{
    private const double RoundingLevel = 1e-12;
    private readonly double[] _x;
    private readonly double[] _y;
    private int _next;
    private long _count;
    private int _sinceRecompute;
    private double _kx, _ky;
    private int _xOff, _yOff; // values in the window that differ from the shift
    private CompensatedSum _sx, _sy, _sxx, _syy, _sxy;

    public WindowCovariance(int capacity)
    {
        _x = new double[capacity];
        _y = new double[capacity];
    }

    /// <summary>The number of pairs in the window (at most the capacity).</summary>
    public int Count => (int)Math.Min(_count, _x.Length);

    /// <summary>Σ(x − x̄)² over the window, 0 when x is constant.</summary>
    public double CentredXX => Centred(_xOff, _sxx.Value, _sx.Value);

    /// <summary>Σ(y − ȳ)² over the window, 0 when y is constant.</summary>
    public double CentredYY => Centred(_yOff, _syy.Value, _sy.Value);

    /// <summary>
    /// Σ(x − x̄)(y − ȳ) over the window: 0 when either series is constant, or when the correlation it gives is below
    /// 1e-12 in magnitude (rounding level: the co-moment of uncorrelated data on a price grid is noise there).
    /// </summary>
    public double CentredXY
    {
        get
        {
            var (xx, yy) = (CentredXX, CentredYY);
            if (xx == 0 || yy == 0) return 0;
            var xy = _sxy.Value - _sx.Value * _sy.Value / Count;
            return Math.Abs(xy) <= RoundingLevel * Math.Sqrt(xx) * Math.Sqrt(yy) ? 0 : xy;
        }
    }

    public void Push(double x, double y)
    {
        if (_count == 0)
        {
            _kx = x;
            _ky = y;
        }
        if (_count >= _x.Length) Remove(_x[_next], _y[_next]);
        _x[_next] = x;
        _y[_next] = y;
        _next = _next + 1 == _x.Length ? 0 : _next + 1;
        _count++;
        Add(x, y);
        // Removals can leave a sum of squares at or below 0 (values far smaller than the ones removed): recompute then.
        if (++_sinceRecompute == _x.Length || (_count > _x.Length && ((_xOff > 0 && _sxx.Value <= 0) || (_yOff > 0 && _syy.Value <= 0))))
            Recompute(x, y);
    }

    public void Reset()
    {
        Array.Clear(_x);
        Array.Clear(_y);
        _next = 0;
        _count = 0;
        _sinceRecompute = 0;
        _kx = _ky = 0;
        ClearSums();
    }

    private double Centred(int off, double squares, double sum)
    {
        if (off == 0) return 0;
        var centred = squares - sum * sum / Count;
        return squares > 0 && centred > RoundingLevel * squares ? centred : 0;
    }

    private void Add(double x, double y)
    {
        var dx = x - _kx;
        var dy = y - _ky;
        if (dx != 0) _xOff++;
        if (dy != 0) _yOff++;
        _sx.Add(dx);
        _sy.Add(dy);
        _sxx.Add(dx * dx);
        _syy.Add(dy * dy);
        _sxy.Add(dx * dy);
    }

    private void Remove(double x, double y)
    {
        var dx = x - _kx;
        var dy = y - _ky;
        if (dx != 0) _xOff--;
        if (dy != 0) _yOff--;
        _sx.Add(-dx);
        _sy.Add(-dy);
        _sxx.Add(-dx * dx);
        _syy.Add(-dy * dy);
        _sxy.Add(-dx * dy);
        // Every remaining value equals the shift: the exact sums are 0, so drop the residue of the removed ones.
        if (_xOff == 0)
        {
            _sx.Clear();
            _sxx.Clear();
            _sxy.Clear();
        }
        if (_yOff == 0)
        {
            _sy.Clear();
            _syy.Clear();
            _sxy.Clear();
        }
    }

    // Runs only when the window is full, so every slot holds a pair of the window.
    private void Recompute(double newestX, double newestY)
    {
        _sinceRecompute = 0;
        _kx = newestX;
        _ky = newestY;
        ClearSums();
        for (var i = 0; i < _x.Length; i++) Add(_x[i], _y[i]);
    }

    private void ClearSums()
    {
        _xOff = _yOff = 0;
        _sx.Clear();
        _sy.Clear();
        _sxx.Clear();
        _syy.Clear();
        _sxy.Clear();
    }
}
