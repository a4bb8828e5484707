using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AiTrading.Deploy.Tests.Chart;

/// <summary>One rendered manifest: where it came from, its YAML, and the object read from it.</summary>
/// <param name="Typed">The KubernetesClient model (read strictly) for built-in kinds; null for custom resources.</param>
/// <param name="Json">The document as JSON (YAML 1.2 core scalars), for custom resources and generic checks.</param>
public sealed record RenderedObject(string Source, string ApiVersion, string Kind, string Name, string Yaml, object? Typed, JsonObject Json);

/// <summary>
/// The chart rendered as helm template renders it (values.yaml, then the given value files in order, checked against
/// values.schema.json), every object read strictly into KubernetesClient's typed models (an unknown field fails the
/// render) and every KEDA object validated against its CRD schema from ../shared/k8s/keda.
/// </summary>
public sealed class RenderedChart
{
    public const string ReleaseName = "aitrading";
    public const string Namespace = "trading";

    /// <summary>The built-in kinds the chart may render, by apiVersion/kind.</summary>
    public static readonly IReadOnlyDictionary<string, Type> BuiltInKinds = new Dictionary<string, Type>
    {
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Service"] = typeof(V1Service),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["batch/v1/Job"] = typeof(V1Job),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
        ["networking.k8s.io/v1/Ingress"] = typeof(V1Ingress),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
    };

    /// <summary>Custom resources and the CRD each is validated against.</summary>
    public static readonly IReadOnlyDictionary<string, string> CustomKinds = new Dictionary<string, string>
    {
        ["keda.sh/v1alpha1/ScaledObject"] = "keda/keda.sh_scaledobjects.yaml",
        ["keda.sh/v1alpha1/ScaledJob"] = "keda/keda.sh_scaledjobs.yaml",
        ["keda.sh/v1alpha1/TriggerAuthentication"] = "keda/keda.sh_triggerauthentications.yaml",
    };

    public IReadOnlyList<string> ValueFiles { get; }
    public IReadOnlyList<RenderedObject> Objects { get; }
    public string Manifest { get; }
    public string Notes { get; }

    private RenderedChart(IReadOnlyList<string> valueFiles, string manifest, string notes)
    {
        ValueFiles = valueFiles;
        Manifest = manifest;
        Notes = notes;
        Objects = Split(manifest).Select(Read).ToList();
    }

    /// <summary>
    /// Renders the chart with the value files (a bare name such as "gpu-values.yaml" is taken from charts/aitrading/ci;
    /// otherwise a path) as release <see cref="ReleaseName"/> in namespace <see cref="Namespace"/>.
    /// </summary>
    public static RenderedChart Render(params string[] valueFiles)
    {
        var files = valueFiles.Select(f => Path.IsPathRooted(f) || f.Contains('/') ? Path.GetFullPath(f) : Path.Combine(ChartTools.ChartDirectory, "ci", f)).ToList();
        return new RenderedChart(files, RenderText(files, notes: false), RenderText(files, notes: true));
    }

    /// <summary>Runs the renderer; throws <see cref="ChartRenderException"/> with its message when helm would refuse.</summary>
    public static string RenderText(IEnumerable<string> valueFiles, bool notes = false, bool upgrade = false, string? chart = null, string? apiVersions = null)
    {
        var arguments = new List<string> { "render", "--chart", chart ?? ChartTools.ChartDirectory, "--name", ReleaseName, "--namespace", Namespace };
        if (notes) arguments.Add("--notes");
        if (upgrade) arguments.Add("--upgrade");
        if (apiVersions is not null) arguments.AddRange(["--api-versions", apiVersions]);
        foreach (var f in valueFiles) arguments.AddRange(["-f", f]);
        var result = ChartTools.Run(ChartTools.RendererPath, arguments);
        if (result.ExitCode != 0) throw new ChartRenderException(result.Stderr.Trim());
        return result.Stdout;
    }

    public IEnumerable<T> All<T>() => Objects.Select(o => o.Typed).OfType<T>();

    public T Get<T>(string name) where T : IMetadata<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new InvalidOperationException($"no {typeof(T).Name} named {name} in {Describe()}");

    public IEnumerable<RenderedObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    /// <summary>"<release>-<suffix>": the names the chart gives its objects with default name values.</summary>
    public static string NameOf(string component) => $"{ReleaseName}-{component}";

    public string Describe() => string.Join(", ", Objects.Select(o => $"{o.Kind}/{o.Name}"));

