using System.Reflection;

namespace AiTrading.Integration.Tests;

/// <summary>Keeps the layers honest: the dependency rules of docs/architecture.md, read from the compiled assemblies.</summary>
public sealed class ArchitectureTests
{
    private static string[] References(string assembly) =>
        Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).ToArray();

    [Fact]
    public void Core_references_no_orleans_aspnet_or_database()
    {
        References("AiTrading.Core").ShouldAllBe(name =>
            !name.StartsWith("Orleans") && !name.StartsWith("Microsoft.Orleans") && !name.StartsWith("Microsoft.AspNetCore")
            && !name.StartsWith("Npgsql") && !name.StartsWith("Grpc") && !name.StartsWith("AiTrading."));
    }

    [Fact]
    public void Client_references_no_orleans_or_aspnet()
    {
        References("AiTrading.Client").ShouldAllBe(name =>
            !name.StartsWith("Orleans") && !name.StartsWith("Microsoft.Orleans") && !name.StartsWith("Microsoft.AspNetCore")
            && !name.StartsWith("Grpc.AspNetCore") && (!name.StartsWith("AiTrading.") || name == "AiTrading.Core"));
    }

    [Fact]
    public void Gateway_talks_to_grains_only_through_contracts()
    {
        var references = References("AiTrading.Gateway");
        references.ShouldNotContain("AiTrading.Grains");
        references.ShouldNotContain("AiTrading.Silo");
        references.ShouldContain("AiTrading.Contracts");
    }

    [Fact]
    public void What_every_host_shares_pulls_in_neither_grains_nor_ML()
    {
        foreach (var assembly in new[] { "AiTrading.Hosts", "AiTrading.Gateway" })
            References(assembly).ShouldNotContain(name => name.StartsWith("AiTrading.ML") || name.StartsWith("Microsoft.ML") || name.StartsWith("TorchSharp")
                                                         || name == "AiTrading.Grains" || name == "AiTrading.Silo", assembly);
    }

    [Fact]
    public void Grains_do_not_depend_on_hosting()
    {
        var references = References("AiTrading.Grains");
        references.ShouldNotContain("AiTrading.Silo");
        references.ShouldNotContain("AiTrading.Gateway");
        references.ShouldNotContain(name => name.StartsWith("Microsoft.AspNetCore"));
    }
}
