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
}
