using System.Globalization;
using System.Net;
using System.Text;
using AiTrading.Core.Backtesting;
using ScottPlot;

namespace AiTrading.Connectors.Backtesting;

/// <summary>
/// A backtest as one self-contained HTML page: the statistics, the equity curve, the drawdown, each instrument's close
/// with the trades' entries and exits marked (charts drawn with ScottPlot, embedded as PNG), and the trade and order
/// lists.
/// </summary>
public static class BacktestReport
{
    private const int Width = 1200, Height = 360, MaxPoints = 4000;

    public static string Html(BacktestResult result, IReadOnlyList<BacktestSeries> data)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Backtest ").Append(Text(result.StrategyId)).Append("</title>")
            .Append("<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}" +
                    "th{background:#f3f3f3}img{display:block;margin:8px 0;max-width:100%}</style></head><body>");
        html.Append("<h1>Backtest of ").Append(Text(result.StrategyId)).Append("</h1><p>")
            .Append(Text(string.Join(", ", result.Symbols))).Append(", ").Append(result.Bars).Append(" bars from ")
            .Append(Text(result.Start.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append(" to ")
            .Append(Text(result.End.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</p>");
        Statistics(html, result);
        Image(html, "Equity", EquityChart(result));
        Image(html, "Drawdown", DrawdownChart(result));
        foreach (var series in data) Image(html, $"{series.Symbol}: close and trades", PriceChart(series, result));
        Trades(html, result);
        Orders(html, result);
        return html.Append("</body></html>").ToString();
    }

    private static void Statistics(StringBuilder html, BacktestResult result)
    {
        var s = result.Statistics;
        (string, string)[] rows =
        [
            ("initial cash", Money(result.InitialCash)), ("final equity", Money(result.FinalEquity)), ("total return", Percent(s.TotalReturn)),
            ("CAGR", Percent(s.Cagr)), ("annualised volatility", Percent(s.AnnualizedVolatility)), ("Sharpe", Number(s.Sharpe)),
            ("Sortino", Number(s.Sortino)), ("max drawdown", Percent(s.MaxDrawdown)),
            ("max drawdown duration", $"{s.MaxDrawdownDuration.TotalDays:0.#} days ({s.MaxDrawdownBars} bars)"), ("Calmar", Number(s.Calmar)),
            ("trades", s.Trades.ToString(CultureInfo.InvariantCulture)), ("win rate", Percent(s.WinRate)), ("profit factor", Number(s.ProfitFactor)),
            ("expectancy", Number(s.Expectancy)), ("exposure", Percent(s.Exposure)), ("commissions", Money(result.Commissions)),
            ("financing", Money(result.Financing)),
        ];
        html.Append("<table>");
        foreach (var (name, value) in rows) html.Append("<tr><th>").Append(name).Append("</th><td>").Append(Text(value)).Append("</td></tr>");
        html.Append("</table>");
    }

    private static void Trades(StringBuilder html, BacktestResult result)
    {
        html.Append("<h2>Trades</h2><table><tr><th>symbol</th><th>side</th><th>quantity</th><th>entry</th><th>entry price</th><th>exit</th><th>exit price</th><th>bars</th><th>P&amp;L</th></tr>");
        foreach (var t in result.Trades)
            html.Append("<tr><td>").Append(Text(t.Symbol)).Append("</td><td>").Append(t.Side).Append("</td><td>").Append(Money(t.Quantity))
                .Append("</td><td>").Append(Time(t.EntryTime)).Append("</td><td>").Append(Money(t.EntryPrice))
                .Append("</td><td>").Append(t.ExitTime is { } exit ? Time(exit) : "open").Append("</td><td>").Append(t.ExitPrice is { } p ? Money(p) : "")
                .Append("</td><td>").Append(t.Bars).Append("</td><td>").Append(Money(t.Pnl)).Append("</td></tr>");
        html.Append("</table>");
    }

    private static void Orders(StringBuilder html, BacktestResult result)
    {
        html.Append("<h2>Orders</h2><table><tr><th>order</th><th>side</th><th>quantity</th><th>time</th><th>status</th><th>filled</th><th>price</th><th>commission</th><th>why</th></tr>");
        foreach (var o in result.Orders)
            html.Append("<tr><td>").Append(Text(o.OrderId)).Append("</td><td>").Append(o.Side).Append("</td><td>").Append(Money(o.Quantity))
                .Append("</td><td>").Append(Time(o.Time)).Append("</td><td>").Append(o.Status).Append("</td><td>").Append(Money(o.FilledQuantity))
                .Append("</td><td>").Append(o.AveragePrice is { } p ? Money(p) : "").Append("</td><td>").Append(Money(o.Commission))
                .Append("</td><td style=\"text-align:left\">").Append(Text(o.Reason is null ? o.Signal : $"{o.Signal}: {o.Reason}")).Append("</td></tr>");
        html.Append("</table>");
    }

    private static Plot EquityChart(BacktestResult result)
    {
        var (xs, ys) = Thin(result.Equity.Select(p => p.Time.UtcDateTime.ToOADate()).ToArray(), result.Equity.Select(p => p.Equity).ToArray());
        var plot = new Plot();
        plot.Add.ScatterLine(xs, ys, Colors.SteelBlue);
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("equity");
        return plot;
    }

    private static Plot DrawdownChart(BacktestResult result)
    {
        var peak = (double)result.InitialCash;
        var drawdown = result.Equity.Select(p => -100 * (1 - p.Equity / (peak = Math.Max(peak, p.Equity)))).ToArray();
        var (xs, ys) = Thin(result.Equity.Select(p => p.Time.UtcDateTime.ToOADate()).ToArray(), drawdown);
        var plot = new Plot();
        var line = plot.Add.ScatterLine(xs, ys, Colors.FireBrick);
        line.FillY = true;
        line.FillYColor = Colors.FireBrick.WithAlpha(0.3);
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel("drawdown %");
        return plot;
    }

    private static Plot PriceChart(BacktestSeries series, BacktestResult result)
    {
        var (xs, ys) = Thin(series.Bars.Select(b => b.OpenTime.UtcDateTime.ToOADate()).ToArray(), series.Bars.Select(b => b.Close).ToArray());
        var plot = new Plot();
        plot.Add.ScatterLine(xs, ys, Colors.Gray);
        var trades = result.Trades.Where(t => t.Symbol == series.Symbol).ToList();
        Markers(plot, trades.Select(t => (t.EntryTime, t.EntryPrice)), MarkerShape.FilledTriangleUp, Colors.ForestGreen, "entry");
        Markers(plot, trades.Where(t => t.ExitTime is not null).Select(t => (t.ExitTime!.Value, t.ExitPrice!.Value)), MarkerShape.FilledTriangleDown, Colors.Crimson, "exit");
        plot.Axes.DateTimeTicksBottom();
        plot.YLabel(series.Symbol);
        plot.ShowLegend();
        return plot;
    }

    private static void Markers(Plot plot, IEnumerable<(DateTimeOffset Time, decimal Price)> points, MarkerShape shape, Color color, string label)
    {
        var list = points.ToList();
        if (list.Count == 0) return;
        var markers = plot.Add.Markers(list.Select(p => p.Time.UtcDateTime.ToOADate()).ToArray(), list.Select(p => (double)p.Price).ToArray(), shape, 9, color);
        markers.LegendText = label;
    }

    /// <summary>At most <see cref="MaxPoints"/> points (every k-th, keeping the last): a chart cannot show more.</summary>
    private static (double[] Xs, double[] Ys) Thin(double[] xs, double[] ys)
    {
        if (xs.Length <= MaxPoints) return (xs, ys);
        var step = (xs.Length + MaxPoints - 1) / MaxPoints;
        var indexes = Enumerable.Range(0, xs.Length).Where(i => i % step == 0 || i == xs.Length - 1).ToArray();
        return (indexes.Select(i => xs[i]).ToArray(), indexes.Select(i => ys[i]).ToArray());
    }

    private static void Image(StringBuilder html, string title, Plot plot)
    {
        var png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        html.Append("<h2>").Append(Text(title)).Append("</h2><img alt=\"").Append(Text(title)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(png)).Append("\">");
    }

    private static string Text(string text) => WebUtility.HtmlEncode(text);
    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    private static string Money(decimal value) => value.ToString("#,0.####", CultureInfo.InvariantCulture);
    private static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "–";
    private static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "–";
}
