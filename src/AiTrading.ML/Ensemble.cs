using AiTrading.Core;

namespace AiTrading.ML;

public enum CombinationMethod { Weighted, Stacking }

public enum CalibrationMethod { None, Platt, Isotonic }

/// <summary>Maps a model's raw probability to a calibrated one, fitted on out-of-sample scores and outcomes.</summary>
public abstract class Calibrator
{
    public abstract double Apply(double probability);

    public static Calibrator Fit(CalibrationMethod method, IReadOnlyList<double> scores, IReadOnlyList<bool> up) => method switch
    {
        CalibrationMethod.Platt => PlattCalibrator.Fit(scores, up),
        CalibrationMethod.Isotonic => IsotonicCalibrator.Fit(scores, up),
        _ => new Identity(),
    };

    private sealed class Identity : Calibrator
    {
        public override double Apply(double probability) => probability;
    }

    internal static double Logit(double p)
    {
        var q = Math.Clamp(p, 1e-6, 1 - 1e-6);
        return Math.Log(q / (1 - q));
    }

    internal static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}

/// <summary>
/// Platt scaling: p' = σ(a·logit(p) + b), a and b fitted by maximum likelihood against Platt's smoothed targets
/// ((N₊+1)/(N₊+2) for ups, 1/(N₋+2) for downs), so a small sample cannot push p' to 0 or 1.
/// </summary>
public sealed class PlattCalibrator : Calibrator
{
    private PlattCalibrator(double slope, double intercept)
    {
        Slope = slope;
        Intercept = intercept;
    }

    public double Slope { get; }
    public double Intercept { get; }

    public override double Apply(double probability) => Sigmoid(Slope * Logit(probability) + Intercept);

    public static PlattCalibrator Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> up)
    {
        double positives = up.Count(u => u), negatives = up.Count - positives;
        var targets = up.Select(u => u ? (positives + 1) / (positives + 2) : 1 / (negatives + 2)).ToArray();
        var x = scores.Select(s => new[] { Logit(s) }).ToArray();
        var w = Logistic.Fit(x, targets, ridge: 1e-6);
        return new PlattCalibrator(w[0], w[1]);
    }
}

/// <summary>
/// Isotonic regression (pool adjacent violators): the non-decreasing step function of the score closest to the
/// outcomes in squared error, read between blocks by linear interpolation and kept inside [1e−4, 1 − 1e−4].
/// </summary>
public sealed class IsotonicCalibrator : Calibrator
{
    private readonly double[] _x, _y;

    private IsotonicCalibrator(double[] x, double[] y)
    {
        _x = x;
        _y = y;
    }

    public override double Apply(double probability)
    {
        double value;
        if (probability <= _x[0]) value = _y[0];
        else if (probability >= _x[^1]) value = _y[^1];
        else
        {
            var i = Array.BinarySearch(_x, probability);
            if (i >= 0) value = _y[i];
            else
            {
                var hi = ~i;
                var lo = hi - 1;
                value = _y[lo] + (_y[hi] - _y[lo]) * (probability - _x[lo]) / (_x[hi] - _x[lo]);
            }
        }
        return Math.Clamp(value, 1e-4, 1 - 1e-4);
    }

    public static IsotonicCalibrator Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> up)
    {
        if (scores.Count == 0) throw new ArgumentException("no scores to calibrate on");
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        // Blocks of (sum of scores, sum of outcomes, count), merged while a block's mean outcome is below the one before.
        var sx = new List<double>();
        var sy = new List<double>();
        var n = new List<int>();
        foreach (var i in order)
        {
            sx.Add(scores[i]);
            sy.Add(up[i] ? 1 : 0);
            n.Add(1);
            while (sy.Count > 1 && sy[^2] / n[^2] >= sy[^1] / n[^1])
            {
                sx[^2] += sx[^1];
                sy[^2] += sy[^1];
                n[^2] += n[^1];
                sx.RemoveAt(sx.Count - 1);
                sy.RemoveAt(sy.Count - 1);
                n.RemoveAt(n.Count - 1);
            }
        }
        return new IsotonicCalibrator(sx.Select((v, i) => v / n[i]).ToArray(), sy.Select((v, i) => v / n[i]).ToArray());
    }
}

