using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace AiTrading.Storage.Postgres;

/// <summary>
/// The versioned schema (embedded Migrations/*.sql, applied in name order, each once, recorded in DbUp's
/// schemaversions journal). Safe to run from several silos at once: runs queue on one advisory lock, so the first
/// applies what is missing and the others find nothing left to do.
/// </summary>
public static class PostgresMigrations
{
    private const long LockKey = 0x4149_5452_4144_4531; // "AITRADE1"

    /// <summary>Names of the scripts this build carries, in the order they apply.</summary>
    public static IReadOnlyList<string> Scripts { get; } = typeof(PostgresMigrations).Assembly.GetManifestResourceNames()
        .Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Applies the scripts the database lacks; returns their names (empty when it was up to date).</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(string connectionString, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            take.Parameters.AddWithValue("key", LockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            var upgrader = DeployChanges.To.PostgresqlDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(typeof(PostgresMigrations).Assembly, name => name.EndsWith(".sql", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .WithVariablesDisabled()
                .LogTo(log is null ? new NoOpUpgradeLog() : new WriterLog(log))
                .Build();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
                throw new MigrationException(result.ErrorScript?.Name, result.Error);
            return result.Scripts.Select(s => s.Name).ToList();
        }
        finally
        {
            // Closing the session would release the lock too; unlocking keeps a pooled connection clean.
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private sealed class WriterLog(TextWriter writer) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => writer.WriteLine(format, args);
        public void LogWarning(string format, params object[] args) => writer.WriteLine("warning: " + format, args);
        public void LogError(string format, params object[] args) => writer.WriteLine("error: " + format, args);
        public void LogError(Exception ex, string format, params object[] args) => writer.WriteLine("error: " + format, args);
    }
}

/// <summary>A migration script failed; nothing of that script was applied (one transaction per script).</summary>
public sealed class MigrationException(string? script, Exception inner)
    : Exception($"migration {script ?? "(unknown script)"} failed: {inner.Message}", inner)
{
    public string? Script { get; } = script;
}
