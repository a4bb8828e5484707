using System.Globalization;
using AiTrading.Connectors.Features;
using AiTrading.Connectors.Feeds;
using AiTrading.Core.Features;
using AiTrading.Core.Indicators;
using AiTrading.Core.Tests.Indicators;

namespace AiTrading.Core.Tests.Features;

public sealed class FeatureCsvExportTests : IDisposable
{
    private readonly List<string> _temporary = [];

    public void Dispose()
    {
        foreach (var path in _temporary) File.Delete(path);
    }

    private string Write(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aitrading-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        _temporary.Add(path);
        return path;
    }

    private static string[] Export(CsvBarFile bars, IReadOnlyList<FeatureDefinition> definitions, out int rows)
    {
        using var writer = new StringWriter();
        rows = FeatureCsvExport.Write(bars, definitions, writer);
        return writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Writes_the_time_then_one_column_per_feature_with_empty_warm_up_cells()
    {
        var lines = Export(new CsvBarFile(SharedData.File("2006-day-001.txt")), [new("SMA", new Dictionary<string, double> { ["period"] = 3 }), new("MACD", Output: "signal")], out var rows);
        rows.ShouldBe(255);
        lines.Length.ShouldBe(256);
        lines[0].ShouldBe("Date,SMA_3,MACDSIGNAL_12_26_9");
        lines[1].ShouldBe("2006-01-02,,");
        var closes = PriceSeries.Load("2006-day-001.txt").Close;
        var sma = new double[closes.Length];
        new Sma(3).Compute(closes, sma);
        lines[3].ShouldStartWith("2006-01-04,");
        double.Parse(lines[3].Split(',')[1], CultureInfo.InvariantCulture).ShouldBe(sma[2]);
        lines[3].Split(',')[2].ShouldBeEmpty();
        lines[^1].Split(',').ShouldAllBe(cell => cell.Length > 0);
    }

    [Fact]
    public void Intraday_bars_are_written_with_their_date_and_time()
    {
        var lines = Export(new CsvBarFile(SharedData.File("2006-min-005.txt")), [new("TRANGE")], out _);
        lines[0].ShouldBe("Datetime,TRANGE");
        lines[1].ShouldBe("2006-01-02T09:05:00,");
        lines[2].ShouldStartWith("2006-01-02T09:10:00,");
    }

    [Fact]
    public void Features_the_bars_cannot_give_are_refused_naming_them()
    {
        var bars = new CsvBarFile(SharedData.File("2006-day-001.txt"));
        var errors = Should.Throw<ValidationException>(() => FeatureCsvExport.Write(bars,
            [new("MICROSTRUCTURE"), new("SMA", Timeframe: "H1"), new("RSI", Parameters: new Dictionary<string, double> { ["period"] = -1 })], TextWriter.Null)).Errors;
        errors.Select(e => e.Field).ShouldBe(["features[2].parameters.period"], "the definitions' own checks come first");
        Should.Throw<ValidationException>(() => FeatureCsvExport.Write(bars, [new("MICROSTRUCTURE"), new("SMA", Timeframe: "H1")], TextWriter.Null))
            .Errors.Select(e => e.ToString()).ShouldBe(
            [
                $"features[0].indicator: MICROSTRUCTURE runs on ticks; {bars.Path} has D1 bars",
                $"features[1].timeframe: {bars.Path} has D1 bars; features on H1 cannot be computed from them",
            ]);
    }

    [Fact]
    public void A_bad_row_is_named_by_file_line_and_column()
    {
        var path = Write("Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,2,0.5,1.5,10\n2020-01-03,1,2,0.5,abc,10\n");
        var error = Should.Throw<CsvFormatException>(() => FeatureCsvExport.Write(new CsvBarFile(path), DefaultFeatures.Bars, TextWriter.Null));
        error.LineNumber.ShouldBe(4);
        error.Column.ShouldBe("Close");
        error.Message.ShouldContain($"{path}: line 4, column 'Close'");
    }

    [Fact]
    public void A_named_volume_column_must_exist()
    {
        Should.Throw<CsvFormatException>(() => new CsvBarFile(SharedData.File("orcl-1995-2014.txt"), "Turnover"))
            .Message.ShouldContain("the volume column is not in the header");
        var lines = Export(new CsvBarFile(SharedData.File("orcl-1995-2014.txt"), "Adj Close"), [new("OBV")], out _);
        lines[1].ShouldBe("1995-01-03,1.883304", "OBV starts at the first bar's volume, here the adjusted close");
    }

    [Fact]
    public void A_tick_file_is_not_bars()
    {
        Should.Throw<CsvFormatException>(() => new CsvBarFile(SharedData.File("ticksample.csv"))).Message.ShouldContain("OHLC bars are needed");
    }

    [Fact]
    public void Definitions_are_read_from_json_in_any_case_with_comments()
    {
        var definitions = FeatureDefinitionFile.Parse("""
            [
              // trend
              {"indicator": "SMA", "parameters": {"period": 50}, "name": "slow"},
              {"Indicator": "MACD", "Output": "signal", "Timeframe": "D1"},
              {"indicator": "EMA", "input": "volume"},
            ]
            """, "features.json");
        definitions.Count.ShouldBe(3);
        definitions[0].ShouldBe(new FeatureDefinition("SMA", definitions[0].Parameters, Name: "slow"));
        definitions[0].Parameters!["period"].ShouldBe(50);
        definitions[1].ShouldBe(new FeatureDefinition("MACD", Output: "signal", Timeframe: "D1"));
        definitions[2].Input.ShouldBe("volume");
    }

    [Theory]
    [InlineData("[{\"indicator\": \"SMA\", \"parameters\": {\"period\": \"ten\"}}]", "features.json: line 1, at $[0].parameters.period: ")]
    [InlineData("[{\"indicator\": \"SMA\",\n \"perod\": 3}]", "features.json: line 2, at $[0].perod: ")]
    [InlineData("{\"indicator\": \"SMA\"}", "features.json: line 1, ")]
    [InlineData("[{\"indicator\": \"SMA\"", "features.json: line 1, ")]
    [InlineData("null", "features.json: expected a JSON array")]
    public void Malformed_json_names_the_file_line_and_path(string json, string start)
    {
        Should.Throw<FormatException>(() => FeatureDefinitionFile.Parse(json, "features.json")).Message.ShouldStartWith(start);
    }

    [Fact]
    public void A_missing_definitions_file_is_a_clear_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"aitrading-{Guid.NewGuid():N}.json");
        Should.Throw<FormatException>(() => FeatureDefinitionFile.Read(missing)).Message.ShouldStartWith($"{missing}: cannot read the feature definitions");
    }
}
