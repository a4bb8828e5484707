using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AiTrading.Core.Audit;

/// <summary>
/// One entry of an append-only audit stream. <see cref="Hash"/> is the SHA-256 of the previous record's hash
/// and this record's fields, so changing, removing or reordering any record breaks every hash after it.
/// </summary>
public sealed record AuditRecord(
    string Stream,
    long Sequence,
    DateTimeOffset Time,
    string Kind,
    string Payload,
    string PreviousHash,
    string Hash);

/// <summary>
/// A place in a stream's chain: a record's sequence and hash. The head of a stream is one (the next record
/// follows it); so is the last record retention removed (verification of the records kept starts after it).
/// </summary>
public sealed record AuditAnchor(long Sequence, string Hash);

/// <summary>The result of recomputing a chain: where it first breaks, if anywhere.</summary>
public sealed record AuditVerification(string Stream, bool Valid, long RecordsChecked, long? FirstInvalidSequence, string? Reason, string HeadHash);

public static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>
    /// SHA-256 over a length-prefixed encoding of (previous hash, stream, sequence, time in UTC ticks, kind, payload),
    /// so no two distinct field tuples share an encoding.
    /// </summary>
    public static string ComputeHash(string previousHash, string stream, long sequence, DateTimeOffset time, string kind, string payload)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        AppendString(hash, previousHash, number);
        AppendString(hash, stream, number);
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, time.UtcTicks);
        hash.AppendData(number);
        AppendString(hash, kind, number);
        AppendString(hash, payload, number);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Creates the record that follows <paramref name="previous"/> (or the first one when it is null).</summary>
    public static AuditRecord Next(AuditRecord? previous, string stream, DateTimeOffset time, string kind, string payload) =>
        Next(previous is null ? null : new AuditAnchor(previous.Sequence, previous.Hash), stream, time, kind, payload);

    /// <summary>Creates the record that follows the stream's head <paramref name="previous"/> (the first one when it is null).</summary>
    public static AuditRecord Next(AuditAnchor? previous, string stream, DateTimeOffset time, string kind, string payload)
    {
        if (string.IsNullOrWhiteSpace(kind)) throw new ArgumentException("audit record kind is required", nameof(kind));
        var sequence = previous is null ? 1 : previous.Sequence + 1;
        var previousHash = previous?.Hash ?? GenesisHash;
        return new AuditRecord(stream, sequence, time, kind, payload, previousHash,
            ComputeHash(previousHash, stream, sequence, time, kind, payload));
    }

    /// <summary>
    /// Recomputes the chain from the first record (or from the record after <paramref name="anchor"/>, when
    /// retention removed the older ones); reports the first record that does not fit.
    /// </summary>
    public static AuditVerification Verify(string stream, IEnumerable<AuditRecord> records, AuditAnchor? anchor = null)
    {
        var expectedPrevious = anchor?.Hash ?? GenesisHash;
        long expectedSequence = (anchor?.Sequence ?? 0) + 1, checkedCount = 0;
        foreach (var record in records)
        {
            string? problem = null;
            if (record.Stream != stream) problem = $"record belongs to stream '{record.Stream}'";
            else if (record.Sequence != expectedSequence) problem = $"sequence {record.Sequence} where {expectedSequence} was expected";
            else if (record.PreviousHash != expectedPrevious) problem = "previous hash does not match the record before it";
            else if (record.Hash != ComputeHash(record.PreviousHash, record.Stream, record.Sequence, record.Time, record.Kind, record.Payload))
                problem = "hash does not match the record's contents";
            if (problem is not null)
                return new(stream, false, checkedCount, expectedSequence, problem, expectedPrevious);
            expectedPrevious = record.Hash;
            expectedSequence++;
            checkedCount++;
        }
        return new(stream, true, checkedCount, null, null, expectedPrevious);
    }

    private static void AppendString(IncrementalHash hash, string value, Span<byte> lengthBuffer)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt64BigEndian(lengthBuffer, bytes.Length);
        hash.AppendData(lengthBuffer);
        hash.AppendData(bytes);
    }
}

/// <summary>The kinds of audit record the trading loop writes.</summary>
public static class AuditKinds
{
    public const string Decision = "decision";
    public const string OrderAccepted = "order.accepted";
    public const string RiskRejected = "order.risk_rejected";
    public const string OrderRejected = "order.rejected";
    public const string OrderCancelled = "order.cancelled";
    public const string OrderTriggered = "order.triggered";
    public const string OrderReplaced = "order.replaced";
    public const string OrderExpired = "order.expired";
    public const string Fill = "fill";
    /// <summary>A strategy submitted, replaced by a new version, paused, resumed or stopped.</summary>
    public const string StrategyLifecycle = "strategy.lifecycle";
    /// <summary>A strategy's order refused by the strategy's own limits (the account gate audits its own).</summary>
    public const string StrategyLimitRejected = "strategy.limit_rejected";
    /// <summary>A strategy's decided order that was never sent: its silo died first and the bar was stale when it came back.</summary>
    public const string SignalExpired = "strategy.signal_expired";
    /// <summary>An account opened, by an administrator or from configuration.</summary>
    public const string AccountOpened = "account.opened";
    public const string AccountLimitsChanged = "account.limits_changed";
    /// <summary>A kill switch engaged or released (an account's in its stream, the global one in "risk").</summary>
    public const string KillSwitch = "risk.kill_switch";
    /// <summary>A request refused for want of a valid token (401), a role or an account (403).</summary>
    public const string AccessRefused = "security.refused";
    /// <summary>More refusals like one recorded before, counted over a window instead of recorded one by one.</summary>
    public const string AccessRefusedRepeated = "security.refused_repeated";
}
