using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiTrading.Postgres.Tests;
using AiTrading.Streaming.Kafka;
using Npgsql;
using Xunit.Abstractions;

namespace AiTrading.Deploy.Tests.Images;

/// <summary>
/// What the images run, run from the publish folders as an unprivileged user with the chart's environment: PostgreSQL
/// membership and storage (a real server of this test run), Kafka streams (librdkafka's mock cluster in this process).
/// </summary>
[Collection(PublishedExecutablesCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PublishedExecutablesTests(PublishedExecutables published, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly KafkaMockCluster _kafka = KafkaMockCluster.Start();
    private readonly TestTokens _tokens = new();
    private readonly string _topic = $"market-{Guid.NewGuid():N}";
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateDatabaseAsync("images");
        _kafka.CreateTopic(_topic, 8);
        _kafka.CreateTopic(_topic + ".dlq", 1);
        // As a Secret volume mounts it: readable by the container's user.
        File.SetUnixFileMode(_tokens.KeyFile, (UnixFileMode)0b110_100_100);
    }

    public async Task DisposeAsync()
    {
        await PostgresServer.DropDatabaseAsync(_database);
        _kafka.Dispose();
        File.Delete(_tokens.KeyFile);
    }

    [Fact]
    public void The_gateway_publish_folder_holds_no_ML_natives_and_the_silo_carries_libtorch()
    {
        string[] forbidden = ["libtorch", "lib_lightgbm", "onnxruntime", "LibTorchSharp", "TorchSharp", "Microsoft.ML", "AiTrading.ML", "AiTrading.Silo"];
        var files = Directory.EnumerateFiles(published.Gateway, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(published.Gateway, f)).ToList();
        files.ShouldContain("aitrading-gateway");
        files.Where(f => forbidden.Any(name => Path.GetFileName(f).Contains(name, StringComparison.OrdinalIgnoreCase))).ShouldBeEmpty();
        File.Exists(Path.Combine(published.Silo, "runtimes", "linux-x64", "native", "libtorch_cpu.so")).ShouldBeTrue("the silo trains networks: libtorch is published");
        foreach (var folder in new[] { published.Silo, published.Gateway })
            Directory.GetDirectories(Path.Combine(folder, "runtimes")).Select(Path.GetFileName).ShouldAllBe(r => r == "linux-x64" || r == "linux" || r == "unix",
                "the images run on linux-x64: other platforms' natives are left out (ImageRuntime)");
        output.WriteLine($"publish sizes: silo {Size(published.Silo) / 1_048_576} MiB, gateway {Size(published.Gateway) / 1_048_576} MiB");
    }

    [Fact]
    public async Task Silo_and_gateway_probe_serve_an_order_and_a_graceful_restart_loses_and_repeats_no_stream_event()
    {
        var work = published.NewWorkFolder();
        var server = new NpgsqlConnectionStringBuilder(_database);
        await using var postgres = new LatePort();
        var values = new ChartValues
        {
            PostgresConnectionString = new NpgsqlConnectionStringBuilder(_database) { Port = postgres.Port }.ConnectionString,
            KafkaBootstrapServers = _kafka.BootstrapServers, KafkaTopic = _topic, SigningKeyFile = _tokens.KeyFile, SiloFeed = "synthetic",
            SiloPort = LatePort.FreePort(), SiloGatewayPort = LatePort.FreePort(), SiloHttpPort = LatePort.FreePort(),
            GatewayHttpPort = LatePort.FreePort(), GatewayGrpcPort = LatePort.FreePort(),
        };
        var siloEnvironment = InContainer(ChartEnvironment.Silo(values), work);
        siloEnvironment["AITRADING__Silo__Symbols"] = "EURUSD";
        // No rewind window (by default the last 10 s are delivered again after a restart, on purpose: bars are rebuilt,
        // trades are not repeated), and no periodic commit: what the first silo has processed is committed by its stop alone.
        siloEnvironment["AITRADING__Streams__Kafka__RewindWindow"] = "00:00:00";
        siloEnvironment["AITRADING__Streams__Kafka__CommitInterval"] = "00:10:00";
        var gatewayEnvironment = InContainer(ChartEnvironment.Gateway(values), work);
        gatewayEnvironment["AITRADING__ConnectionStrings__Postgres"] = _database;
        // Finds the restarted silo's gateway within seconds instead of Orleans' default minute.
        gatewayEnvironment["AITRADING__Clustering__GatewayList__GatewayListRefreshPeriod"] = "00:00:02";

        var migrateEnvironment = new Dictionary<string, string>(siloEnvironment) { ["AITRADING__ConnectionStrings__Postgres"] = _database };
        using (var migrate = published.Start(published.SiloProgram, migrateEnvironment, "migrate"))
        {
            (await migrate.ExitCodeAsync(TimeSpan.FromMinutes(2))).ShouldBe(0, migrate.ToString());
            migrate.Output.ShouldContain("migrations");
        }

        using var silo = TestTokens.Http($"http://127.0.0.1:{values.SiloHttpPort}", null);
        using var api = TestTokens.Http($"http://127.0.0.1:{values.GatewayHttpPort}", _tokens.Superuser);
        const string symbol = "XKAFKA";
        using var producer = new TickProducer(_kafka.BootstrapServers, _topic);

        // PostgreSQL out of reach: the silo waits for it, alive but not ready, and says why.
        var first = published.Start(published.SiloProgram, siloEnvironment);
        using (first)
        {
            await Eventually.True(() => Answers(silo, "/healthz", HttpStatusCode.OK), $"the silo's /healthz; {first}", TimeSpan.FromMinutes(2));
            var waiting = await Readiness(silo);
            waiting.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
            Check(waiting.Body, "silo").ShouldBe("Unhealthy");
            Check(waiting.Body, "postgres").ShouldBe("Unhealthy");

            postgres.Open(server.Port);
            await Eventually.True(() => Answers(silo, "/readyz", HttpStatusCode.OK), $"the silo to join; {first}", TimeSpan.FromMinutes(3));
            var ready = await Readiness(silo);
            (Check(ready.Body, "silo"), Check(ready.Body, "postgres"), Check(ready.Body, "kafka")).ShouldBe(("Healthy", "Healthy", "Healthy"));
            (await silo.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await silo.GetStringAsync("/metrics")).ShouldContain("aitrading_role=\"silo\"");
            (await silo.GetAsync("/v1/orders")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "the silo's port serves probes and metrics only");

            using var gateway = published.Start(published.GatewayProgram, gatewayEnvironment);
            await Eventually.True(() => Answers(api, "/readyz", HttpStatusCode.OK), $"the gateway to be ready; {gateway}", TimeSpan.FromMinutes(3));
            (await api.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);

            // A market order once the feed's first EURUSD quote is in (it flows through Kafka).
            var attempt = 0;
            JsonElement order = default;
            await Eventually.True(async () =>
            {
                using var response = await api.PostAsync("/v1/orders", new StringContent(
                    $$"""{"clientOrderId":"image-{{++attempt}}","account":"DEMO","symbol":"EURUSD","side":"BUY","quantity":1000}""", Encoding.UTF8, "application/json"));
                if (response.StatusCode != HttpStatusCode.Created) return false;
                order = await response.Content.ReadFromJsonAsync<JsonElement>();
                return order.GetProperty("status").GetString() == "Filled";
            }, $"a filled order through the gateway; {gateway}", TimeSpan.FromMinutes(3));
            order.GetProperty("symbol").GetString().ShouldBe("EURUSD");

            // Events every subscriber received before SIGTERM are committed; none is delivered again after the restart.
            await producer.SendAsync(symbol, 20);
            await Eventually.True(async () => await Refused(silo, symbol) >= 20 * TickProducer.TicksPerBatch, $"the first silo to take 100 ticks; {first}");
            (await Refused(silo, symbol)).ShouldBe(20 * TickProducer.TicksPerBatch);
            first.Terminate();
            (await first.ExitCodeAsync(TimeSpan.FromMinutes(2))).ShouldBe(0, $"a graceful stop on SIGTERM; {first}");
            await Eventually.True(() => Answers(api, "/readyz", HttpStatusCode.ServiceUnavailable), "the gateway to say it is not ready without a silo");

            await producer.SendAsync(symbol, 10); // while no silo runs
            using var second = published.Start(published.SiloProgram, siloEnvironment);
            await Eventually.True(() => Answers(silo, "/readyz", HttpStatusCode.OK), $"the restarted silo to join; {second}", TimeSpan.FromMinutes(3));
            await producer.SendAsync(symbol, 10);
            await Eventually.True(async () => await Refused(silo, symbol) >= 20 * TickProducer.TicksPerBatch, $"the restarted silo to take 100 ticks; {second}");
            (await Refused(silo, symbol)).ShouldBe(20 * TickProducer.TicksPerBatch, "events delivered before the restart came again");
            await Eventually.True(() => Answers(api, "/readyz", HttpStatusCode.OK), $"the gateway to find the restarted silo; {gateway}", TimeSpan.FromMinutes(3));

            second.Terminate();
            (await second.ExitCodeAsync(TimeSpan.FromMinutes(2))).ShouldBe(0, second.ToString());
            gateway.Terminate();
            (await gateway.ExitCodeAsync(TimeSpan.FromMinutes(2))).ShouldBe(0, gateway.ToString());
        }
    }

    /// <summary>The chart's environment with this run's writable folder where the pod has /tmp.</summary>
    private static Dictionary<string, string> InContainer(Dictionary<string, string> environment, string work)
    {
        environment["AITRADING_HOME"] = Path.Combine(work, "aitrading");
        environment["TMPDIR"] = work;
        environment["HOME"] = work;
        return environment;
    }

    /// <summary>
    /// Ticks of <paramref name="symbol"/> the silo's instrument grain took and counted: the symbol is not a configured
    /// instrument, so each tick is counted as refused, once per delivery.
    /// </summary>
    private static async Task<double> Refused(HttpClient silo, string symbol) =>
        (await Scrape.ReadAsync(silo)).Sum("aitrading_ticks_rejected_total", $"symbol=\"{symbol}\"");

    private static async Task<bool> Answers(HttpClient http, string path, HttpStatusCode expected)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode == expected;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Readiness(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string? Check(JsonElement readiness, string name) => readiness.GetProperty("checks").GetProperty(name).GetProperty("status").GetString();

    private static long Size(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
