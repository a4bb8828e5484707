using System.Text;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace AiTrading.Streaming.Kafka.Tests;

public sealed class KafkaConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private static void BuildSilo(IConfiguration configuration) =>
        Host.CreateApplicationBuilder().UseOrleans(silo => silo.UseLocalhostClustering().AddAiTradingGrains(configuration));

    [Fact]
    public void Memory_is_the_default_and_an_unknown_provider_is_refused_by_name()
    {
        StreamSettings.From(Config()).IsKafka.ShouldBeFalse();
        var error = Should.Throw<ValidationException>(() => BuildSilo(Config(("Streams:Provider", "Rabbit"))));
        error.Errors.ShouldContain(new FieldError("Streams:Provider", "must be Memory or Kafka (got 'Rabbit')"));
    }

    [Fact]
    public void Kafka_without_bootstrap_servers_stops_the_silo_naming_the_setting()
    {
        var error = Should.Throw<ValidationException>(() => BuildSilo(Config(("Streams:Provider", "Kafka"))));
        error.Errors.Select(e => e.Field).ShouldBe(["Streams:Kafka:BootstrapServers"]);
        error.Message.ShouldContain("is required with Streams:Provider = Kafka");
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once_with_its_field()
    {
        var options = new KafkaStreamOptions
        {
            BootstrapServers = "broker-1:9092,broker-2",
            Topic = "market data",
            Partitions = 0,
            CacheSize = 1,
            RewindWindow = TimeSpan.FromSeconds(-1),
            Client = new() { ["enable.auto.commit"] = "true", ["security.protocol"] = "ssl" },
        };
        options.Validate().Select(e => e.ToString()).ShouldBe([
            "Streams:Kafka:BootstrapServers: 'broker-2' is not host:port",
            "Streams:Kafka:Topic: 'market data' is not a Kafka topic name (1–200 of a-z A-Z 0-9 . _ -)",
            "Streams:Kafka:Partitions: must be between 1 and 1024 (got 0)",
            "Streams:Kafka:RewindWindow: must be between 0 and 1 h (got -00:00:01)",
            "Streams:Kafka:CacheSize: must be between 16 and 1000000 (got 1)",
            "Streams:Kafka:Client:enable.auto.commit: is set by the provider (use the provider's own setting)",
        ]);
    }

    [Fact]
    public void Settings_come_from_appsettings_with_AITRADING_environment_variables_on_top()
    {
        const string json = """{ "Streams": { "Provider": "Kafka", "PollPeriod": "00:00:00.020", "Kafka": { "Topic": "from-json", "Partitions": 12, "Client": { "security.protocol": "ssl" } } } }""";
        Environment.SetEnvironmentVariable("AITRADING__Streams__Kafka__BootstrapServers", "kafka-1:9092,kafka-2:9092");
        Environment.SetEnvironmentVariable("AITRADING__Streams__Kafka__Topic", "from-env");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
                .AddEnvironmentVariables("AITRADING__")
                .Build();
            StreamSettings.From(configuration).IsKafka.ShouldBeTrue();
            var options = new KafkaStreamOptions();
            options.Bind(configuration);
            options.BootstrapServers.ShouldBe("kafka-1:9092,kafka-2:9092");
            options.Topic.ShouldBe("from-env");
            options.Partitions.ShouldBe(12);
            options.PollPeriod.ShouldBe(TimeSpan.FromMilliseconds(20));
            options.Client["security.protocol"].ShouldBe("ssl");
            options.Validate().ShouldBeEmpty();
        }
        finally
        {
            Environment.SetEnvironmentVariable("AITRADING__Streams__Kafka__BootstrapServers", null);
            Environment.SetEnvironmentVariable("AITRADING__Streams__Kafka__Topic", null);
        }
    }

    [Fact]
    public async Task A_topic_with_other_partitions_than_configured_or_none_at_all_stops_startup_naming_the_setting()
    {
        using var kafka = KafkaMockCluster.Start();
        var topic = $"config-{Guid.NewGuid():N}";
        kafka.CreateTopic(topic, 2);
        kafka.CreateTopic(topic + ".dlq", 1);

        async Task<string> StartupError(Action<KafkaStreamOptions> configure)
        {
            var builder = new InProcessTestClusterBuilder(1);
            builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage("PubSubStore").AddKafkaStreams("kafka", o =>
            {
                o.BootstrapServers = kafka.BootstrapServers;
                o.Topic = topic;
                configure(o);
            }));
            var cluster = builder.Build();
            try
            {
                var error = await Should.ThrowAsync<Exception>(cluster.DeployAsync);
                return error.ToString();
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        }

        (await StartupError(o => o.Partitions = 4)).ShouldContain($"Streams:Kafka:Partitions: topic '{topic}' has 2 partitions, configured 4");
        (await StartupError(o => { o.Topic = "missing-" + topic; o.CreateTopics = false; }))
            .ShouldContain($"Streams:Kafka:Topic: topic 'missing-{topic}' does not exist");
    }
}