    /// <summary>
    /// The environment a container of a Deployment or Job starts with, as the kubelet builds it: envFrom ConfigMaps of
    /// this render, then env entries (literal values, Secret keys through <paramref name="secret"/>, Downward API
    /// fields from the pod's own labels and <paramref name="podFields"/>: metadata.name, metadata.namespace, status.podIP).
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(V1PodTemplateSpec pod, string container,
        Func<V1SecretKeySelector, string> secret, IReadOnlyDictionary<string, string> podFields)
    {
        var spec = pod.Spec.Containers.Single(c => c.Name == container);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in spec.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is null) throw new InvalidOperationException($"{container}: only ConfigMap envFrom is resolved here");
            foreach (var (k, v) in Get<V1ConfigMap>(source.ConfigMapRef.Name).Data ?? new Dictionary<string, string>())
                env[(source.Prefix ?? "") + k] = v;
        }
        foreach (var e in spec.Env ?? [])
        {
            if (e.ValueFrom is null) { env[e.Name] = e.Value ?? ""; continue; }
            if (e.ValueFrom.SecretKeyRef is { } key) { env[e.Name] = secret(key); continue; }
            if (e.ValueFrom.ConfigMapKeyRef is { } cm) { env[e.Name] = Get<V1ConfigMap>(cm.Name).Data[cm.Key]; continue; }
            var path = e.ValueFrom.FieldRef?.FieldPath ?? throw new InvalidOperationException($"{container}: {e.Name} has an unsupported source");
            var label = System.Text.RegularExpressions.Regex.Match(path, @"^metadata\.labels\['(.+)'\]$");
            env[e.Name] = label.Success
                ? pod.Metadata.Labels.TryGetValue(label.Groups[1].Value, out var l) ? l : throw new InvalidOperationException($"{e.Name}: the pod has no label {label.Groups[1].Value}")
                : podFields.TryGetValue(path, out var f) ? f : throw new InvalidOperationException($"{e.Name}: no value given for field {path}");
        }
        return env;
    }

    /// <summary>Reads one manifest strictly into its KubernetesClient model (unknown fields throw).</summary>
    public static object ReadStrict(string yaml, Type type) =>
        KubernetesYaml.LoadAllFromString(yaml, new Dictionary<string, Type> { [KindKey(yaml)] = type }, strict: true).Single();

    /// <summary>Validates a custom resource against its CRD's OpenAPI schema; throws with the schema's complaints.</summary>
    public static void ValidateCustomResource(string yaml, string crdRelativePath)
    {
        var crd = Path.Combine(ChartTools.SharedK8s, crdRelativePath);
        if (!File.Exists(crd)) throw new FileNotFoundException($"the CRD {crd} is missing (../shared/k8s beside the repository)");
        var result = ChartTools.Run(ChartTools.RendererPath, ["validate-crd", "--crd", crd], stdin: yaml);
        if (result.ExitCode != 0) throw new ChartRenderException(result.Stderr.Trim());
    }

    private static RenderedObject Read((string Source, string Yaml) doc)
    {
        var json = ToJson(doc.Yaml);
        var apiVersion = (string?)json["apiVersion"] ?? throw new InvalidDataException($"{doc.Source}: no apiVersion");
        var kind = (string?)json["kind"] ?? throw new InvalidDataException($"{doc.Source}: no kind");
        var name = (string?)json["metadata"]?["name"] ?? throw new InvalidDataException($"{doc.Source}: {kind} has no name");
        var key = $"{apiVersion}/{kind}";
        object? typed = null;
        if (BuiltInKinds.TryGetValue(key, out var type))
        {
            try { typed = ReadStrict(doc.Yaml, type); }
            catch (Exception e) { throw new InvalidDataException($"{doc.Source}: {kind}/{name} does not read strictly as {type.Name}: {e.Message}", e); }
        }
        else if (CustomKinds.TryGetValue(key, out var crd)) ValidateCustomResource(doc.Yaml, crd);
        else throw new InvalidDataException($"{doc.Source}: {key} is neither a known built-in kind nor a known custom resource");
        return new RenderedObject(doc.Source, apiVersion, kind, name, doc.Yaml, typed, json);
    }

    private static string KindKey(string yaml)
    {
        var json = ToJson(yaml);
        return $"{json["apiVersion"]}/{json["kind"]}";
    }

    private static IEnumerable<(string Source, string Yaml)> Split(string manifest)
    {
        foreach (var part in manifest.Split("\n---\n").Select(p => p.TrimStart('-', '\n')))
        {
            if (string.IsNullOrWhiteSpace(part)) continue;
            var firstLine = part.Split('\n')[0];
            if (!firstLine.StartsWith("# Source: ", StringComparison.Ordinal)) throw new InvalidDataException($"a manifest without its source line: {firstLine}");
            yield return (firstLine["# Source: ".Length..], part[(firstLine.Length + 1)..]);
        }
    }

    /// <summary>YAML to JSON with YAML 1.2 core-schema scalars (plain true/false/null/numbers typed, quoted ones strings).</summary>
    public static JsonObject ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents.Single().RootNode) as JsonObject ?? throw new InvalidDataException("the document is not a mapping");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } s => s.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            // Parsed as JSON text, so a number reads back as any numeric type.
            var v when System.Text.RegularExpressions.Regex.IsMatch(v, @"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$") => JsonNode.Parse(v),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidDataException($"unsupported YAML node {node.NodeType}"),
    };
}

public sealed class ChartRenderException(string message) : Exception(message);
