using AiTrading.Deploy.Tests.Chart;
using k8s.Models;

namespace AiTrading.Deploy.Tests.Images;

/// <summary>What a test chooses where the chart takes values or the cluster provides addresses.</summary>
public sealed record ChartValues
{
    public required string PostgresConnectionString { get; init; }
    public string? KafkaBootstrapServers { get; init; }
    public string KafkaTopic { get; init; } = "aitrading-market";
    public string KafkaConsumerGroup { get; init; } = "aitrading";
    public string ServiceId { get; init; } = "aitrading";
    public string ClusterId { get; init; } = "aitrading";
    public string SiloFeed { get; init; } = "none";
    /// <summary>Where this machine keeps the key the chart mounts from the Secret at <see cref="ChartEnvironment.MountedSigningKey"/>.</summary>
    public required string SigningKeyFile { get; init; }
    public string PodName { get; init; } = "aitrading-silo-cpu-7d9f-x2k4q";
    public string PodNamespace { get; init; } = "aitrading";
    public string PodIp { get; init; } = "127.0.0.1";
    // The chart's ports; a test on a shared machine gives free ones.
    public int SiloPort { get; init; } = 11111;
    public int SiloGatewayPort { get; init; } = 30000;
    public int SiloHttpPort { get; init; } = 8080;
    public int GatewayHttpPort { get; init; } = 8000;
    public int GatewayGrpcPort { get; init; } = 8001;
}

/// <summary>
/// The environment the Helm chart gives the silo and gateway containers: the chart is rendered with the test's values
/// (<see cref="RenderedChart"/>), and each container's environment is resolved as the kubelet would (ConfigMap,
/// Secret keys, Downward API fields). Only what a pod on this machine cannot have is then replaced: the ports (free
/// ones, since tests share the machine) and the signing key's mount path. KUBERNETES_SERVICE_HOST is not set (there is
/// no API server here), so the silos run without Orleans' Kubernetes hosting.
/// </summary>
public static class ChartEnvironment
{
    public const string MountedSigningKey = "/etc/aitrading/auth/signing-key.json";

    public static Dictionary<string, string> Silo(ChartValues values)
    {
        var chart = Render(values);
        var env = Resolve(chart, chart.Get<V1Deployment>(RenderedChart.NameOf("silo-cpu")).Spec.Template, "silo", values);
        env["AITRADING__Silo__SiloPort"] = $"{values.SiloPort}";
        env["AITRADING__Silo__GatewayPort"] = $"{values.SiloGatewayPort}";
        env["AITRADING__Silo__HttpPort"] = $"{values.SiloHttpPort}";
        return env;
    }

    public static Dictionary<string, string> Gateway(ChartValues values)
    {
        var chart = Render(values);
        var env = Resolve(chart, chart.Get<V1Deployment>(RenderedChart.NameOf("gateway")).Spec.Template, "gateway", values);
        env["AITRADING__Gateway__HttpPort"].ShouldBe("8000");
        env["AITRADING__Gateway__HttpPort"] = $"{values.GatewayHttpPort}";
        env["AITRADING__Gateway__GrpcPort"] = $"{values.GatewayGrpcPort}";
        env["AITRADING__Gateway__Auth__SigningKeyFile"].ShouldBe(MountedSigningKey);
        env["AITRADING__Gateway__Auth__SigningKeyFile"] = values.SigningKeyFile;
        return env;
    }

    private static RenderedChart Render(ChartValues values)
    {
        var file = Path.Combine(Path.GetTempPath(), $"aitrading-values-{Guid.NewGuid():N}.yaml");
        var kafka = values.KafkaBootstrapServers is { } bootstrap
            ? $"kafka: {{enabled: true, bootstrapServers: \"{bootstrap}\", topic: \"{values.KafkaTopic}\", consumerGroup: \"{values.KafkaConsumerGroup}\"}}"
            : "kafka: {enabled: false}";
        File.WriteAllText(file, $"""
            orleans: {"{"}serviceId: "{values.ServiceId}", clusterId: "{values.ClusterId}"{"}"}
            silo: {"{"}feed: "{values.SiloFeed}"{"}"}
            {kafka}
            """);
        try { return RenderedChart.Render(file); }
        finally { File.Delete(file); }
    }

    private static Dictionary<string, string> Resolve(RenderedChart chart, V1PodTemplateSpec pod, string container, ChartValues values) =>
        new(chart.Environment(pod, container,
            key => key.Key == "postgres-connection-string" ? values.PostgresConnectionString : throw new InvalidOperationException($"the test has no value for Secret key {key.Key}"),
            new Dictionary<string, string> { ["metadata.name"] = values.PodName, ["metadata.namespace"] = values.PodNamespace, ["status.podIP"] = values.PodIp }));
}
