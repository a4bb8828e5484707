using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AiTrading.Storage.Postgres;

/// <summary>
/// Drops whole month partitions of the audit log once every record they can hold is older than the retention
/// period; nothing younger is ever touched, and rows are never deleted one by one (the table refuses that).
/// Before a partition goes, each stream's last dropped record is kept as its anchor, so the records that remain
/// still verify.
/// </summary>
public sealed partial class AuditRetention(NpgsqlDataSource database, int retentionYears)
{
    public const int DefaultYears = 7;

    public int RetentionYears { get; } = retentionYears >= 1
        ? retentionYears
        : throw new ArgumentOutOfRangeException(nameof(retentionYears), retentionYears, "the audit retention must be at least one year");

    /// <summary>Partitions whose whole month ended before this instant may go.</summary>
    public DateTimeOffset Cutoff(DateTimeOffset now) => now.ToUniversalTime().AddYears(-RetentionYears);

    /// <summary>The month partitions that exist, oldest first, with the instant each one's range ends.</summary>
    public async Task<IReadOnlyList<(string Name, DateTimeOffset End)>> PartitionsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
            "WHERE i.inhparent = 'audit_record'::regclass ORDER BY c.relname");
        var partitions = new List<(string, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var match = PartitionName().Match(name);
            if (!match.Success) continue; // not one of ours: never dropped
            var start = DateTimeOffset.ParseExact(match.Groups[1].Value, "yyyyMM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            partitions.Add((name, start.AddMonths(1)));
        }
        return partitions;
    }

    /// <summary>Drops the partitions that ended before <see cref="Cutoff"/>; returns their names.</summary>
    public async Task<IReadOnlyList<string>> DropExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var cutoff = Cutoff(now);
        var dropped = new List<string>();
        foreach (var (name, end) in await PartitionsAsync(cancellationToken))
        {
            if (end > cutoff) break; // oldest first: the rest are younger still
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var anchor = new NpgsqlCommand(
                $"""
                SELECT pg_advisory_xact_lock(hashtext('aitrading.audit_partition'));
                INSERT INTO audit_anchor (stream, sequence, hash)
                SELECT DISTINCT ON (stream) stream, sequence, hash FROM "{name}" ORDER BY stream, sequence DESC
                ON CONFLICT (stream) DO UPDATE SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash
                WHERE EXCLUDED.sequence > audit_anchor.sequence;
                DELETE FROM audit_key k USING "{name}" r WHERE k.stream = r.stream AND k.sequence = r.sequence;
                DROP TABLE "{name}";
                """, connection, transaction))
            {
                await anchor.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            dropped.Add(name);
        }
        return dropped;
    }

    [GeneratedRegex("^audit_record_p([0-9]{6})$")]
    private static partial Regex PartitionName();
}

/// <summary>Runs the audit retention at silo start and then daily. Several silos may run it: drops queue on a lock.</summary>
public sealed class AuditRetentionService(AuditRetention retention, TimeProvider clock, ILogger<AuditRetentionService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                var dropped = await retention.DropExpiredAsync(clock.GetUtcNow(), stoppingToken);
                if (dropped.Count > 0)
                    logger.LogInformation("Audit retention ({Years} years) dropped partitions {Partitions}", retention.RetentionYears, dropped);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Audit retention failed; it runs again in {Interval}", Interval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
