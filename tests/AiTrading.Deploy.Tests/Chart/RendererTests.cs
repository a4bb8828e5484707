using System.Text.Json.Nodes;

namespace AiTrading.Deploy.Tests.Chart;

/// <summary>The Go renderer does what Helm's engine does, on a chart that uses each feature once (renderer/testdata/features).</summary>
public sealed class RendererTests
{
    private static readonly string Features = SharedData.Repository("tests/AiTrading.Deploy.Tests/Chart/renderer/testdata/features");

    private static JsonObject Data(string manifest)
    {
        manifest.ShouldStartWith("---\n# Source: features/templates/features.yaml\n");
        manifest.ShouldNotContain("empty.yaml"); // renders to nothing: not output
        manifest.ShouldNotContain("_partials");
        return RenderedChart.ToJson(manifest[(manifest.IndexOf('\n', 4) + 1)..])["data"]!.AsObject();
    }

    private static string Values(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aitrading-features-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void Renders_helm_functions_and_built_in_objects()
    {
        var data = Data(RenderedChart.RenderText([], chart: Features));
        var expected = new Dictionary<string, string>
        {
            ["include"] = "say-hello", ["tpl"] = "hello from tpl", ["required"] = "hello", ["toYaml"] = "a: 1\nb:\n  c: two",
            ["fromYaml"] = "3", ["toJson"] = "{\"a\":1,\"b\":{\"c\":\"two\"}}", ["fromJson"] = "v", ["lookup"] = "0",
            ["file"] = "a file", ["valuesFile"] = "", ["template"] = "features/templates/features.yaml", ["basePath"] = "features/templates",
            ["chart"] = "features-1.2.3-4.5", ["release"] = $"{RenderedChart.ReleaseName}/{RenderedChart.Namespace}/Helm/true/false/1",
            ["kube"] = "v1.31.0", ["hasApps"] = "true", ["hasKeda"] = "false", ["deleted"] = "present", ["missing"] = "", ["sprig"] = "ABCABC",
        };
        data.ToDictionary(p => p.Key, p => (string)p.Value!).ShouldBe(expected, ignoreOrder: true);
        RenderedChart.RenderText([], notes: true, chart: Features).ShouldBe($"notes for {RenderedChart.ReleaseName}\n");
    }

    [Fact]
    public void Value_files_coalesce_like_helm_and_upgrades_and_api_versions_show()
    {
        var data = Data(RenderedChart.RenderText([Values("deleted: null\nnested:\n  b:\n    d: 4\n"), Values("greeting: hi\n")],
            upgrade: true, chart: Features, apiVersions: "keda.sh/v1alpha1"));
        ((string?)data["toYaml"]).ShouldBe("a: 1\nb:\n  c: two\n  d: 4");
        ((string?)data["deleted"]).ShouldBe("gone");
        ((string?)data["include"]).ShouldBe("say-hi");
        ((string?)data["release"]).ShouldEndWith("/false/true/2");
        ((string?)data["hasKeda"]).ShouldBe("true");
    }

    [Fact]
    public void Required_fail_and_the_removed_env_function_refuse_the_render()
    {
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([Values("greeting: \"\"\n")], chart: Features)).Message.ShouldContain("greeting is required");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([Values("failWith: stop here\n")], chart: Features)).Message.ShouldContain("stop here");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([Values("tplProbe: '{{ env \"HOME\" }}'\n")], chart: Features)).Message.ShouldContain("\"env\" not defined");
        ((string?)Data(RenderedChart.RenderText([Values("tplProbe: '{{ .Chart.Name }}'\n")], chart: Features))["tplProbe"]).ShouldBe("features");
    }
}
