using AiTrading.Core;

namespace AiTrading.ML;

/// <summary>
/// Labelled rows of a <see cref="FeatureDataset"/>: sample <c>s</c> is row <see cref="Rows"/>[s] with its forward
/// log return, whether that return is an up move, and <see cref="Ends"/>[s], the last row whose prices the label
/// reads. Rows too close to the end for a full horizon have no label. Samples are in row order.
/// </summary>
public sealed class Labels
{
    public Labels(int[] rows, int[] ends, double[] returns)
    {
        if (rows.Length != ends.Length || rows.Length != returns.Length) throw new ArgumentException("rows, ends and returns differ in length");
        Rows = rows;
        Ends = ends;
        Returns = returns;
        Up = returns.Select(r => r > 0).ToArray();
    }

    public int[] Rows { get; }
    public int[] Ends { get; }
    public double[] Returns { get; }
    public bool[] Up { get; }
    public int Count => Rows.Length;

    /// <summary>The share of up labels among <paramref name="samples"/>.</summary>
    public double UpRate(IReadOnlyList<int> samples) => samples.Count == 0 ? 0.5 : samples.Count(s => Up[s]) / (double)samples.Count;

    /// <summary>These labels without the samples whose row is before <paramref name="firstRow"/> (sequence models need a full window).</summary>
    public Labels From(int firstRow)
    {
        var keep = Enumerable.Range(0, Count).Where(s => Rows[s] >= firstRow).ToArray();
        return new Labels(keep.Select(s => Rows[s]).ToArray(), keep.Select(s => Ends[s]).ToArray(), keep.Select(s => Returns[s]).ToArray());
    }
}

/// <summary>How a row's outcome is defined.</summary>
public abstract record Labeling
{
    public abstract Labels Apply(FeatureDataset data);

    /// <summary>The longest stretch of later rows one label reads.</summary>
    public abstract int Horizon { get; }

    public abstract string Describe();
}

/// <summary>The log return from the row's close to the close <see cref="Bars"/> rows later; up when positive.</summary>
public sealed record FixedHorizon(int Bars) : Labeling
{
    public override int Horizon => Bars;

    public override Labels Apply(FeatureDataset data)
    {
        if (Bars < 1) throw new ValidationException("horizon", $"must be at least 1 bar (got {Bars})");
        var n = Math.Max(0, data.Count - Bars);
        var rows = new int[n];
        var ends = new int[n];
        var returns = new double[n];
        for (var i = 0; i < n; i++)
        {
            rows[i] = i;
            ends[i] = i + Bars;
            returns[i] = Math.Log(data.Closes[i + Bars] / data.Closes[i]);
        }
        return new Labels(rows, ends, returns);
    }

    public override string Describe() => $"fixed-horizon({Bars})";
}

/// <summary>
/// The triple-barrier method (López de Prado): from a row's close, an upper barrier at
/// <c>close·exp(+UpperWidth·σ·√Bars)</c>, a lower one at <c>close·exp(−LowerWidth·σ·√Bars)</c>, σ the standard
/// deviation of the last <see cref="VolatilityWindow"/> one-bar log returns up to the row, and a vertical barrier
/// <see cref="Bars"/> rows later. The label is the return to the first barrier touched by a later bar's high or low
/// (a bar touching both counts as the lower one, as the strategy engine treats a bar touching stop and target), or
/// the close-to-close return at the vertical barrier; its end is the row of the touch.
/// </summary>
public sealed record TripleBarrier(int Bars, double UpperWidth = 1, double LowerWidth = 1, int VolatilityWindow = 20) : Labeling
{
    public override int Horizon => Bars;

    public override Labels Apply(FeatureDataset data)
    {
        var errors = new List<FieldError>();
        if (Bars < 1) errors.Add(new("horizon", $"must be at least 1 bar (got {Bars})"));
        if (!(UpperWidth > 0) || !double.IsFinite(UpperWidth)) errors.Add(new("upperWidth", $"must be a positive number (got {UpperWidth})"));
        if (!(LowerWidth > 0) || !double.IsFinite(LowerWidth)) errors.Add(new("lowerWidth", $"must be a positive number (got {LowerWidth})"));
        if (VolatilityWindow < 2) errors.Add(new("volatilityWindow", $"must be at least 2 bars (got {VolatilityWindow})"));
        if (errors.Count > 0) throw new ValidationException(errors);

        var rows = new List<int>();
        var ends = new List<int>();
        var returns = new List<double>();
        for (var i = VolatilityWindow; i + Bars < data.Count; i++)
        {
            var sigma = Volatility(data, i);
            var close = data.Closes[i];
            var upper = close * Math.Exp(UpperWidth * sigma * Math.Sqrt(Bars));
            var lower = close * Math.Exp(-LowerWidth * sigma * Math.Sqrt(Bars));
            var end = i + Bars;
            var exit = data.Closes[end];
            for (var j = i + 1; j <= i + Bars; j++)
            {
                if (data.Lows[j] <= lower) { end = j; exit = lower; break; }
                if (data.Highs[j] >= upper) { end = j; exit = upper; break; }
            }
            rows.Add(i);
            ends.Add(end);
            returns.Add(Math.Log(exit / close));
        }
        return new Labels(rows.ToArray(), ends.ToArray(), returns.ToArray());
    }

    private double Volatility(FeatureDataset data, int row)
    {
        double sum = 0, sumSquares = 0;
        for (var k = row - VolatilityWindow + 1; k <= row; k++)
        {
            var r = Math.Log(data.Closes[k] / data.Closes[k - 1]);
            sum += r;
            sumSquares += r * r;
        }
        var mean = sum / VolatilityWindow;
        return Math.Sqrt(Math.Max(0, sumSquares / VolatilityWindow - mean * mean) * VolatilityWindow / (VolatilityWindow - 1));
    }

    public override string Describe() => $"triple-barrier({Bars}, up {UpperWidth}σ, down {LowerWidth}σ, σ over {VolatilityWindow})";
}
