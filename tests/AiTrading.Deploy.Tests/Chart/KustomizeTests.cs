using System.Text.Json.Nodes;

namespace AiTrading.Deploy.Tests.Chart;

/// <summary>k8s/ renders with kubectl kustomize and holds what the chart's values refer to.</summary>
public sealed class KustomizeTests
{
    private static List<JsonObject> Render()
    {
        var kubectl = ChartTools.OnPath("kubectl");
        Skip.If(kubectl is null, "kubectl is not on PATH: `kubectl kustomize k8s/` did not run");
        var result = ChartTools.Run(kubectl!, ["kustomize", SharedData.Repository("k8s")]);
        result.ExitCode.ShouldBe(0, result.Stderr);
        return result.Stdout.Split("\n---\n").Where(d => !string.IsNullOrWhiteSpace(d)).Select(RenderedChart.ToJson).ToList();
    }

    private static string Id(JsonObject o) => $"{o["apiVersion"]}/{o["kind"]}/{o["metadata"]!["name"]}";

    [SkippableFact]
    public void Renders_the_namespace_postgres_and_kafka()
    {
        var objects = Render();
        objects.Select(Id).ShouldBe([
            "v1/Namespace/aitrading",
            "kafka.strimzi.io/v1beta2/Kafka/aitrading",
            "kafka.strimzi.io/v1beta2/KafkaNodePool/dual-role",
            "kafka.strimzi.io/v1beta2/KafkaTopic/aitrading-market",
            "postgresql.cnpg.io/v1/Cluster/aitrading-postgres",
        ], ignoreOrder: true);
        foreach (var o in objects.Where(o => (string?)o["kind"] != "Namespace"))
            ((string?)o["metadata"]!["namespace"]).ShouldBe("aitrading", Id(o));
    }

    [SkippableFact]
    public void Kafka_runs_in_kraft_mode_and_matches_the_chart_values()
    {
        var objects = Render();
        var kafka = objects.Single(o => (string?)o["kind"] == "Kafka");
        var name = (string)kafka["metadata"]!["name"]!;
        ((string?)kafka["metadata"]!["annotations"]!["strimzi.io/kraft"]).ShouldBe("enabled");
        kafka["spec"]!.AsObject().ContainsKey("zookeeper").ShouldBeFalse();
        var pool = objects.Single(o => (string?)o["kind"] == "KafkaNodePool");
        ((string?)pool["metadata"]!["labels"]!["strimzi.io/cluster"]).ShouldBe(name);
        pool["spec"]!["roles"]!.AsArray().Select(r => (string?)r).ShouldBe(["controller", "broker"], ignoreOrder: true);
        var topic = objects.Single(o => (string?)o["kind"] == "KafkaTopic");
        ((string?)topic["metadata"]!["labels"]!["strimzi.io/cluster"]).ShouldBe(name);

        // The chart's Kafka case points at this cluster's bootstrap Service and topic.
        var plain = kafka["spec"]!["kafka"]!["listeners"]!.AsArray().Single(l => (bool?)l!["tls"] == false)!;
        var values = RenderedChart.ToJson(File.ReadAllText(Path.Combine(ChartTools.ChartDirectory, "ci", "kafka-values.yaml")));
        ((string?)values["kafka"]!["bootstrapServers"]).ShouldBe($"{name}-kafka-bootstrap.{kafka["metadata"]!["namespace"]}:{plain["port"]}");
        ((string?)values["kafka"]!["topic"]).ShouldBe((string?)topic["metadata"]!["name"]);
    }

    [SkippableFact]
    public void Postgres_is_a_replicated_cnpg_cluster()
    {
        var cluster = Render().Single(o => (string?)o["kind"] == "Cluster");
        ((int)cluster["spec"]!["instances"]!).ShouldBeGreaterThanOrEqualTo(2);
        ((string?)cluster["spec"]!["bootstrap"]!["initdb"]!["database"]).ShouldBe("aitrading");
    }
}
