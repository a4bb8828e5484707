using System.Net;
using AiTrading.Core;
using AiTrading.Hosts;
using AiTrading.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace AiTrading.Deploy.Tests.Images;

/// <summary>
/// Orleans' Kubernetes hosting without an API server: what a silo takes from its pod's environment, and how it stops
/// when it cannot talk to the API. In the published executables' collection: these tests set process environment
/// variables, which nothing else may see meanwhile.
/// </summary>
[Collection(PublishedExecutablesCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KubernetesHostingTests(PublishedExecutables published)
{
    private static readonly Dictionary<string, string> Pod = new()
    {
        ["POD_NAME"] = "aitrading-silo-7d9f-x2k4q",
        ["POD_NAMESPACE"] = "trading",
        ["POD_IP"] = "10.42.3.17",
        ["ORLEANS_SERVICE_ID"] = "aitrading-prod",
        ["ORLEANS_CLUSTER_ID"] = "blue",
        ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1",
        ["KUBERNETES_SERVICE_PORT"] = "443",
    };

    private static readonly Dictionary<string, string?> Postgres = new()
    {
        ["Clustering:Provider"] = "Postgres",
        ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Username=none;Database=none",
    };

    [Fact]
    public void In_a_pod_the_silo_is_named_addressed_and_identified_from_the_downward_api()
    {
        using var _ = new ProcessEnvironment(Pod);
        using var host = BuildSilo(Postgres);
        host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName.ShouldBe("aitrading-silo-7d9f-x2k4q");
        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        (cluster.ServiceId, cluster.ClusterId).ShouldBe(("aitrading-prod", "blue"));
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        endpoints.AdvertisedIPAddress.ShouldBe(IPAddress.Parse("10.42.3.17"));
        endpoints.SiloListeningEndpoint.ShouldBe(new IPEndPoint(IPAddress.Any, 11111));
        endpoints.GatewayListeningEndpoint.ShouldBe(new IPEndPoint(IPAddress.Any, 30000));
        // Orleans' own checks of its options (namespace, pod name = silo name) pass.
        Should.NotThrow(() => host.Services.GetRequiredService<IOptions<KubernetesHostingOptions>>().Value);
    }

    [Fact]
    public void Kubernetes_hosting_can_be_turned_off_and_a_pod_without_its_ids_is_refused_by_name()
    {
        using (new ProcessEnvironment(Pod))
        using (var host = BuildSilo(new Dictionary<string, string?>(Postgres) { ["Clustering:Kubernetes"] = "false", ["Clustering:ServiceId"] = "configured" }))
        {
            host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId.ShouldBe("configured");
            host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.AdvertisedIPAddress.ShouldBe(IPAddress.Loopback);
        }
        using (new ProcessEnvironment(new Dictionary<string, string>(Pod) { ["ORLEANS_SERVICE_ID"] = "", ["POD_IP"] = "not-an-address" }))
        {
            var error = Should.Throw<ValidationException>(() => BuildSilo(Postgres));
            error.Errors.Select(e => e.Field).ShouldBe(["ORLEANS_SERVICE_ID", "POD_IP"], ignoreOrder: true);
        }
        using (new ProcessEnvironment(Pod))
            Should.Throw<ValidationException>(() => BuildSilo(new Dictionary<string, string?>())).Errors.Single().Field.ShouldBe("Clustering:Provider");
    }

    [Fact]
    public async Task Without_its_service_account_token_the_published_silo_exits_naming_the_token_path()
    {
        File.Exists(KubernetesPod.ServiceAccountToken).ShouldBeFalse("this machine is not a pod");
        var work = published.NewWorkFolder();
        var environment = ChartEnvironment.Silo(new ChartValues
        {
            PostgresConnectionString = "Host=127.0.0.1;Port=1;Username=none;Database=none", SigningKeyFile = "unused",
            SiloHttpPort = LatePort.FreePort(), SiloPort = LatePort.FreePort(), SiloGatewayPort = LatePort.FreePort(),
        });
        environment["AITRADING_HOME"] = work;
        environment["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
        environment["KUBERNETES_SERVICE_PORT"] = "443";
        using var silo = published.Start(published.SiloProgram, environment);
        (await silo.ExitCodeAsync(TimeSpan.FromMinutes(2))).ShouldBe(HostExit.BadConfiguration, silo.ToString());
        silo.Output.Trim().ShouldBe("error: Clustering:Kubernetes: the service account token /var/run/secrets/kubernetes.io/serviceaccount/token is missing: "
                                    + "mount it (automountServiceAccountToken: true) or set Clustering:Kubernetes=false");
    }

    [Fact]
    public void The_shutdown_timeout_is_read_from_the_configuration_and_checked()
    {
        using (var host = SiloHost.Build(new SiloHostSettings { Feed = SiloHostSettings.NoFeed, HttpPort = 0, Configuration = new Dictionary<string, string?> { ["Hosting:ShutdownTimeout"] = "00:00:07" } }))
            host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.ShouldBe(TimeSpan.FromSeconds(7));
        using (var host = SiloHost.Build(new SiloHostSettings { Feed = SiloHostSettings.NoFeed, HttpPort = 0 }))
            host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.ShouldBe(HostingOptions.DefaultShutdownTimeout);
        foreach (var bad in new[] { "soon", "-00:00:05", "00:00:00", "02:00:00" })
            Should.Throw<ValidationException>(() => SiloHost.Build(new SiloHostSettings
            {
                Feed = SiloHostSettings.NoFeed, HttpPort = 0, Configuration = new Dictionary<string, string?> { ["Hosting:ShutdownTimeout"] = bad },
            })).Errors.Single().Field.ShouldBe("Hosting:ShutdownTimeout");
    }

    private static IHost BuildSilo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.UseAiTradingClustering(builder.Configuration, 11111, 30000));
        return builder.Build();
    }

    /// <summary>Sets process environment variables for a test and restores them after.</summary>
    private sealed class ProcessEnvironment : IDisposable
    {
        private readonly Dictionary<string, string?> _before = new();

        public ProcessEnvironment(IReadOnlyDictionary<string, string> variables)
        {
            foreach (var (name, value) in variables)
            {
                _before[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, value.Length == 0 ? null : value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _before) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
