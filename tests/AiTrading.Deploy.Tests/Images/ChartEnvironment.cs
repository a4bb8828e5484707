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
    public required string SigningKeyFile { get; init; }
    public string PodName { get; init; } = "aitrading-silo-0";
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
/// The environment the Helm chart gives the silo and gateway containers, as the contract of issue 16 lays it down
/// (docs/kubernetes-hosting.md). Kept in one place so that it can be read from the rendered chart instead. The
/// Downward API variables are here as the kubelet fills them, but not KUBERNETES_SERVICE_HOST (there is no API server
/// in these tests), so the silos run without Orleans' Kubernetes hosting.
/// </summary>
public static class ChartEnvironment
{
    public static Dictionary<string, string> Silo(ChartValues values)
    {
        var env = Common(values);
        env["POD_NAME"] = values.PodName;
        env["POD_NAMESPACE"] = values.PodNamespace;
        env["POD_IP"] = values.PodIp;
        env["ORLEANS_SERVICE_ID"] = values.ServiceId;
        env["ORLEANS_CLUSTER_ID"] = values.ClusterId;
        env["AITRADING__Silo__Feed"] = values.SiloFeed;
        env["AITRADING__Silo__SiloPort"] = $"{values.SiloPort}";
        env["AITRADING__Silo__GatewayPort"] = $"{values.SiloGatewayPort}";
        env["AITRADING__Silo__HttpPort"] = $"{values.SiloHttpPort}";
        return env;
    }

    public static Dictionary<string, string> Gateway(ChartValues values)
    {
        var env = Common(values);
        env["AITRADING__Clustering__ServiceId"] = values.ServiceId;
        env["AITRADING__Clustering__ClusterId"] = values.ClusterId;
        env["AITRADING__Gateway__BindAddress"] = "0.0.0.0";
        env["AITRADING__Gateway__HttpPort"] = $"{values.GatewayHttpPort}";
        env["AITRADING__Gateway__GrpcPort"] = $"{values.GatewayGrpcPort}";
        env["AITRADING__Gateway__Auth__SigningKeyFile"] = values.SigningKeyFile;
        return env;
    }

    private static Dictionary<string, string> Common(ChartValues values)
    {
        var env = new Dictionary<string, string>
        {
            ["AITRADING_HOME"] = "/tmp/aitrading",
            ["AITRADING__Logging__Console__FormatterName"] = "json",
            ["AITRADING__Hosting__ShutdownTimeout"] = "00:00:45",
            ["AITRADING__Clustering__Provider"] = "Postgres",
            ["AITRADING__Storage__Provider"] = "Postgres",
            ["AITRADING__ConnectionStrings__Postgres"] = values.PostgresConnectionString,
            ["AITRADING__Streams__Provider"] = values.KafkaBootstrapServers is null ? "Memory" : "Kafka",
        };
        if (values.KafkaBootstrapServers is { } bootstrap)
        {
            env["AITRADING__Streams__Kafka__BootstrapServers"] = bootstrap;
            env["AITRADING__Streams__Kafka__Topic"] = values.KafkaTopic;
            env["AITRADING__Streams__Kafka__ConsumerGroup"] = values.KafkaConsumerGroup;
        }
        return env;
    }
}
