using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s.Models;
using Xunit.Abstractions;

namespace AiTrading.Deploy.Tests.Chart;

public sealed class ChartTests(ITestOutputHelper output)
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedChart>> Cache = new();

    /// <summary>The default values and every value file shipped in charts/aitrading/ci, each rendered once per run.</summary>
    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string> { "default" };
        foreach (var f in Directory.GetFiles(Path.Combine(ChartTools.ChartDirectory, "ci"), "*.yaml").Order(StringComparer.Ordinal))
            cases.Add(Path.GetFileName(f));
        return cases;
    }

    private static IEnumerable<string> CaseNames() => ((IEnumerable<object[]>)Cases()).Select(c => (string)c[0]);

    private static RenderedChart Rendered(string @case) =>
        Cache.GetOrAdd(@case, c => new Lazy<RenderedChart>(() => c == "default" ? RenderedChart.Render() : RenderedChart.Render(c))).Value;

    private static IEnumerable<(string Kind, string Name, V1PodTemplateSpec Pod)> Pods(RenderedChart chart) =>
        chart.All<V1Deployment>().Select(d => ("Deployment", d.Metadata.Name, d.Spec.Template))
            .Concat(chart.All<V1Job>().Select(j => ("Job", j.Metadata.Name, j.Spec.Template)));

    private static readonly IReadOnlyDictionary<string, string> PodFields = new Dictionary<string, string>
    {
        ["metadata.name"] = "aitrading-silo-cpu-7d9f-abcde", ["metadata.namespace"] = RenderedChart.Namespace, ["status.podIP"] = "10.1.2.3",
    };

    private static string SecretValue(V1SecretKeySelector key) => $"<{key.Name}/{key.Key}>";

    [Fact]
    public void Ships_the_value_files_of_each_case()
    {
        var files = CaseNames().ToList();
        foreach (var required in new[] { "gpu-values.yaml", "kafka-values.yaml", "ingress-values.yaml", "keda-values.yaml", "oidc-values.yaml", "mt5-values.yaml" })
            files.ShouldContain(required);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_and_every_object_reads_strictly(string @case)
    {
        var chart = Rendered(@case);
        output.WriteLine($"{@case}: {chart.Describe()}");
        chart.Objects.Count.ShouldBeGreaterThan(5);
        chart.Objects.Select(o => $"{o.Kind}/{o.Name}").ShouldBeUnique();
        foreach (var o in chart.Objects)
        {
            o.Name.Length.ShouldBeLessThanOrEqualTo(63, $"{o.Kind}/{o.Name}");
            ((string?)o.Json["metadata"]?["labels"]?["app.kubernetes.io/managed-by"]).ShouldBe("Helm", $"{o.Kind}/{o.Name}");
            ((string?)o.Json["metadata"]?["labels"]?["app.kubernetes.io/instance"]).ShouldBe(RenderedChart.ReleaseName);
        }
        chart.Notes.ShouldContain($"svc/{RenderedChart.NameOf("gateway")} 8000:8000 8001:8001");
        chart.Notes.ShouldContain("/dashboard");
        chart.Notes.ShouldNotContain("<no value>");
    }

    [Fact]
    public void A_misspelt_field_in_a_manifest_fails_the_strict_read()
    {
        var deployment = Rendered("default").OfKind("Deployment").First();
        Should.NotThrow(() => RenderedChart.ReadStrict(deployment.Yaml, typeof(V1Deployment)));
        var misspelt = deployment.Yaml.Replace("containerPort:", "containerPortt:");
        misspelt.ShouldNotBe(deployment.Yaml);
        Should.Throw<Exception>(() => RenderedChart.ReadStrict(misspelt, typeof(V1Deployment)));
    }

    [Fact]
    public void The_scaled_object_schema_refuses_a_misspelt_field()
    {
        var scaled = Rendered("keda-values.yaml").OfKind("ScaledObject").First();
        var error = Should.Throw<ChartRenderException>(() => RenderedChart.ValidateCustomResource(
            scaled.Yaml.Replace("minReplicaCount:", "minReplicasCount:"), RenderedChart.CustomKinds["keda.sh/v1alpha1/ScaledObject"]));
        error.Message.ShouldContain("minReplicasCount");
        Should.Throw<ChartRenderException>(() => RenderedChart.ValidateCustomResource(
            scaled.Yaml.Replace("pollingInterval: 15", "pollingInterval: fifteen"), RenderedChart.CustomKinds["keda.sh/v1alpha1/ScaledObject"]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Selectors_match_their_pods_and_services_target_declared_ports(string @case)
    {
        var chart = Rendered(@case);
        var deployments = chart.All<V1Deployment>().ToList();
        foreach (var d in deployments)
            d.Spec.Selector.MatchLabels.ShouldBeSubsetOf(d.Spec.Template.Metadata.Labels, d.Metadata.Name);

        foreach (var service in chart.All<V1Service>())
        {
            var targets = deployments.Where(d => service.Spec.Selector.All(s => Label(d.Spec.Template.Metadata.Labels, s.Key) == s.Value)).ToList();
            targets.Count.ShouldBe(1, $"Service {service.Metadata.Name} selects exactly one Deployment's pods");
            var ports = targets[0].Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? []).ToList();
            foreach (var port in service.Spec.Ports)
            {
                var target = port.TargetPort?.Value ?? port.Port.ToString();
                ports.Any(p => p.Name == target || p.ContainerPort.ToString() == target).ShouldBeTrue($"{service.Metadata.Name}:{port.Name} -> {target}");
            }
        }

        foreach (var pdb in chart.All<V1PodDisruptionBudget>())
        {
            deployments.Count(d => pdb.Spec.Selector.MatchLabels.ShouldBeSubsetOfReturning(d.Spec.Template.Metadata.Labels)).ShouldBe(1, pdb.Metadata.Name);
            pdb.Spec.MaxUnavailable.Value.ShouldBe("1");
        }

        foreach (var ingress in chart.All<V1Ingress>())
            foreach (var path in ingress.Spec.Rules.SelectMany(r => r.Http.Paths))
            {
                var service = chart.Get<V1Service>(path.Backend.Service.Name);
                service.Spec.Ports.ShouldContain(p => p.Name == path.Backend.Service.Port.Name);
            }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_container_has_probes_resources_and_a_restricted_security_context(string @case)
    {
        foreach (var (kind, name, pod) in Pods(Rendered(@case)))
        {
            pod.Spec.SecurityContext.RunAsNonRoot.ShouldBe(true, name);
            pod.Spec.SecurityContext.SeccompProfile.Type.ShouldBe("RuntimeDefault", name);
            var tmp = pod.Spec.Volumes.Where(v => v.Name == "tmp").ShouldHaveSingleItem();
            tmp.EmptyDir.ShouldNotBeNull(name);
            (pod.Spec.InitContainers ?? []).ShouldBeEmpty(name);
            foreach (var c in pod.Spec.Containers)
            {
                var where = $"{kind}/{name}/{c.Name}";
                var security = c.SecurityContext.ShouldNotBeNull(where);
                security.RunAsNonRoot.ShouldBe(true, where);
                security.RunAsUser.ShouldBe(10001, where);
                security.ReadOnlyRootFilesystem.ShouldBe(true, where);
                security.AllowPrivilegeEscalation.ShouldBe(false, where);
                security.Privileged.ShouldNotBe(true, where);
                security.Capabilities.Drop.ShouldBe(["ALL"], where);
                (security.Capabilities.Add ?? []).ShouldBeEmpty(where);
                security.SeccompProfile.Type.ShouldBe("RuntimeDefault", where);
                c.VolumeMounts.ShouldContain(m => m.Name == "tmp" && m.MountPath == "/tmp", where);
                c.Resources.Requests.Keys.ShouldContain("cpu", where);
                c.Resources.Requests.Keys.ShouldContain("memory", where);
                c.Resources.Limits.Keys.ShouldContain("memory", where);
                if (kind == "Job")
                {
                    // A run-to-completion container serves no health endpoint; its deadline bounds it instead.
                    ((V1Job)Rendered(@case).All<V1Job>().Single(j => j.Metadata.Name == name)).Spec.ActiveDeadlineSeconds.ShouldNotBeNull();
                    continue;
                }
                var ports = (c.Ports ?? []).Select(p => p.Name).ToHashSet();
                foreach (var (probe, path) in new[] { (c.LivenessProbe, "/healthz"), (c.ReadinessProbe, "/readyz"), (c.StartupProbe, "/healthz") })
                {
                    probe.ShouldNotBeNull(where);
                    probe.HttpGet.Path.ShouldBe(path, where);
                    ports.ShouldContain(probe.HttpGet.Port.Value, where);
                }
            }
            if (kind == "Deployment") pod.Spec.TerminationGracePeriodSeconds.ShouldBe(60, name);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Silo_pods_carry_what_orleans_kubernetes_hosting_reads(string @case)
    {
        var chart = Rendered(@case);
        var silos = chart.All<V1Deployment>().Where(d => d.Metadata.Name.Contains("-silo-")).ToList();
        silos.ShouldContain(d => d.Metadata.Name == RenderedChart.NameOf("silo-cpu"));
        foreach (var silo in silos)
        {
            var pod = silo.Spec.Template;
            pod.Metadata.Labels["orleans/serviceId"].ShouldBe("aitrading");
            pod.Metadata.Labels["orleans/clusterId"].ShouldBe("aitrading");
            var fields = pod.Spec.Containers.Single().Env.Where(e => e.ValueFrom?.FieldRef is not null)
                .ToDictionary(e => e.Name, e => e.ValueFrom.FieldRef.FieldPath);
            fields.ShouldBe(new Dictionary<string, string>
            {
                ["POD_NAME"] = "metadata.name", ["POD_NAMESPACE"] = "metadata.namespace", ["POD_IP"] = "status.podIP",
                ["ORLEANS_SERVICE_ID"] = "metadata.labels['orleans/serviceId']", ["ORLEANS_CLUSTER_ID"] = "metadata.labels['orleans/clusterId']",
            }, ignoreOrder: true);

            var env = chart.Environment(pod, "silo", SecretValue, PodFields);
            env["POD_NAME"].ShouldBe(PodFields["metadata.name"]);
            env["ORLEANS_SERVICE_ID"].ShouldBe("aitrading");
            // Without Orleans' Kubernetes hosting (Clustering:Kubernetes=false) the silo reads the same ids from configuration.
            (env["AITRADING__Clustering__ServiceId"], env["AITRADING__Clustering__ClusterId"]).ShouldBe((env["ORLEANS_SERVICE_ID"], env["ORLEANS_CLUSTER_ID"]));
            env["AITRADING__Clustering__Provider"].ShouldBe("Postgres");
            env["AITRADING__Storage__Provider"].ShouldBe("Postgres");
            env["AITRADING__ConnectionStrings__Postgres"].ShouldBe("<aitrading/postgres-connection-string>");
            env["AITRADING__Silo__SiloPort"].ShouldBe("11111");
            env["AITRADING__Silo__GatewayPort"].ShouldBe("30000");
            env["AITRADING__Silo__HttpPort"].ShouldBe("8080");
            env["AITRADING__Silo__Feed"].ShouldBe("none");
            env["AITRADING_HOME"].ShouldBe("/tmp/aitrading");
            env["AITRADING__Logging__Console__FormatterName"].ShouldBe("json");
            env["AITRADING__Hosting__ShutdownTimeout"].ShouldBe("00:00:45");
            env.ContainsKey("AITRADING__Models__Gpu").ShouldBe(silo.Metadata.Name.EndsWith("-silo-gpu", StringComparison.Ordinal));
            pod.Spec.Containers.Single().Ports.Select(p => p.ContainerPort).ShouldBe([11111, 30000, 8080], ignoreOrder: true);
            pod.Spec.ServiceAccountName.ShouldBe(RenderedChart.ReleaseName);
            pod.Spec.AutomountServiceAccountToken.ShouldBe(true);

            // Never two silos down at once.
            silo.Spec.Strategy.RollingUpdate.MaxUnavailable.Value.ShouldBe("0");
            silo.Spec.Strategy.RollingUpdate.MaxSurge.Value.ShouldBe("1");
        }
    }

    [Theory]
    [InlineData("default", "Memory", null)]
    [InlineData("kafka-values.yaml", "Kafka", "aitrading-kafka-bootstrap.aitrading:9092")]
    public void Streams_follow_the_kafka_values(string @case, string provider, string? bootstrap)
    {
        var chart = Rendered(@case);
        foreach (var d in chart.All<V1Deployment>())
        {
            var env = chart.Environment(d.Spec.Template, d.Spec.Template.Spec.Containers[0].Name, SecretValue, PodFields);
            env["AITRADING__Streams__Provider"].ShouldBe(provider);
            env.GetValueOrDefault("AITRADING__Streams__Kafka__BootstrapServers").ShouldBe(bootstrap);
            if (bootstrap is not null)
            {
                env["AITRADING__Streams__Kafka__Topic"].ShouldBe("aitrading-market");
                env["AITRADING__Streams__Kafka__ConsumerGroup"].ShouldBe("aitrading");
            }
        }
    }

    [Theory]
    [InlineData("default")]
    [InlineData("keda-values.yaml")]
    [InlineData("oidc-values.yaml")]
    public void The_gateway_listens_where_the_contract_says_and_checks_tokens(string @case)
    {
        var chart = Rendered(@case);
        var keda = @case == "keda-values.yaml";
        var gateway = chart.Get<V1Deployment>(RenderedChart.NameOf("gateway"));
        var pod = gateway.Spec.Template;
        var env = chart.Environment(pod, "gateway", SecretValue, PodFields);
        env["AITRADING__Gateway__BindAddress"].ShouldBe("0.0.0.0");
        env["AITRADING__Gateway__HttpPort"].ShouldBe("8000");
        env["AITRADING__Gateway__GrpcPort"].ShouldBe("8001");
        env.GetValueOrDefault("AITRADING__Gateway__Scaler__Port").ShouldBe(keda ? "8002" : null);
        env["AITRADING__Clustering__ServiceId"].ShouldBe("aitrading");
        env["AITRADING__Clustering__ClusterId"].ShouldBe("aitrading");
        env["AITRADING__ConnectionStrings__Postgres"].ShouldBe("<aitrading/postgres-connection-string>");
        // Orleans' Kubernetes agent selects silo pods by these labels; a gateway is not a silo.
        pod.Metadata.Labels.ShouldNotContainKey("orleans/serviceId");
        pod.Spec.AutomountServiceAccountToken.ShouldBe(false);

        var service = chart.Get<V1Service>(RenderedChart.NameOf("gateway"));
        service.Spec.Ports.Select(p => (p.Name, p.Port)).ShouldBe(keda ? [("http", 8000), ("grpc", 8001), ("scaler", 8002)] : [("http", 8000), ("grpc", 8001)]);
        service.Spec.Ports.Single(p => p.Name == "grpc").AppProtocol.ShouldBe("kubernetes.io/h2c");

        var container = pod.Spec.Containers.Single();
        if (@case == "oidc-values.yaml")
        {
            env["AITRADING__Gateway__Auth__Authority"].ShouldBe("https://login.example.com/realms/aitrading");
            env["AITRADING__Gateway__Auth__Audience"].ShouldBe("aitrading-api");
            env.ShouldNotContainKey("AITRADING__Gateway__Auth__SigningKeyFile");
            pod.Spec.Volumes.ShouldNotContain(v => v.Secret != null);
        }
        else
        {
            env["AITRADING__Gateway__Auth__SigningKeyFile"].ShouldBe("/etc/aitrading/auth/signing-key.json");
            env.ShouldNotContainKey("AITRADING__Gateway__Auth__Authority");
            var mount = container.VolumeMounts.Single(m => m.MountPath == "/etc/aitrading/auth");
            mount.ReadOnlyProperty.ShouldBe(true);
            var volume = pod.Spec.Volumes.Single(v => v.Name == mount.Name);
            volume.Secret.SecretName.ShouldBe("aitrading");
            volume.Secret.Items.ShouldHaveSingleItem().Path.ShouldBe("signing-key.json");
        }
    }

    [Fact]
    public void Mt5_tokens_come_from_the_existing_secret()
    {
        var chart = Rendered("mt5-values.yaml");
        var env = chart.Environment(chart.Get<V1Deployment>(RenderedChart.NameOf("silo-cpu")).Spec.Template, "silo", SecretValue, PodFields);
        env["AITRADING__Trading__Mt5Terminals__mt5__Token"].ShouldBe("<aitrading/mt5-token>");
        env["AITRADING__Trading__Mt5Terminals__mt5-demo__Token"].ShouldBe("<aitrading/mt5-demo-token>");
        env["AITRADING__Trading__DefaultVenue"].ShouldBe("paper");
        chart.Get<V1ConfigMap>(RenderedChart.ReleaseName).Data.Values.ShouldNotContain(v => v.Contains("token", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_role_grants_exactly_the_pod_verbs_orleans_uses(string @case)
    {
        var chart = Rendered(@case);
        var role = chart.All<V1Role>().ShouldHaveSingleItem();
        var rule = role.Rules.ShouldHaveSingleItem();
        rule.ApiGroups.ShouldBe([""]);
        rule.Resources.ShouldBe(["pods"]);
        // KubernetesClusterAgent: reads its own pod, patches the orleans/* labels, lists and watches the cluster's pods.
        rule.Verbs.ShouldBe(["get", "list", "watch", "patch"], ignoreOrder: true);
        var binding = chart.All<V1RoleBinding>().ShouldHaveSingleItem();
        binding.RoleRef.Name.ShouldBe(role.Metadata.Name);
        binding.RoleRef.Kind.ShouldBe("Role");
        var subject = binding.Subjects.ShouldHaveSingleItem();
        subject.Kind.ShouldBe("ServiceAccount");
        subject.NamespaceProperty.ShouldBe(RenderedChart.Namespace);
        chart.All<V1ServiceAccount>().ShouldHaveSingleItem().Metadata.Name.ShouldBe(subject.Name);
    }

    [Theory]
    [InlineData("gpu-values.yaml", 2)]
    [InlineData("keda-values.yaml", 1)]
    public void The_gpu_deployment_requests_gpus_on_gpu_nodes(string @case, int gpus)
    {
        var chart = Rendered(@case);
        var gpu = chart.Get<V1Deployment>(RenderedChart.NameOf("silo-gpu"));
        var pod = gpu.Spec.Template.Spec;
        var resources = pod.Containers.Single().Resources;
        resources.Limits["nvidia.com/gpu"].ToString().ShouldBe(gpus.ToString());
        resources.Requests["nvidia.com/gpu"].ToString().ShouldBe(gpus.ToString());
        pod.NodeSelector["nvidia.com/gpu.present"].ShouldBe("true");
        pod.Tolerations.ShouldContain(t => t.Key == "nvidia.com/gpu" && t.OperatorProperty == "Exists" && t.Effect == "NoSchedule");
        chart.Environment(gpu.Spec.Template, "silo", SecretValue, PodFields)["AITRADING__Models__Gpu"].ShouldBe("true");
        chart.Get<V1Deployment>(RenderedChart.NameOf("silo-cpu")).Spec.Template.Spec.Containers.Single().Resources.Limits.Keys.ShouldNotContain("nvidia.com/gpu");
        chart.Get<V1PodDisruptionBudget>(RenderedChart.NameOf("silo-gpu")).Spec.MaxUnavailable.Value.ShouldBe("1");
    }

    [Fact]
    public void With_a_gpu_pool_cpu_silos_keep_network_training_waiting_for_a_gpu_silo()
    {
        string? WithoutGpu(RenderedChart chart, string component) =>
            chart.Environment(chart.Get<V1Deployment>(RenderedChart.NameOf(component)).Spec.Template, "silo", SecretValue, PodFields).GetValueOrDefault("AITRADING__Models__WithoutGpu");
        var keda = Rendered("keda-values.yaml");
        WithoutGpu(keda, "silo-cpu").ShouldBe("Wait", "jobs queued while the GPU pool is at zero are what KEDA scales it up for");
        WithoutGpu(keda, "silo-gpu").ShouldBeNull();
        WithoutGpu(Rendered("gpu-values.yaml"), "silo-cpu").ShouldBe("Wait");
        WithoutGpu(Rendered("default"), "silo-cpu").ShouldBeNull("without a GPU pool the silos' own default holds");

        WithoutGpu(RenderedChart.Render("gpu-values.yaml", WriteValues("gpuSilo:\n  withoutGpu: Refuse\n")), "silo-cpu").ShouldBe("Refuse");
        var unknown = WriteValues("gpuSilo:\n  withoutGpu: Later\n");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([unknown])).Message.ShouldContain("withoutGpu");
    }

    [Fact]
    public void Only_kedas_namespace_reaches_the_anonymous_scaler_port()
    {
        var chart = Rendered("keda-values.yaml");
        var policy = chart.Get<V1NetworkPolicy>(RenderedChart.NameOf("gateway"));
        var gateway = chart.Get<V1Deployment>(RenderedChart.NameOf("gateway")).Spec.Template;
        policy.Spec.PodSelector.MatchLabels.ShouldAllBe(l => gateway.Metadata.Labels[l.Key] == l.Value);
        chart.All<V1Deployment>().Where(d => d.Metadata.Name != RenderedChart.NameOf("gateway"))
            .Where(d => policy.Spec.PodSelector.MatchLabels.All(l => d.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Select(d => d.Metadata.Name).ShouldBeEmpty("the policy selects the gateway's pods only");
        policy.Spec.PolicyTypes.ShouldBe(["Ingress"]);

        var declared = gateway.Spec.Containers.Single().Ports.Select(p => p.Name).ToHashSet();
        var rules = policy.Spec.Ingress.Select(r => (From: r.FromProperty, Ports: r.Ports.Select(p => p.Port.Value).ToList())).ToList();
        rules.SelectMany(r => r.Ports).ShouldAllBe(p => declared.Contains(p), "every port the policy names is a declared container port");
        var open = rules.Where(r => r.From is null or { Count: 0 }).SelectMany(r => r.Ports).ToList();
        open.ShouldBe(["http", "grpc"], ignoreOrder: true);
        var scaler = rules.Single(r => r.Ports.Contains("scaler"));
        scaler.Ports.ShouldBe(["scaler"]);
        scaler.From.ShouldHaveSingleItem().NamespaceSelector.MatchLabels.ShouldBe(new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "keda" });

        Rendered("default").All<V1NetworkPolicy>().ShouldBeEmpty("without KEDA there is no scaler port");
        RenderedChart.Render("keda-values.yaml", WriteValues("keda:\n  networkPolicy: false\n")).All<V1NetworkPolicy>().ShouldBeEmpty();
        RenderedChart.Render("keda-values.yaml", WriteValues("keda:\n  operatorNamespace: autoscaling\n")).All<V1NetworkPolicy>().Single()
            .Spec.Ingress.Single(r => r.FromProperty is { Count: > 0 }).FromProperty.Single().NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"].ShouldBe("autoscaling");
    }

    [Fact]
    public void The_gpu_placement_is_overridable()
    {
        var chart = Rendered("gpu-values.yaml");
        var pod = chart.Get<V1Deployment>(RenderedChart.NameOf("silo-gpu")).Spec.Template.Spec;
        pod.NodeSelector["pool"].ShouldBe("gpu");
        pod.Tolerations.ShouldContain(t => t.Key == "dedicated" && t.Value == "gpu");
        Rendered("default").All<V1Deployment>().ShouldNotContain(d => d.Metadata.Name == RenderedChart.NameOf("silo-gpu"));
    }

    [Fact]
    public void Keda_scales_each_silo_pool_through_its_triggers()
    {
        var chart = Rendered("keda-values.yaml");
        var scaled = chart.OfKind("ScaledObject").ToDictionary(o => o.Name, o => o.Json["spec"]!.AsObject());
        scaled.Keys.ShouldBe([RenderedChart.NameOf("silo-cpu"), RenderedChart.NameOf("silo-gpu")], ignoreOrder: true);
        var gatewayService = chart.Get<V1Service>(RenderedChart.NameOf("gateway"));
        var scalerAddress = $"{gatewayService.Metadata.Name}.{RenderedChart.Namespace}:8002";
        gatewayService.Spec.Ports.ShouldContain(p => p.Name == "scaler" && p.Port == 8002);

        foreach (var (name, spec) in scaled)
        {
            // Targets the Deployment of the same pool, which then leaves its replica count to KEDA.
            var target = spec["scaleTargetRef"]!;
            ((string?)target["kind"]).ShouldBe("Deployment");
            ((string?)target["apiVersion"]).ShouldBe("apps/v1");
            var deployment = chart.Get<V1Deployment>((string)target["name"]!);
            deployment.Metadata.Name.ShouldBe(name);
            deployment.Spec.Replicas.ShouldBeNull();

            var down = spec["advanced"]!["horizontalPodAutoscalerConfig"]!["behavior"]!["scaleDown"]!;
            ((int)down["stabilizationWindowSeconds"]!).ShouldBeGreaterThanOrEqualTo(300);
            var policy = down["policies"]!.AsArray().ShouldHaveSingleItem()!;
            ((string?)policy["type"]).ShouldBe("Pods");
            ((int)policy["value"]!).ShouldBe(1);
            ((int)policy["periodSeconds"]!).ShouldBeGreaterThanOrEqualTo(120);
            var up = spec["advanced"]!["horizontalPodAutoscalerConfig"]!["behavior"]!["scaleUp"]!;
            ((int)up["stabilizationWindowSeconds"]!).ShouldBe(0);
            ((int)spec["fallback"]!["replicas"]!).ShouldBeGreaterThan(0);

            var external = spec["triggers"]!.AsArray().Single(t => (string?)t!["type"] == "external")!["metadata"]!;
            ((string?)external["scalerAddress"]).ShouldBe(scalerAddress);
            int.Parse((string)external["backlogPerSilo"]!).ShouldBeGreaterThan(0);
        }

        var cpu = scaled[RenderedChart.NameOf("silo-cpu")];
        ((int)cpu["minReplicaCount"]!).ShouldBe(2);
        ((string?)cpu["triggers"]!.AsArray().Single(t => (string?)t!["type"] == "external")!["metadata"]!["pool"]).ShouldBe("cpu");
        var kafka = cpu["triggers"]!.AsArray().Single(t => (string?)t!["type"] == "kafka")!["metadata"]!;
        ((string?)kafka["bootstrapServers"]).ShouldBe("aitrading-kafka-bootstrap.aitrading:9092");
        ((string?)kafka["consumerGroup"]).ShouldBe("aitrading");
        ((string?)kafka["topic"]).ShouldBe("aitrading-market");
        ((string?)kafka["lagThreshold"]).ShouldBe("500");

        var gpu = scaled[RenderedChart.NameOf("silo-gpu")];
        ((int)gpu["minReplicaCount"]!).ShouldBe(0);
        var gpuTrigger = gpu["triggers"]!.AsArray().ShouldHaveSingleItem()!;
        ((string?)gpuTrigger["type"]).ShouldBe("external");
        ((string?)gpuTrigger["metadata"]!["pool"]).ShouldBe("gpu");

        chart.Get<V1Deployment>(RenderedChart.NameOf("gateway")).Spec.Template.Spec.Containers.Single().Ports.ShouldContain(p => p.Name == "scaler" && p.ContainerPort == 8002);
        Rendered("default").OfKind("ScaledObject").ShouldBeEmpty();
        Rendered("default").Get<V1Deployment>(RenderedChart.NameOf("silo-cpu")).Spec.Replicas.ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_migration_hook_runs_migrate_before_install_and_upgrade(string @case)
    {
        var chart = Rendered(@case);
        var job = chart.All<V1Job>().ShouldHaveSingleItem();
        job.Metadata.Annotations["helm.sh/hook"].Split(',').ShouldBe(["pre-install", "pre-upgrade"], ignoreOrder: true);
        job.Metadata.Annotations["helm.sh/hook-delete-policy"].Split(',').ShouldContain("before-hook-creation");
        var container = job.Spec.Template.Spec.Containers.ShouldHaveSingleItem();
        container.Command.ShouldBe(["/app/aitrading-silo", "migrate"]);
        container.Image.ShouldBe(chart.Get<V1Deployment>(RenderedChart.NameOf("silo-cpu")).Spec.Template.Spec.Containers.Single().Image);
        job.Spec.Template.Spec.RestartPolicy.ShouldBe("Never");
        // A pre-install hook runs before the release's own objects exist: no ConfigMap, no chart ServiceAccount.
        (container.EnvFrom ?? []).ShouldBeEmpty();
        job.Spec.Template.Spec.ServiceAccountName.ShouldBeNull();
        var env = chart.Environment(job.Spec.Template, "migrate", SecretValue, PodFields);
        env["AITRADING__ConnectionStrings__Postgres"].ShouldBe("<aitrading/postgres-connection-string>");
        env["AITRADING__Storage__Provider"].ShouldBe("Postgres");
    }

    [Fact]
    public void Ingresses_route_http_and_grpc_to_the_gateway()
    {
        var chart = Rendered("ingress-values.yaml");
        var ingresses = chart.All<V1Ingress>().ToDictionary(i => i.Metadata.Name);
        var http = ingresses[RenderedChart.NameOf("http")];
        http.Spec.Rules.Single().Host.ShouldBe("aitrading.example.com");
        http.Spec.Rules.Single().Http.Paths.Single().Backend.Service.Port.Name.ShouldBe("http");
        http.Spec.Tls.Single().SecretName.ShouldBe("aitrading-tls");
        var grpc = ingresses[RenderedChart.NameOf("grpc")];
        grpc.Spec.Rules.Single().Http.Paths.Single().Backend.Service.Port.Name.ShouldBe("grpc");
        grpc.Metadata.Annotations["nginx.ingress.kubernetes.io/backend-protocol"].ShouldBe("GRPC");
        chart.Notes.ShouldContain("https://aitrading.example.com/");
        Rendered("default").All<V1Ingress>().ShouldBeEmpty();
    }

    [Fact]
    public void The_config_checksum_rolls_pods_when_the_config_changes()
    {
        string Checksum(RenderedChart c) => c.Get<V1Deployment>(RenderedChart.NameOf("silo-cpu")).Spec.Template.Metadata.Annotations["checksum/config"];
        Checksum(Rendered("kafka-values.yaml")).ShouldNotBe(Checksum(Rendered("default")));
        Checksum(Rendered("oidc-values.yaml")).ShouldBe(Checksum(Rendered("default")));
    }

    [Fact]
    public void The_schema_refuses_a_misspelt_key_and_a_wrong_type_naming_them()
    {
        var misspelt = WriteValues("silo:\n  replicass: 3\n");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([misspelt])).Message.ShouldContain("replicass");
        var topLevel = WriteValues("kafak:\n  enabled: true\n");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([topLevel])).Message.ShouldContain("kafak");
        var wrongType = WriteValues("gateway:\n  replicas: two\n");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([wrongType])).Message.ShouldContain("replicas");
        var oneCpuSilo = WriteValues("keda:\n  enabled: true\n  cpu:\n    minReplicas: 1\n");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([oneCpuSilo])).Message.ShouldContain("minReplicas");
        var kafkaWithoutServers = WriteValues("kafka:\n  enabled: true\n");
        Should.Throw<ChartRenderException>(() => RenderedChart.RenderText([kafkaWithoutServers])).Message.ShouldContain("kafka.bootstrapServers");
    }

    [Fact]
    public void Later_value_files_win_and_maps_merge_like_helm()
    {
        var replicas = WriteValues("gateway:\n  replicas: 5\n  resources:\n    limits:\n      memory: 3Gi\n");
        var chart = RenderedChart.Render("kafka-values.yaml", replicas);
        var gateway = chart.Get<V1Deployment>(RenderedChart.NameOf("gateway"));
        gateway.Spec.Replicas.ShouldBe(5);
        gateway.Spec.Template.Spec.Containers.Single().Resources.Limits["memory"].ToString().ShouldBe("3Gi");
        gateway.Spec.Template.Spec.Containers.Single().Resources.Limits["cpu"].ToString().ShouldBe("2");
        chart.Get<V1ConfigMap>(RenderedChart.ReleaseName).Data["AITRADING__Streams__Provider"].ShouldBe("Kafka");
    }

    [SkippableFact]
    public void Helm_lints_and_renders_the_chart_with_every_value_file_where_installed()
    {
        var helm = ChartTools.OnPath("helm");
        Skip.If(helm is null, "helm is not on PATH: helm lint and helm template did not run (the Go renderer rendered the chart)");
        foreach (var @case in CaseNames())
        {
            var files = @case == "default" ? new List<string>() : ["-f", Path.Combine(ChartTools.ChartDirectory, "ci", @case)];
            var lint = ChartTools.Run(helm, ["lint", "--strict", ChartTools.ChartDirectory, .. files]);
            lint.ExitCode.ShouldBe(0, $"helm lint {@case}:\n{lint.Stdout}{lint.Stderr}");
            var template = ChartTools.Run(helm, ["template", RenderedChart.ReleaseName, ChartTools.ChartDirectory, "--namespace", RenderedChart.Namespace, .. files]);
            template.ExitCode.ShouldBe(0, $"helm template {@case}:\n{template.Stderr}");
            var ours = Rendered(@case).Objects.Select(o => $"{o.Kind}/{o.Name}").Order().ToList();
            var helms = template.Stdout.Split("\n---").Select(d => d.Trim()).Where(d => d.Length > 0 && d.Contains("kind:"))
                .Select(RenderedChart.ToJson).Select(j => $"{j["kind"]}/{j["metadata"]!["name"]}").Order().ToList();
            helms.ShouldBe(ours, $"helm template and the renderer disagree for {@case}");
            output.WriteLine($"helm lint and helm template passed for {@case}");
        }
    }

    internal static string? Label(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) ? value : null;

    private static string WriteValues(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aitrading-values-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}

internal static class DictionaryShouldExtensions
{
    public static void ShouldBeSubsetOf(this IDictionary<string, string> subset, IDictionary<string, string> of, string? because = null)
    {
        foreach (var (k, v) in subset) ChartTests.Label(of, k).ShouldBe(v, because);
    }

    public static bool ShouldBeSubsetOfReturning(this IDictionary<string, string> subset, IDictionary<string, string> of) =>
        subset.All(p => ChartTests.Label(of, p.Key) == p.Value);
}
