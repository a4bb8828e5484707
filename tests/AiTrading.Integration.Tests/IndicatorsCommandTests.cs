using System.Globalization;
using AiTrading.Core.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>`aitrading indicators` as a user runs it: the built CLI in its own process.</summary>
public sealed class IndicatorsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aitrading-indicators-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Task<(int ExitCode, string Output, string Error)> Cli(params string[] arguments) => CliProcess.Run(arguments);

    private static Dictionary<string, string[]> ReadColumns(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        return header.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => rows.Select(r => r[c.i]).ToArray());
    }

    [Theory]
    [InlineData("2006-day-001.txt", "talib-2006-day-001.csv")]
    [InlineData("orcl-1995-2014.txt", "talib-orcl-1995-2014.csv")]
    public async Task Writes_every_reference_column_equal_to_talib(string data, string reference)
    {
        var output = Path.Combine(_directory, "features.csv");
        var (code, stdout, stderr) = await Cli("indicators", "--data", SharedData.File(data), "--out", output);
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("D1 bars of");

        var actual = ReadColumns(output);
        var expected = ReadColumns(SharedData.File(Path.Combine("reference", reference)));
        actual["Date"].ShouldBe(expected["Date"]);
        foreach (var (column, cells) in expected.Where(c => c.Key != "Date"))
        {
            actual.ShouldContainKey(column);
            for (var row = 0; row < cells.Length; row++)
            {
                var what = $"{column} row {row + 2}: '{actual[column][row]}' vs TA-Lib '{cells[row]}'";
                if (cells[row].Length == 0)
                {
                    actual[column][row].ShouldBeEmpty(what);
                    continue;
                }
                var (value, talib) = (double.Parse(actual[column][row], CultureInfo.InvariantCulture), double.Parse(cells[row], CultureInfo.InvariantCulture));
                Math.Abs(value - talib).ShouldBeLessThanOrEqualTo(Math.Max(1e-12, Math.Abs(talib) * 1e-9), what);
            }
        }
        actual.Count.ShouldBeGreaterThan(expected.Count, "the default set has more than the reference columns");
    }

    [Fact]
    public async Task A_bad_row_exits_2_naming_the_line_and_leaves_no_output()
    {
        var data = Path.Combine(_directory, "bad.csv");
        File.WriteAllLines(data, ["Date,Open,High,Low,Close,Volume", "2020-01-01,1,2,0.5,1.5,10", "2020-01-02,1,2,0.5,1.5,10", "2020-01-03,1,0.4,0.5,1.5,10"]);
        var output = Path.Combine(_directory, "out.csv");
        var (code, _, stderr) = await Cli("indicators", "--data", data, "--out", output);
        code.ShouldBe(2);
        stderr.ShouldContain($"error: {data}: line 4, column 'High': high 0.4 is below low 0.5");
        File.Exists(output).ShouldBeFalse();
        Directory.GetFiles(_directory).ShouldBe([data], "no partial file is left behind");
    }

    [Fact]
    public async Task Bad_feature_definitions_exit_2_naming_each_problem()
    {
        var features = Path.Combine(_directory, "features.json");
        File.WriteAllText(features, """[{"indicator": "RSI", "parameters": {"period": 0}}, {"indicator": "NOPE"}]""");
        var (code, _, stderr) = await Cli("indicators", "--data", SharedData.File("2006-day-001.txt"), "--out", Path.Combine(_directory, "o.csv"), "--features", features);
        code.ShouldBe(2);
        stderr.ShouldContain("features[0].parameters.period: RSI: period must be a whole number between 1 and 100000 (got 0)");
        stderr.ShouldContain("features[1].indicator: unknown indicator 'NOPE'");
    }

    [Fact]
    public async Task Chosen_features_and_volume_column_are_used()
    {
        var features = Path.Combine(_directory, "features.json");
        File.WriteAllText(features, """[{"indicator": "OBV"}, {"indicator": "SMA", "parameters": {"period": 2}, "input": "volume", "name": "avgVolume"}]""");
        var output = Path.Combine(_directory, "o.csv");
        var (code, _, stderr) = await Cli("indicators", "--data", SharedData.File("orcl-1995-2014.txt"), "--volume-column", "Adj Close", "--out", output, "--features", features);
        code.ShouldBe(0, stderr);
        var lines = File.ReadAllLines(output);
        lines[0].ShouldBe("Date,OBV,avgVolume");
        lines[1].ShouldBe("1995-01-03,1.883304,");
        lines[2].ShouldBe($"1995-01-04,{(1.883304 + 1.899776).ToString("R", CultureInfo.InvariantCulture)},{((1.883304 + 1.899776) / 2).ToString("R", CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public async Task A_missing_data_file_exits_2()
    {
        var missing = Path.Combine(_directory, "missing.csv");
        var (code, _, stderr) = await Cli("indicators", "--data", missing, "--out", Path.Combine(_directory, "o.csv"));
        code.ShouldBe(2);
        stderr.ShouldContain(missing);
    }
}
