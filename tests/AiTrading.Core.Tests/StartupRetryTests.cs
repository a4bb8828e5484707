using AiTrading.Core;
using Microsoft.Extensions.Time.Testing;

namespace AiTrading.Core.Tests;

public sealed class StartupRetryTests
{
    private sealed class Refused(string message) : Exception(message);

    [Fact]
    public void Backoff_doubles_from_one_second_up_to_fifteen()
    {
        Enumerable.Range(1, 7).Select(a => StartupRetry.DelayAfter(a).TotalSeconds).ShouldBe([1, 2, 4, 8, 15, 15, 15]);
        StartupRetry.DelayAfter(500).ShouldBe(StartupRetry.MaxDelay);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_with_a_message_until_the_step_succeeds()
    {
        var time = new FakeTimeProvider();
        var reports = new List<string>();
        var tries = 0;
        var run = StartupRetry.RunAsync("the database at db:5432", _ => ++tries < 3 ? throw new Refused("connection refused") : Task.FromResult(42),
            e => e is Refused, TimeSpan.FromMinutes(1), reports.Add, time, CancellationToken.None);
        await Eventually(() => reports.Count == 1);
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => reports.Count == 2);
        time.Advance(TimeSpan.FromSeconds(2));
        (await run).ShouldBe(42);
        tries.ShouldBe(3);
        reports[0].ShouldBe("the database at db:5432 is unreachable (connection refused); try 1 failed, retrying in 1 s (giving up after 60 s)");
        reports[1].ShouldContain("try 2 failed, retrying in 2 s");
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_ends_at_once()
    {
        var tries = 0;
        await Should.ThrowAsync<InvalidOperationException>(() => StartupRetry.RunAsync<int>("x", _ => { tries++; throw new InvalidOperationException("bad password"); },
            e => e is Refused, TimeSpan.FromMinutes(1), _ => { }, new FakeTimeProvider(), CancellationToken.None));
        tries.ShouldBe(1);
    }

    [Fact]
    public async Task It_gives_up_once_the_next_wait_would_pass_the_timeout_naming_the_dependency_and_the_last_error()
    {
        var time = new FakeTimeProvider();
        var reports = new List<string>();
        var run = StartupRetry.RunAsync<int>("Kafka at k:9092", _ => throw new Refused("no broker"), e => e is Refused, TimeSpan.FromSeconds(5),
            reports.Add, time, CancellationToken.None);
        await Eventually(() => reports.Count == 1);
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => reports.Count == 2);
        time.Advance(TimeSpan.FromSeconds(2)); // 3 s gone; the next wait (4 s) would end past 5 s
        var error = await Should.ThrowAsync<DependencyUnavailableException>(run);
        error.Message.ShouldBe("Kafka at k:9092 is unreachable after 3 tries over 5 s: no broker");
        error.InnerException.ShouldBeOfType<Refused>();
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(5);
        }
    }
}