/// <summary>Logistic regression by Newton's method with a small ridge penalty; the last weight is the intercept.</summary>
internal static class Logistic
{
    public static double[] Fit(double[][] x, double[] targets, double ridge, int iterations = 50)
    {
        var k = x.Length == 0 ? 0 : x[0].Length;
        var w = new double[k + 1];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var gradient = new double[k + 1];
            var hessian = new double[k + 1, k + 1];
            for (var i = 0; i < x.Length; i++)
            {
                var z = w[k];
                for (var j = 0; j < k; j++) z += w[j] * x[i][j];
                var p = Calibrator.Sigmoid(z);
                var r = p - targets[i];
                var v = Math.Max(p * (1 - p), 1e-12);
                for (var a = 0; a <= k; a++)
                {
                    var xa = a < k ? x[i][a] : 1;
                    gradient[a] += r * xa;
                    for (var b = 0; b <= k; b++) hessian[a, b] += v * xa * (b < k ? x[i][b] : 1);
                }
            }
            for (var a = 0; a < k; a++)
            {
                gradient[a] += ridge * w[a];
                hessian[a, a] += ridge;
            }
            var step = Solve(hessian, gradient);
            var largest = 0.0;
            for (var a = 0; a <= k; a++)
            {
                w[a] -= step[a];
                largest = Math.Max(largest, Math.Abs(step[a]));
            }
            if (largest < 1e-10) break;
        }
        return w;
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++) if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c])) pivot = r;
            if (Math.Abs(m[pivot, c]) < 1e-15) { m[pivot, c] = 1e-15; }
            if (pivot != c)
            {
                for (var j = 0; j < n; j++) (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
                (x[c], x[pivot]) = (x[pivot], x[c]);
            }
            for (var r = c + 1; r < n; r++)
            {
                var f = m[r, c] / m[c, c];
                for (var j = c; j < n; j++) m[r, j] -= f * m[c, j];
                x[r] -= f * x[c];
            }
        }
        for (var r = n - 1; r >= 0; r--)
        {
            for (var j = r + 1; j < n; j++) x[r] -= m[r, j] * x[j];
            x[r] /= m[r, r];
        }
        return x;
    }
}

/// <summary>How the pattern validator combines models and when it lets a signal through.</summary>
public sealed record EnsembleSettings(
    CombinationMethod Combination = CombinationMethod.Weighted,
    CalibrationMethod Calibration = CalibrationMethod.Platt,
    double Threshold = 0.7,
    double MinAgreement = 0.5,
    double SignificanceLevel = 0.05)
{
    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (!(Threshold >= 0.5 && Threshold <= 1)) errors.Add(new("threshold", $"must be between 0.5 and 1 (got {Threshold})"));
        if (!(MinAgreement >= 0 && MinAgreement <= 1)) errors.Add(new("minAgreement", $"must be between 0 and 1 (got {MinAgreement})"));
        if (!(SignificanceLevel > 0 && SignificanceLevel < 1)) errors.Add(new("significanceLevel", $"must be between 0 and 1, exclusive (got {SignificanceLevel})"));
        return errors;
    }
}

/// <summary>A model's out-of-sample record: the evidence the validator calibrates on and tests for significance.</summary>
public sealed record ModelEvidence(string Model, double Weight, OutOfSampleScores OutOfSample);

/// <summary>A model's out-of-sample AUC, its one-sided p-value against 0.5 (Hanley–McNeil) and whether it passes.</summary>
public sealed record ModelCheck(string Model, double Auc, int Samples, double PValue, bool Significant);

/// <summary>The validator's answer for one signal: the combined calibrated view and each check's outcome.</summary>
public sealed record EnsembleVerdict(bool Passed, double ProbabilityUp, double Confidence, double Agreement, bool Significant,
    IReadOnlyList<double> Calibrated, string Reason);

/// <summary>
/// Combines several direction models into one calibrated confidence. Each model's probability is calibrated
/// (Platt or isotonic, fitted on its out-of-sample record), then combined: a weighted mean, or stacking, a logistic
/// regression of the outcome on the calibrated logits over the bars every model was tested on. A signal passes when
/// the confidence max(p, 1 − p) reaches the threshold, the weight of models on the combined side reaches the minimum
/// agreement, and every model's out-of-sample AUC is significantly above 0.5 (with the sample counted once per label
/// horizon, since overlapping labels are not independent).
/// </summary>
public sealed class Ensemble
{
    private readonly EnsembleSettings _settings;
    private readonly double[] _weights;
    private readonly Calibrator[] _calibrators;
    private readonly double[]? _stack;

    private Ensemble(EnsembleSettings settings, double[] weights, Calibrator[] calibrators, double[]? stack, IReadOnlyList<ModelCheck> checks)
    {
        _settings = settings;
        _weights = weights;
        _calibrators = calibrators;
        _stack = stack;
        Checks = checks;
    }

    public IReadOnlyList<ModelCheck> Checks { get; }

    /// <summary>Stacking weights (one per model, then the intercept); null for a weighted ensemble.</summary>
    public IReadOnlyList<double>? StackingWeights => _stack;

