using AiTrading.Core;
using AiTrading.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

namespace AiTrading.Storage.Postgres;

public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET providers' name for Npgsql; their default is SQL Server.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Silo membership in PostgreSQL (cluster_version/cluster_member); gateways find silos through it.</summary>
    public static ISiloBuilder UsePostgresClustering(this ISiloBuilder silo, string connectionString)
    {
        silo.UsePostgres(connectionString);
        return silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Grain state (default storage and the stream pub-sub store) and reminders through the ADO.NET providers, and
    /// the audit log in its append-only table with the retention job. Grain state keeps the silo's
    /// <c>IGrainStorageSerializer</c> (the Orleans wire format).
    /// </summary>
    public static ISiloBuilder AddPostgresStorage(this ISiloBuilder silo, string connectionString, int auditRetentionYears = AuditRetention.DefaultYears)
    {
        silo.UsePostgres(connectionString);
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage("PubSubStore", o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.Services.AddSingleton<IAuditStore, PostgresAuditStore>();
        silo.Services.AddSingleton(sp => new AuditRetention(sp.GetRequiredService<NpgsqlDataSource>(), auditRetentionYears));
        silo.Services.AddHostedService<AuditRetentionService>();
        return silo;
    }

    /// <summary>The shared data source and the migrations, applied before any provider reads its queries.</summary>
    private static void UsePostgres(this ISiloBuilder silo, string connectionString)
    {
        if (silo.Services.Any(d => d.ServiceType == typeof(NpgsqlDataSource))) return;
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => new MigrateAtStart(connectionString,
            sp.GetRequiredService<IConfiguration>().GetValue(StartupTimeoutSetting, DefaultStartupTimeout), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MigrateAtStart>>()));
    }

    /// <summary>How long a silo waits for PostgreSQL at start before it gives up.</summary>
    public const string StartupTimeoutSetting = "Storage:StartupTimeout";
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Waits for the server (retrying with backoff while it refuses connections), then applies the migrations, before membership starts.</summary>
    private sealed class MigrateAtStart(string connectionString, TimeSpan timeout, TimeProvider time, ILogger<MigrateAtStart> logger) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(MigrateAtStart), ServiceLifecycleStage.First, async cancellationToken =>
            {
                var server = new NpgsqlConnectionStringBuilder(connectionString);
                var applied = await StartupRetry.RunAsync($"PostgreSQL at {server.Host}:{server.Port}",
                    ct => PostgresMigrations.ApplyAsync(connectionString, cancellationToken: ct), IsUnreachable, timeout,
                    message => logger.LogWarning("{Message}", message), time, cancellationToken);
                if (applied.Count > 0) logger.LogInformation("Applied PostgreSQL migrations {Scripts}", applied);
            });

        /// <summary>The server is down, starting or out of reach; a wrong password or a broken migration is not worth waiting for.</summary>
        private static bool IsUnreachable(Exception e) => e switch
        {
            PostgresException p => p.SqlState is "57P03" /* cannot connect now: starting up */ or "53300" /* too many connections */,
            NpgsqlException n => n.IsTransient || n.InnerException is System.Net.Sockets.SocketException or TimeoutException,
            _ => false,
        };
    }
}
