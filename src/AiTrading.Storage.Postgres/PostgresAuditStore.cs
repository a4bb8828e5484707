using AiTrading.Core.Audit;
using AiTrading.Grains;
using Npgsql;

namespace AiTrading.Storage.Postgres;

/// <summary>
/// Audit records in the append-only, month-partitioned audit_record table (migration 0004). An append goes
/// through audit_append, which compare-and-sets the stream's head in the same transaction: a duplicate or
/// concurrent append of the same sequence stores nothing and raises <see cref="AuditConflictException"/>. Keyed
/// appends go through audit_append_keyed (migration 0006), which stores nothing for a key the stream already holds.
/// </summary>
public sealed class PostgresAuditStore(NpgsqlDataSource database) : IAuditStore
{
    private const string Columns = "stream, sequence, time_ticks, kind, payload, previous_hash, hash";

    public async Task<long?> AppendAsync(AuditRecord record, string? key = null, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(key is null
            ? "SELECT CASE WHEN audit_append($1, $2, $3, $4, $5, $6, $7, $8) THEN 0::bigint ELSE -1::bigint END"
            : "SELECT audit_append_keyed($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        AddParameters(command.Parameters, record, key);
        long answer;
        try
        {
            answer = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && key is not null)
        {
            // Another writer stored a record with this key between our lookup and our insert: that record is the one.
            await using var lookup = database.CreateCommand("SELECT sequence FROM audit_key WHERE stream = $1 AND key = $2");
            lookup.Parameters.Add(new() { Value = record.Stream });
            lookup.Parameters.Add(new() { Value = key });
            return (long)(await lookup.ExecuteScalarAsync(cancellationToken))!;
        }
        return answer switch
        {
            0 => null,
            < 0 => throw new AuditConflictException(record.Stream, record.Sequence),
            _ => answer,
        };
    }

    public async Task<bool> TryAppendAllAsync(IReadOnlyList<KeyedAuditRecord> records, CancellationToken cancellationToken = default)
    {
        if (records.Count == 0) return true;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (record, key) in records)
        {
            var command = new NpgsqlBatchCommand(key is null
                ? "SELECT CASE WHEN audit_append($1, $2, $3, $4, $5, $6, $7, $8) THEN 0::bigint ELSE -1::bigint END"
                : "SELECT audit_append_keyed($1, $2, $3, $4, $5, $6, $7, $8, $9)");
            AddParameters(command.Parameters, record, key);
            batch.BatchCommands.Add(command);
        }
        try
        {
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                do
                {
                    // Anything but 0 (a held key, a moved head) and the whole step is undone: the caller goes one by one.
                    if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) != 0) return false;
                } while (await reader.NextResultAsync(cancellationToken));
            }
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false; // another writer got there first
        }
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, AuditRecord record, string? key)
    {
        parameters.Add(new() { Value = record.Stream });
        parameters.Add(new() { Value = record.Sequence });
        parameters.Add(new() { Value = record.Time.UtcTicks });
        parameters.Add(new() { Value = record.Time.UtcDateTime });
        parameters.Add(new() { Value = record.Kind });
        parameters.Add(new() { Value = record.Payload });
        parameters.Add(new() { Value = record.PreviousHash });
        parameters.Add(new() { Value = record.Hash });
        if (key is not null) parameters.Add(new() { Value = key });
    }

    public Task<AuditAnchor?> GetHeadAsync(string stream, CancellationToken cancellationToken = default) =>
        ReadAnchor("SELECT sequence, hash FROM audit_head WHERE stream = $1", stream, cancellationToken);

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(string stream, long fromSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand(
            $"SELECT {Columns} FROM audit_record WHERE stream = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3");
        command.Parameters.Add(new() { Value = stream });
        command.Parameters.Add(new() { Value = fromSequence });
        command.Parameters.Add(new() { Value = limit });
        return await ReadRecords(command, cancellationToken);
    }

    public Task<AuditAnchor?> GetAnchorAsync(string stream, CancellationToken cancellationToken = default) =>
        ReadAnchor("SELECT sequence, hash FROM audit_anchor WHERE stream = $1", stream, cancellationToken);

    private async Task<AuditAnchor?> ReadAnchor(string sql, string stream, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new() { Value = stream });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new AuditAnchor(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    private static async Task<List<AuditRecord>> ReadRecords(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                reader.GetString(0), reader.GetInt64(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }
        return records;
    }
}
