using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace AiTrading.Streaming.Kafka;

/// <summary>
/// librdkafka's built-in mock cluster (<c>test.mock.num.brokers</c>): real Kafka-protocol brokers on loopback
/// ports inside this process, with partitions, replication, idempotent producers, consumer groups and committed
/// offsets. For tests and benchmarks; it lives as long as this object. The mock answers no CreateTopics request,
/// so topics are made through librdkafka's mock API (<c>rd_kafka_mock_topic_create</c>) on the owning client's
/// handle.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private readonly IProducer<Null, Null> owner;
    private readonly IntPtr cluster;

    private KafkaMockCluster(int brokers)
    {
        var config = new ProducerConfig();
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        owner = new ProducerBuilder<Null, Null>(config).SetLogHandler((_, _) => { }).Build();
        var handle = (SafeHandle)typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(owner.Handle)!;
        cluster = Native.MockCluster(handle.DangerousGetHandle());
        if (cluster == IntPtr.Zero) throw new InvalidOperationException("librdkafka did not start a mock cluster");
        BootstrapServers = Marshal.PtrToStringUTF8(Native.Bootstraps(cluster))
            ?? throw new InvalidOperationException("the mock cluster has no bootstrap servers");
    }

    public static KafkaMockCluster Start(int brokers = 3) => new(brokers);

    /// <summary>Comma-separated loopback host:port of every broker.</summary>
    public string BootstrapServers { get; }

    public void CreateTopic(string topic, int partitions, int replicationFactor = 3)
    {
        var error = Native.CreateTopic(cluster, topic, partitions, replicationFactor);
        if (error != 0) throw new InvalidOperationException($"mock cluster could not create topic '{topic}': error {error}");
    }

    public void Dispose() => owner.Dispose();

    /// <summary>
    /// Confluent.Kafka loads <c>librdkafka</c> and, where its dependencies are missing (Debian without libsasl2),
    /// the self-contained <c>centos8-librdkafka</c>; the mock calls must reach the same library, so they resolve in the same order.
    /// </summary>
    private static class Native
    {
        private const string Library = "librdkafka";

        static Native() => NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, (name, assembly, path) =>
        {
            if (name != Library) return IntPtr.Zero;
            foreach (var candidate in new[] { Library, "centos8-librdkafka" })
                if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
            return IntPtr.Zero;
        });

        [DllImport(Library, EntryPoint = "rd_kafka_handle_mock_cluster")] public static extern IntPtr MockCluster(IntPtr client);
        [DllImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")] public static extern IntPtr Bootstraps(IntPtr cluster);
        [DllImport(Library, EntryPoint = "rd_kafka_mock_topic_create")]
        public static extern int CreateTopic(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitions, int replicationFactor);
    }
}
