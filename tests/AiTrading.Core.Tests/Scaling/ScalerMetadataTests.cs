using AiTrading.Core.Scaling;

namespace AiTrading.Core.Tests.Scaling;

public sealed class ScalerMetadataTests
{
    [Theory]
    [InlineData("cpu", "4", ComputePool.Cpu, 4, "aitrading-cpu-backlog")]
    [InlineData("gpu", "10000", ComputePool.Gpu, 10000, "aitrading-gpu-backlog")]
    public void Reads_the_pool_and_the_backlog_per_silo(string pool, string perSilo, ComputePool expected, int expectedPerSilo, string metric)
    {
        var target = ScalerMetadata.Parse(new Dictionary<string, string> { ["pool"] = pool, ["backlogPerSilo"] = perSilo, ["other"] = "ignored" });
        (target.Pool, target.BacklogPerSilo, target.MetricName).ShouldBe((expected, expectedPerSilo, metric));
    }

    [Theory]
    [InlineData(null, "2", "scalerMetadata.pool: is required: cpu or gpu")]
    [InlineData("GPU", "2", "scalerMetadata.pool: 'GPU' is not a pool (use cpu or gpu)")]
    [InlineData("tpu", "2", "scalerMetadata.pool: 'tpu' is not a pool (use cpu or gpu)")]
    [InlineData("cpu", null, "scalerMetadata.backlogPerSilo: is required: a whole number from 1 to 10000")]
    [InlineData("cpu", "0", "scalerMetadata.backlogPerSilo: must be a whole number from 1 to 10000 (got '0')")]
    [InlineData("cpu", "-3", "scalerMetadata.backlogPerSilo: must be a whole number from 1 to 10000 (got '-3')")]
    [InlineData("cpu", "1.5", "scalerMetadata.backlogPerSilo: must be a whole number from 1 to 10000 (got '1.5')")]
    [InlineData("cpu", "10001", "scalerMetadata.backlogPerSilo: must be a whole number from 1 to 10000 (got '10001')")]
    [InlineData("cpu", " 5", "scalerMetadata.backlogPerSilo: must be a whole number from 1 to 10000 (got ' 5')")]
    public void A_bad_or_missing_key_is_refused_by_name(string? pool, string? perSilo, string expected)
    {
        var metadata = new Dictionary<string, string>();
        if (pool is not null) metadata["pool"] = pool;
        if (perSilo is not null) metadata["backlogPerSilo"] = perSilo;
        Should.Throw<ValidationException>(() => ScalerMetadata.Parse(metadata)).Message.ShouldBe(expected);
    }

    [Fact]
    public void Every_problem_is_named_and_a_long_value_is_not_echoed_whole()
    {
        var e = Should.Throw<ValidationException>(() => ScalerMetadata.Parse(new Dictionary<string, string> { ["pool"] = new string('x', 500), ["backlogPerSilo"] = "many" }));
        e.Errors.Select(x => x.Field).ShouldBe(["scalerMetadata.pool", "scalerMetadata.backlogPerSilo"]);
        e.Message.Length.ShouldBeLessThan(200);
    }
}
