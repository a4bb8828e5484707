namespace AiTrading.Deploy.Tests;

public sealed class SkeletonTests
{
    [Fact]
    public void Repository_is_found() => File.Exists(SharedData.Repository("Makefile")).ShouldBeTrue();
}
