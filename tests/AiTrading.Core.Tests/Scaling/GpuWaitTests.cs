using AiTrading.Core.Scaling;

namespace AiTrading.Core.Tests.Scaling;

public sealed class GpuWaitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_waiting_job_retries_renews_its_lease_when_due_and_gives_up_at_its_deadline()
    {
        var wait = GpuWait.Start(T0, timeout: TimeSpan.FromMinutes(2), renewal: TimeSpan.FromSeconds(30));
        wait.Deadline.ShouldBe(T0.AddMinutes(2));
        wait.Next(T0.AddSeconds(5)).ShouldBe(GpuWaitStep.Retry);
        wait.Next(T0.AddSeconds(30)).ShouldBe(GpuWaitStep.RenewAndRetry);

        wait = wait.Renewed(T0.AddSeconds(31));
        wait.Next(T0.AddSeconds(40)).ShouldBe(GpuWaitStep.Retry, "renewed 9 s ago");
        wait.Next(T0.AddSeconds(61)).ShouldBe(GpuWaitStep.RenewAndRetry);
        wait.Next(T0.AddMinutes(2)).ShouldBe(GpuWaitStep.GiveUp, "the deadline wins over a due renewal");
        wait.Next(T0.AddHours(1)).ShouldBe(GpuWaitStep.GiveUp);
    }
}
