using AiTrading.Contracts;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AuditStreamTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_keyed_entry_appended_again_answers_the_first_record_and_the_chain_does_not_grow()
    {
        var audit = fixture.Client.GetGrain<IAuditStreamGrain>("AUDIT-KEYED");
        var first = await audit.AppendAsync(new AuditEntry("fill", "{\"fillId\":\"F1\"}", "fill:F1"));
        var again = await audit.AppendAsync(new AuditEntry("fill", "{\"fillId\":\"F1\"}", "fill:F1"));
        again.ShouldBe(first);
        var unkeyed = await audit.AppendAsync(new AuditEntry("fill", "{\"fillId\":\"F1\"}"));
        unkeyed.Sequence.ShouldBe(2, "without a key every append is a record");
        (await audit.AppendAsync(new AuditEntry("fill", "{\"fillId\":\"F2\"}", "fill:F2"))).Sequence.ShouldBe(3);
        (await audit.GetInfoAsync()).Length.ShouldBe(3);
        (await audit.VerifyAsync()).Valid.ShouldBeTrue();
    }

    [Fact]
    public async Task A_step_s_records_are_appended_together_and_a_repeated_step_stores_only_what_is_new()
    {
        var audit = fixture.Client.GetGrain<IAuditStreamGrain>("AUDIT-MANY");
        var step = new[] { new AuditEntry("accepted", "{}", "accepted:O1"), new AuditEntry("fill", "{\"fillId\":\"O1#1\"}", "fill:O1#1") };
        var first = await audit.AppendManyAsync(step);
        first.Select(r => r.Sequence).ShouldBe([1L, 2L]);
        first[1].PreviousHash.ShouldBe(first[0].Hash);

        // A retry of the step with one more record, as an order finishing what it owes sends it: the kept ones answer as they were.
        var again = await audit.AppendManyAsync([.. step, new AuditEntry("fill", "{\"fillId\":\"O1#2\"}", "fill:O1#2")]);
        again.Take(2).ShouldBe(first);
        again[2].Sequence.ShouldBe(3);
        (await audit.ReadAsync(1, 10)).ShouldBe(again);
        (await audit.VerifyAsync()).Valid.ShouldBeTrue();
        (await Should.ThrowAsync<InvalidRequestException>(() => audit.AppendManyAsync(Enumerable.Range(0, 1001).Select(i => new AuditEntry("x", "{}")).ToList()))).Errors.Single().Field.ShouldBe("entries");
    }
}
