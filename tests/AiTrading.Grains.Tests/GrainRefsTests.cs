using AiTrading.Contracts;

namespace AiTrading.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GrainRefsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_cached_reference_names_the_same_grain_as_the_factory_would()
    {
        var grains = fixture.Client;
        foreach (var account in new[] { "REFS-A", "REFS-B", "REFS-A" })
        {
            var reference = grains.Ref<IAuditStreamGrain>(account);
            reference.GetGrainId().ShouldBe(grains.GetGrain<IAuditStreamGrain>(account).GetGrainId());
            ((GrainReference)reference).InterfaceType.ShouldBe(((GrainReference)grains.GetGrain<IAuditStreamGrain>(account)).InterfaceType);
        }
        grains.Ref<IInstrumentGrain>("REFS-X").GetGrainId().ShouldBe(grains.GetGrain<IInstrumentGrain>("REFS-X").GetGrainId());

        await grains.Ref<IAuditStreamGrain>("REFS-A").AppendAsync(new AuditEntry("test", "{}"));
        (await grains.GetGrain<IAuditStreamGrain>("REFS-A").GetInfoAsync()).Length.ShouldBe(1);
    }

    [Fact]
    public void An_empty_key_is_refused_as_the_factory_refuses_it()
    {
        fixture.Client.Ref<IAuditStreamGrain>("REFS-C");
        Should.Throw<ArgumentException>(() => fixture.Client.Ref<IAuditStreamGrain>(" "));
    }
}
