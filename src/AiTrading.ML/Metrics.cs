namespace AiTrading.ML;

/// <summary>One bin of a calibration curve: predictions in [Lower, Upper), their mean and the observed up rate.</summary>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanPredicted, double ObservedRate);

/// <summary>
/// Out-of-sample quality of probabilities of an up move. AUC is the probability that a random up sample scores
/// above a random down one (ties count half; NaN when one class is absent); accuracy thresholds at 0.5; log loss
/// clips probabilities to [1e−15, 1 − 1e−15]; Brier is the mean squared error of the probability.
/// </summary>
public sealed record ClassificationMetrics(int Count, double Auc, double Accuracy, double LogLoss, double Brier, IReadOnlyList<CalibrationBin> Calibration)
{
    public static ClassificationMetrics Compute(IReadOnlyList<double> probabilities, IReadOnlyList<bool> up, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(up);
        if (probabilities.Count != up.Count) throw new ArgumentException("probabilities and outcomes differ in length");
        if (probabilities.Count == 0) throw new ArgumentException("no samples to score");
        var n = probabilities.Count;
        double correct = 0, logLoss = 0, brier = 0;
        for (var i = 0; i < n; i++)
        {
            var p = probabilities[i];
            if (!double.IsFinite(p) || p < 0 || p > 1) throw new ArgumentException($"probability {i} is {p}, outside [0, 1]");
            var y = up[i] ? 1.0 : 0.0;
            if ((p >= 0.5) == up[i]) correct++;
            var clipped = Math.Clamp(p, 1e-15, 1 - 1e-15);
            logLoss -= y * Math.Log(clipped) + (1 - y) * Math.Log(1 - clipped);
            brier += (p - y) * (p - y);
        }
        return new ClassificationMetrics(n, AreaUnderCurve(probabilities, up), correct / n, logLoss / n, brier / n, Curve(probabilities, up, bins));
    }

    /// <summary>Mann–Whitney U over average ranks, so tied scores count half.</summary>
    public static double AreaUnderCurve(IReadOnlyList<double> scores, IReadOnlyList<bool> up)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positives = up.Count(u => u), negatives = up.Count - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        double rankSum = 0;
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            var averageRank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) if (up[order[k]]) rankSum += averageRank;
            i = j + 1;
        }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    private static CalibrationBin[] Curve(IReadOnlyList<double> p, IReadOnlyList<bool> up, int bins)
    {
        var result = new List<CalibrationBin>(bins);
        for (var b = 0; b < bins; b++)
        {
            double lower = b / (double)bins, upper = (b + 1) / (double)bins;
            var members = Enumerable.Range(0, p.Count).Where(i => p[i] >= lower && (p[i] < upper || (b == bins - 1 && p[i] <= upper))).ToArray();
            if (members.Length == 0) continue;
            result.Add(new CalibrationBin(lower, upper, members.Length, members.Average(i => p[i]), members.Count(i => up[i]) / (double)members.Length));
        }
        return result.ToArray();
    }
}

/// <summary>
/// Out-of-sample quality of forward-return forecasts: root mean squared and mean absolute error, the share of
/// samples whose sign is forecast right (zero forecasts count as wrong), and the information coefficient (Pearson
/// correlation of forecast and outcome; NaN when either is constant).
/// </summary>
public sealed record RegressionMetrics(int Count, double Rmse, double Mae, double DirectionalAccuracy, double InformationCoefficient)
{
    public static RegressionMetrics Compute(IReadOnlyList<double> forecasts, IReadOnlyList<double> outcomes)
    {
        if (forecasts.Count != outcomes.Count) throw new ArgumentException("forecasts and outcomes differ in length");
        if (forecasts.Count == 0) throw new ArgumentException("no samples to score");
        var n = forecasts.Count;
        double se = 0, ae = 0, hits = 0;
        for (var i = 0; i < n; i++)
        {
            var e = forecasts[i] - outcomes[i];
            se += e * e;
            ae += Math.Abs(e);
            if (forecasts[i] * outcomes[i] > 0) hits++;
        }
        return new RegressionMetrics(n, Math.Sqrt(se / n), ae / n, hits / n, Correlation(forecasts, outcomes));
    }

    private static double Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
