using AiTrading.Core.Scaling;
using Microsoft.Extensions.Time.Testing;

namespace AiTrading.Core.Tests.Scaling;

public sealed class BacklogLedgerTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly BacklogLedger _ledger = new();

    private BacklogCounts Now => _ledger.Count(_clock.GetUtcNow());

    [Fact]
    public void Each_pool_counts_its_own_work()
    {
        _ledger.Enter("backtest/a", WorkloadKind.Backtest, _clock.GetUtcNow(), Lease);
        _ledger.Enter("backtest/b", WorkloadKind.Backtest, _clock.GetUtcNow(), Lease);
        _ledger.Enter("training/tree", WorkloadKind.TreeTraining, _clock.GetUtcNow(), Lease);
        _ledger.Enter("training/lstm", WorkloadKind.NetworkTraining, _clock.GetUtcNow(), Lease);
        _ledger.Enter("training/lstm", WorkloadKind.NetworkTraining, _clock.GetUtcNow(), Lease); // a renewal: still one job
        _ledger.ReportInference("gateway-1", 4, _clock.GetUtcNow(), Lease);
        _ledger.ReportInference("silo-2", 3, _clock.GetUtcNow(), Lease);

        Now.ShouldBe(new BacklogCounts(2, 1, 1, 7));
        (Now.Of(ComputePool.Cpu), Now.Of(ComputePool.Gpu)).ShouldBe((3, 8));

        _ledger.Leave("backtest/a").ShouldBeTrue();
        _ledger.Leave("backtest/a").ShouldBeFalse("a job leaves once");
        _ledger.ReportInference("gateway-1", 0, _clock.GetUtcNow(), Lease);
        Now.ShouldBe(new BacklogCounts(1, 1, 1, 3));
    }

    [Fact]
    public void A_job_whose_silo_died_stops_counting_when_its_lease_runs_out_while_a_renewed_one_stays()
    {
        _ledger.Enter("training/dead", WorkloadKind.NetworkTraining, _clock.GetUtcNow(), Lease);
        _ledger.Enter("training/alive", WorkloadKind.NetworkTraining, _clock.GetUtcNow(), Lease);
        _ledger.ReportInference("dead-gateway", 5, _clock.GetUtcNow(), Lease);

        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(50));
            _ledger.Enter("training/alive", WorkloadKind.NetworkTraining, _clock.GetUtcNow(), Lease); // the live silo renews
            if (i == 0) Now.Of(ComputePool.Gpu).ShouldBe(7, "inside the lease the dead silo's job and the dead gateway's calls still count");
        }

        Now.ShouldBe(new BacklogCounts(0, 0, 1, 0));
        _ledger.Leave("training/dead").ShouldBeFalse("an expired job is gone already");
    }

    [Fact]
    public void Bad_entries_are_refused_and_a_report_is_capped()
    {
        Should.Throw<ArgumentException>(() => _ledger.Enter("", WorkloadKind.Backtest, _clock.GetUtcNow(), Lease));
        Should.Throw<ArgumentOutOfRangeException>(() => _ledger.Enter("j", WorkloadKind.Backtest, _clock.GetUtcNow(), TimeSpan.Zero));
        Should.Throw<ArgumentOutOfRangeException>(() => _ledger.ReportInference("s", -1, _clock.GetUtcNow(), Lease));
        _ledger.ReportInference("s", int.MaxValue, _clock.GetUtcNow(), Lease);
        _ledger.ReportInference("t", int.MaxValue, _clock.GetUtcNow(), Lease);
        Now.ShouldBe(new BacklogCounts(0, 0, 0, 2 * BacklogLedger.MaxWaitingPerReport));
    }
}
