using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using AiTrading.Core.Tests;

namespace AiTrading.Integration.Tests;

/// <summary>`aitrading models train` and `models predict` in their own process on the shared daily series.</summary>
public sealed class ModelsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aitrading-models-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("lightgbm", "fixed", "fixed-horizon(5)")]
    [InlineData("cnn", "triple-barrier", "triple-barrier(5, up 1σ, down 1σ, σ over 20)")]
    public async Task Trains_with_walk_forward_writes_the_report_and_the_model_then_predicts_another_file(string kind, string labels, string described)
    {
        var json = Path.Combine(_directory, $"{kind}.json");
        var (code, stdout, stderr) = await CliProcess.Run("models", "train", "--kind", kind, "--data", SharedData.File("orcl-1995-2014.txt"),
            "--horizon", "5", "--labels", labels, "--json", json, "--epochs", "2", "--window", "8", "--device", "cpu");
        code.ShouldBe(0, stderr);
        stdout.ShouldContain($"{kind} on ORCL19952014 D1");
        stdout.ShouldContain("out-of-sample AUC");

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var root = report.RootElement;
        root.GetProperty("kind").GetString().ShouldBe(kind);
        root.GetProperty("labels").GetString().ShouldBe(described);
        foreach (var metric in new[] { "auc", "accuracy", "logLoss", "brier" })
        {
            root.GetProperty(metric).GetDouble().ShouldBeInRange(0, metric == "logLoss" ? 5 : 1);
            root.GetProperty("baseline").GetProperty(metric).ValueKind.ShouldBe(JsonValueKind.Number);
        }
        root.GetProperty("folds").GetArrayLength().ShouldBe(4);
        root.GetProperty("trainFrom").GetDateTimeOffset().Year.ShouldBe(1995);
        var model = root.GetProperty("model").GetString()!;
        model.ShouldBe(Path.ChangeExtension(json, ".model"));
        root.GetProperty("hash").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model))));

        var scores = Path.Combine(_directory, $"{kind}-yhoo.csv");
        (code, stdout, stderr) = await CliProcess.Run("models", "predict", "--model", model, "--data", SharedData.File("yhoo-1996-2014.txt"), "--out", scores);
        code.ShouldBe(0, stderr);
        var lines = File.ReadAllLines(scores);
        lines[0].ShouldBe("Date,Close,p_up");
        lines.Length.ShouldBeGreaterThan(4000);
        stdout.ShouldContain($"{lines.Length - 1} D1 bars of YHOO19962014 scored by {kind}");
        lines.Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ShouldAllBe(p => p >= 0 && p <= 1);
        lines[^1].ShouldStartWith("2014-12-31,");
    }

    [Fact]
    public async Task Bad_input_exits_2_with_the_reason_and_leaves_no_output()
    {
        var json = Path.Combine(_directory, "r.json");
        var (code, _, stderr) = await CliProcess.Run("models", "train", "--kind", "xgboost", "--data", SharedData.File("2006-day-001.txt"), "--horizon", "5", "--json", json);
        code.ShouldBe(2);
        stderr.ShouldContain("kind: unknown model kind 'xgboost'");

        (code, _, stderr) = await CliProcess.Run("models", "train", "--kind", "fasttree", "--data", SharedData.File("2006-day-001.txt"), "--horizon", "5", "--json", json);
        code.ShouldBe(2);
        stderr.ShouldContain("labelled rows are too few for 4 walk-forward folds");

        (code, _, stderr) = await CliProcess.Run("models", "train", "--kind", "lstm", "--data", SharedData.File("2006-day-001.txt"), "--horizon", "5", "--window", "300", "--json", json);
        code.ShouldBe(2);
        stderr.ShouldContain("too few for a window of 300");

        (code, _, stderr) = await CliProcess.Run("models", "train", "--kind", "lightgbm", "--data", SharedData.File("orcl-1995-2014.txt"), "--horizon", "0", "--json", json);
        code.ShouldBe(2);
        stderr.ShouldContain("horizon: must be at least 1 bar (got 0)");
        Directory.GetFiles(_directory).ShouldBeEmpty("nothing is written when training fails");

        var missing = Path.Combine(_directory, "none.model");
        (code, _, stderr) = await CliProcess.Run("models", "predict", "--model", missing, "--data", SharedData.File("2006-day-001.txt"), "--out", Path.Combine(_directory, "p.csv"));
        code.ShouldBe(2);
        stderr.ShouldContain($"model: {missing} does not exist; train one with 'aitrading models train'");

        var corrupt = Path.Combine(_directory, "corrupt.model");
        File.WriteAllText(corrupt, "not a model");
        (code, _, stderr) = await CliProcess.Run("models", "predict", "--model", corrupt, "--data", SharedData.File("2006-day-001.txt"), "--out", Path.Combine(_directory, "p.csv"));
        code.ShouldBe(2);
        stderr.ShouldContain("model: is not an AiTrading model artifact");
        File.Exists(Path.Combine(_directory, "p.csv")).ShouldBeFalse();
    }
}