    /// <exception cref="ValidationException">No models, a bad weight or setting, a model without out-of-sample evidence, or (stacking) too few shared bars.</exception>
    public static Ensemble Fit(IReadOnlyList<ModelEvidence> models, EnsembleSettings settings)
    {
        var errors = settings.Validate().ToList();
        if (models.Count == 0) errors.Add(new("models", "name at least one model"));
        for (var i = 0; i < models.Count; i++)
        {
            if (!(models[i].Weight > 0) || !double.IsFinite(models[i].Weight)) errors.Add(new($"models[{i}].weight", $"must be a positive number (got {models[i].Weight})"));
            var oos = models[i].OutOfSample;
            if (oos.Scores.Length < 20 || oos.Up.All(u => u) || oos.Up.All(u => !u))
                errors.Add(new($"models[{i}]", $"model '{models[i].Model}' has no usable out-of-sample record (needs 20 or more tested rows with ups and downs)"));
        }
        if (errors.Count > 0) throw new ValidationException(errors);

        var calibrators = models.Select(m => Calibrator.Fit(settings.Calibration, m.OutOfSample.Scores, m.OutOfSample.Up)).ToArray();
        var checks = models.Select(m =>
        {
            var oos = m.OutOfSample;
            var auc = ClassificationMetrics.AreaUnderCurve(oos.Scores, oos.Up);
            // Overlapping labels are not independent: count each class's rows once per horizon.
            var h = Math.Max(1, oos.Horizon);
            var p = AucPValue(auc, oos.Up.Count(u => u) / h, oos.Up.Count(u => !u) / h);
            return new ModelCheck(m.Model, auc, oos.Scores.Length, p, p < settings.SignificanceLevel);
        }).ToArray();

        double[]? stack = null;
        if (settings.Combination == CombinationMethod.Stacking)
        {
            var shared = models.Select(m => m.OutOfSample.Times.ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
            if (shared.Count < 50)
                throw new ValidationException("combination", $"stacking needs the models tested on the same bars; they share {shared.Count} out-of-sample bars, fewer than 50");
            var times = shared.Order().ToArray();
            var lookups = models.Select(m => m.OutOfSample.Times.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i)).ToArray();
            var x = times.Select(t => models.Select((m, k) => Calibrator.Logit(calibrators[k].Apply(m.OutOfSample.Scores[lookups[k][t]]))).ToArray()).ToArray();
            var y = times.Select(t => models[0].OutOfSample.Up[lookups[0][t]] ? 1.0 : 0.0).ToArray();
            stack = Logistic.Fit(x, y, ridge: 1e-3);
        }
        var total = models.Sum(m => m.Weight);
        return new Ensemble(settings, models.Select(m => m.Weight / total).ToArray(), calibrators, stack, checks);
    }

    /// <summary>Judges one signal from each model's raw probability of an up move, in the order the models were given.</summary>
    public EnsembleVerdict Judge(IReadOnlyList<double> probabilities)
    {
        if (probabilities.Count != _calibrators.Length) throw new ArgumentException($"expected {_calibrators.Length} probabilities, got {probabilities.Count}");
        var calibrated = probabilities.Select((p, i) => _calibrators[i].Apply(p)).ToArray();
        double combined;
        if (_stack is { } w)
        {
            var z = w[^1];
            for (var i = 0; i < calibrated.Length; i++) z += w[i] * Calibrator.Logit(calibrated[i]);
            combined = Calibrator.Sigmoid(z);
        }
        else combined = calibrated.Select((p, i) => p * _weights[i]).Sum();

        var up = combined >= 0.5;
        var agreement = calibrated.Select((p, i) => (p >= 0.5) == up ? _weights[i] : 0).Sum();
        var confidence = Math.Max(combined, 1 - combined);
        var significant = Checks.All(c => c.Significant);
        string reason;
        if (confidence < _settings.Threshold) reason = $"confidence {confidence:0.000} is below the threshold {_settings.Threshold:0.000}";
        else if (agreement < _settings.MinAgreement) reason = $"only {agreement:P0} of the weight agrees on {(up ? "up" : "down")}, below {_settings.MinAgreement:P0}";
        else if (!significant)
        {
            var weak = Checks.First(c => !c.Significant);
            reason = $"model '{weak.Model}' is not significant out of sample: AUC {weak.Auc:0.000} over {weak.Samples} rows, p = {weak.PValue:0.0000} ≥ {_settings.SignificanceLevel}";
        }
        else reason = $"{(up ? "up" : "down")} with confidence {confidence:0.000}";
        var passed = confidence >= _settings.Threshold && agreement >= _settings.MinAgreement && significant;
        return new EnsembleVerdict(passed, combined, confidence, agreement, significant, calibrated, reason);
    }

    /// <summary>One-sided p-value of H₀: AUC = 0.5 against AUC > 0.5, with the Hanley–McNeil standard error.</summary>
    public static double AucPValue(double auc, int positives, int negatives)
    {
        if (positives == 0 || negatives == 0 || double.IsNaN(auc)) return 1;
        var q1 = auc / (2 - auc);
        var q2 = 2 * auc * auc / (1 + auc);
        var variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / ((double)positives * negatives);
        var z = (auc - 0.5) / Math.Sqrt(Math.Max(variance, 1e-18));
        return 0.5 * Erfc(z / Math.Sqrt(2));
    }

    // Complementary error function (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7).
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
            + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
