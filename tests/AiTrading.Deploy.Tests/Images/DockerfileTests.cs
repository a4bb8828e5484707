using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AiTrading.Deploy.Tests.Chart;
using k8s.Models;

namespace AiTrading.Deploy.Tests.Images;

/// <summary>
/// The images cannot be built here (no container engine), so what can drift between the Dockerfiles, the projects,
/// `make images` and the chart is checked by reading them: a project added to a host's references but not to its
/// Dockerfile's restore layer would break the image build only in CI of a cluster.
/// </summary>
public sealed class DockerfileTests
{
    public static TheoryData<string, string, string, string> Images => new()
    {
        { "Dockerfile.silo", "src/AiTrading.Silo.Host/AiTrading.Silo.Host.csproj", "silo-cpu", "silo" },
        { "Dockerfile.gateway", "src/AiTrading.Gateway.Host/AiTrading.Gateway.Host.csproj", "gateway", "gateway" },
    };

    [Theory]
    [InlineData("Dockerfile.silo", "src/AiTrading.Silo.Host/AiTrading.Silo.Host.csproj")]
    [InlineData("Dockerfile.gateway", "src/AiTrading.Gateway.Host/AiTrading.Gateway.Host.csproj")]
    public void The_restore_layer_copies_exactly_the_projects_the_host_references(string dockerfile, string host)
    {
        var text = File.ReadAllText(SharedData.Repository(dockerfile));
        var copied = Regex.Matches(text, @"^COPY (\S+\.csproj) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order().ToList();
        copied.ShouldBe(ProjectClosure(host).Order().ToList(), $"{dockerfile}: the .csproj COPY lines before `dotnet restore`");
        text.ShouldContain($"dotnet restore {host}");
        text.ShouldContain($"dotnet publish {host}");
        text.ShouldContain("-p:ImageRuntime=linux-x64", customMessage: "the publish the image tests run (PublishedExecutables)");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_image_runs_its_executable_as_a_non_root_user_on_the_ports_the_chart_declares(string dockerfile, string host, string component, string container)
    {
        var text = File.ReadAllText(SharedData.Repository(dockerfile));
        var assembly = XDocument.Load(SharedData.Repository(host)).Descendants("AssemblyName").Single().Value;
        Regex.Match(text, @"^ENTRYPOINT \[""(.+)""\]$", RegexOptions.Multiline).Groups[1].Value.ShouldBe($"/app/{assembly}");
        var user = Regex.Match(text, @"^USER (\d+):(\d+)$", RegexOptions.Multiline);
        user.Success.ShouldBeTrue($"{dockerfile} names a numeric user (runAsNonRoot can only check a number)");
        int.Parse(user.Groups[1].Value).ShouldBe(10001, "the chart's runAsUser");
        Regex.Match(text, @"^STOPSIGNAL (\S+)$", RegexOptions.Multiline).Groups[1].Value.ShouldBe("SIGTERM");

        var exposed = Regex.Match(text, @"^EXPOSE (.+)$", RegexOptions.Multiline).Groups[1].Value.Split(' ').Select(int.Parse).Order().ToList();
        var chart = RenderedChart.Render("keda-values.yaml", "gpu-values.yaml");
        var declared = chart.Get<V1Deployment>(RenderedChart.NameOf(component)).Spec.Template.Spec.Containers.Single(c => c.Name == container).Ports
            .Select(p => p.ContainerPort).Order().ToList();
        exposed.ShouldBe(declared, $"{dockerfile} EXPOSE and the chart's container ports");
    }

    [Fact]
    public void Make_images_builds_the_repositories_the_chart_pulls_tagged_with_its_app_version()
    {
        var start = new ProcessStartInfo("make", ["-n", "-C", SharedData.Repository("."), "images", "images-gpu", "CONTAINER_ENGINE=docker"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var make = Process.Start(start)!;
        var output = make.StandardOutput.ReadToEnd() + make.StandardError.ReadToEnd();
        make.WaitForExit();
        make.ExitCode.ShouldBe(0, output);
        var built = Regex.Matches(output, @"docker build -f (\S+) .*-t (\S+) \.").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

        var chart = RenderedChart.Render("gpu-values.yaml");
        string Image(string component) => chart.Get<V1Deployment>(RenderedChart.NameOf(component)).Spec.Template.Spec.Containers[0].Image;
        built.ShouldBe([("Dockerfile.silo", Image("silo-cpu")), ("Dockerfile.gateway", Image("gateway")), ("Dockerfile.silo", Image("silo-gpu"))]);
        output.ShouldContain("TORCH_PACKAGE=libtorch-cuda", customMessage: "the GPU silo is built with CUDA libtorch");
    }

    /// <summary>The project and every project it references, transitively, as paths relative to the repository.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var root = SharedData.Repository(".");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(SharedData.Repository(project))]);
        while (pending.TryPop(out var path))
        {
            if (!seen.Add(Path.GetRelativePath(root, path))) continue;
            foreach (var reference in XDocument.Load(path).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, reference.Attribute("Include")!.Value)));
        }
        return seen;
    }
}
