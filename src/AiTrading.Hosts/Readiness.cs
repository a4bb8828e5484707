using AiTrading.Contracts;
using AiTrading.Streaming.Kafka;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AiTrading.Hosts;

/// <summary>
/// The probes of every host: /healthz (the process answers) and /readyz (every check tagged <see cref="Tag"/>). Besides
/// the host's own check (the gateway: the cluster answers; a silo: it is Active in the membership), readiness covers the
/// PostgreSQL server grain state and membership live in, and the Kafka brokers the streams run on, each only when
/// configured. A host that cannot reach them is not ready, so a load balancer stops sending it requests that would fail.
/// </summary>
public static class Readiness
{
    public const string Tag = "ready";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>/healthz and /readyz, both anonymous.</summary>
    public static IEndpointRouteBuilder MapProbes(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Tag), ResponseWriter = WriteReadiness }).AllowAnonymous();
        return endpoints;
    }

    /// <summary>Each check's verdict and why, so an operator sees which dependency holds readiness back (no secrets in the descriptions).</summary>
    private static Task WriteReadiness(HttpContext http, HealthReport report) => http.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString(),
        checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
    });

    public static IHealthChecksBuilder AddDependencyChecks(this IHealthChecksBuilder checks, IConfiguration configuration)
    {
        var connectionStrings = new[] { StorageSettings.From(configuration).ConnectionString, ClusteringSettings.From(configuration).ConnectionString }
            .OfType<string>().Distinct().ToList();
        foreach (var (connectionString, i) in connectionStrings.Select((c, i) => (c, i)))
            checks.AddCheck(i == 0 ? "postgres" : $"postgres-{i + 1}", new PostgresCheck(connectionString), tags: [Tag]);
        if (StreamSettings.From(configuration).IsKafka)
        {
            var kafka = new KafkaStreamOptions();
            kafka.Bind(configuration);
            checks.Services.AddSingleton(new KafkaCheck(kafka));
            checks.AddCheck<KafkaCheck>("kafka", tags: [Tag]);
        }
        return checks;
    }

    internal sealed class PostgresCheck(string connectionString) : IHealthCheck
    {
        private readonly string _server = Describe(connectionString);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(Timeout);
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(timeout.Token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(timeout.Token);
                return HealthCheckResult.Healthy($"PostgreSQL at {_server} answers");
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                // The message names the server, never the connection string (it may hold a password).
                return HealthCheckResult.Unhealthy($"PostgreSQL at {_server} does not answer");
            }
        }

        private static string Describe(string connectionString)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"{builder.Host}:{builder.Port}";
        }
    }

    internal sealed class KafkaCheck(KafkaStreamOptions options) : IHealthCheck, IDisposable
    {
        private readonly Lazy<IAdminClient> _admin = new(() => new AdminClientBuilder(new AdminClientConfig(new Dictionary<string, string>(options.Client))
        {
            BootstrapServers = options.BootstrapServers,
        }).Build());

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.Run(() =>
        {
            try
            {
                var metadata = _admin.Value.GetMetadata(options.Topic, Timeout);
                return metadata.Brokers.Count > 0 && metadata.Topics.Any(t => t.Topic == options.Topic && t.Error.Code == Confluent.Kafka.ErrorCode.NoError)
                    ? HealthCheckResult.Healthy($"Kafka at {options.BootstrapServers} answers")
                    : HealthCheckResult.Unhealthy($"Kafka at {options.BootstrapServers} has no topic '{options.Topic}'");
            }
            catch (KafkaException e)
            {
                return HealthCheckResult.Unhealthy($"Kafka at {options.BootstrapServers} does not answer: {e.Error.Reason}");
            }
        }, cancellationToken);

        public void Dispose()
        {
            if (_admin.IsValueCreated) _admin.Value.Dispose();
        }
    }
}
