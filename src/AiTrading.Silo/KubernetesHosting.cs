using System.Net;
using AiTrading.Contracts;
using AiTrading.Core;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace AiTrading.Silo;

/// <summary>
/// The pod a silo runs in, from the Downward API variables the chart sets (docs/kubernetes-hosting.md). Orleans'
/// Kubernetes hosting reads the same variables itself; they are read here too so that a silo refuses to start with one
/// missing, naming it, instead of starting with a machine name or an empty id.
/// </summary>
public sealed record KubernetesPod(string Name, string Namespace, IPAddress Address, string ServiceId, string ClusterId)
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";
    /// <summary>Where the Kubernetes client reads the pod's API token (automountServiceAccountToken).</summary>
    public const string ServiceAccountToken = ServiceAccountDirectory + "/token";
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>
    /// The pod, when Orleans' Kubernetes hosting is on: Clustering:Kubernetes true, or unset with POD_NAME and
    /// KUBERNETES_SERVICE_HOST both present (the kubelet sets the latter in every pod). Null when off.
    /// </summary>
    public static KubernetesPod? Detect(ClusteringSettings clustering, Func<string, string?> environment)
    {
        var on = clustering.Kubernetes ?? (Present(environment, KubernetesHostingOptions.PodNameEnvironmentVariable) && Present(environment, ServiceHostVariable));
        if (!on) return null;
        var errors = new List<FieldError>();
        if (clustering.Provider != ProviderKind.Postgres)
            errors.Add(new($"{ClusteringSettings.Section}:Provider", "must be Postgres on Kubernetes (membership lives in PostgreSQL)"));
        string Require(string variable, string what)
        {
            if (environment(variable) is { } value && !string.IsNullOrWhiteSpace(value)) return value.Trim();
            errors.Add(new(variable, $"is not set: the pod's {what} comes from the Downward API"));
            return "";
        }
        var name = Require(KubernetesHostingOptions.PodNameEnvironmentVariable, "name (metadata.name)");
        var ns = Require(KubernetesHostingOptions.PodNamespaceEnvironmentVariable, "namespace (metadata.namespace)");
        var ip = Require(KubernetesHostingOptions.PodIPEnvironmentVariable, "address (status.podIP)");
        var serviceId = Require(KubernetesHostingOptions.ServiceIdEnvironmentVariable, $"service id (label {KubernetesHostingOptions.ServiceIdLabel})");
        var clusterId = Require(KubernetesHostingOptions.ClusterIdEnvironmentVariable, $"cluster id (label {KubernetesHostingOptions.ClusterIdLabel})");
        Require(ServiceHostVariable, "API server address (set by the kubelet)");
        IPAddress? address = null;
        if (ip.Length > 0 && !IPAddress.TryParse(ip, out address))
            errors.Add(new(KubernetesHostingOptions.PodIPEnvironmentVariable, $"'{ip}' is not an IP address"));
        if (errors.Count > 0) throw new ValidationException(errors);
        return new KubernetesPod(name, ns, address!, serviceId, clusterId);
    }

    /// <summary>The API token the Kubernetes client authenticates with; without it the silo could not watch its pods.</summary>
    public static void RequireServiceAccountToken(string path = ServiceAccountToken)
    {
        if (!File.Exists(path))
            throw new ValidationException($"{ClusteringSettings.Section}:Kubernetes",
                $"the service account token {path} is missing: mount it (automountServiceAccountToken: true) or set Clustering:Kubernetes=false");
    }

    private static bool Present(Func<string, string?> environment, string variable) => !string.IsNullOrWhiteSpace(environment(variable));
}

public static class KubernetesHosting
{
    /// <summary>
    /// Orleans' Kubernetes hosting on top of the PostgreSQL membership: the silo is named after its pod, advertises the
    /// pod's IP, listens on every interface, and takes the service and cluster ids of the pod's labels. Orleans labels
    /// its pod, lists and watches the pods of its cluster, and declares a silo dead when its pod is deleted.
    /// </summary>
    public static ISiloBuilder UseAiTradingKubernetes(this ISiloBuilder silo, KubernetesPod pod, int siloPort, int gatewayPort)
    {
        silo.ConfigureEndpoints(pod.Address, siloPort, gatewayPort, listenOnAnyHostAddress: true);
        silo.UseKubernetesHosting();
        // After Orleans' own configuration, which reads the same variables: one source of truth, validated above.
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = pod.ServiceId;
            o.ClusterId = pod.ClusterId;
        });
        silo.Configure<SiloOptions>(o => o.SiloName = pod.Name);
        return silo;
    }
}
