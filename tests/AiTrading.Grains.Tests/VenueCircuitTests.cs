using AiTrading.Grains;
using Microsoft.Extensions.Time.Testing;

namespace AiTrading.Grains.Tests;

public sealed class VenueCircuitTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private int _calls;

    private VenueCircuit Circuit() => new("mt5", new VenueCircuitOptions { FailureThreshold = 3, SamplingSeconds = 30, BreakSeconds = 10, TimeoutMilliseconds = 500 }, _clock);

    private ValueTask<int> Fails(CancellationToken _)
    {
        _calls++;
        throw new InvalidOperationException("terminal refused the socket");
    }

    private ValueTask<int> Succeeds(CancellationToken _)
    {
        _calls++;
        return ValueTask.FromResult(42);
    }

    private static async Task<VenueUnavailableException> Unavailable(VenueCircuit circuit, Func<CancellationToken, ValueTask<int>> call) =>
        await Should.ThrowAsync<VenueUnavailableException>(async () => await circuit.ExecuteAsync(call));

    [Fact]
    public async Task Consecutive_failures_open_it_and_then_calls_are_refused_without_being_made()
    {
        var circuit = Circuit();
        for (var i = 0; i < 3; i++) (await Unavailable(circuit, Fails)).Message.ShouldContain("terminal refused the socket");
        circuit.State.ShouldBe("open");

        var refused = await Unavailable(circuit, Succeeds);
        _calls.ShouldBe(3);
        refused.Message.ShouldContain("circuit open");
        refused.Message.ShouldContain("after 3 failures (last: terminal refused the socket)");
        var view = circuit.View();
        (view.State, view.RecentFailures, view.OpenedAt, view.ProbeAt).ShouldBe(("open", 3, _clock.GetUtcNow(), _clock.GetUtcNow().AddSeconds(10)));
    }

    [Fact]
    public async Task A_success_among_the_failures_keeps_it_closed()
    {
        var circuit = Circuit();
        await Unavailable(circuit, Fails);
        await Unavailable(circuit, Fails);
        (await circuit.ExecuteAsync(Succeeds)).ShouldBe(42);
        await Unavailable(circuit, Fails);
        circuit.State.ShouldBe("closed");
    }

    [Fact]
    public async Task After_the_break_one_probe_decides_success_closes_it_failure_reopens_it()
    {
        var circuit = Circuit();
        for (var i = 0; i < 3; i++) await Unavailable(circuit, Fails);

        _clock.Advance(TimeSpan.FromSeconds(10));
        await Unavailable(circuit, Fails); // the probe fails
        circuit.State.ShouldBe("open");
        _calls.ShouldBe(4);
        (await Unavailable(circuit, Succeeds)).Message.ShouldContain("circuit open");

        _clock.Advance(TimeSpan.FromSeconds(10));
        (await circuit.ExecuteAsync(Succeeds)).ShouldBe(42);
        circuit.State.ShouldBe("closed");
        circuit.View().ShouldBe(circuit.View() with { State = "closed", RecentFailures = 0, OpenedAt = null, ProbeAt = null });
    }

    [Fact]
    public async Task A_call_that_outlasts_the_timeout_counts_as_a_failure()
    {
        var circuit = Circuit();
        for (var i = 0; i < 3; i++)
        {
            var hanging = circuit.ExecuteAsync<int>(async cancel => { await Task.Delay(Timeout.Infinite, cancel); return 0; }).AsTask();
            _clock.Advance(TimeSpan.FromMilliseconds(500));
            (await Should.ThrowAsync<VenueUnavailableException>(hanging)).Message.ShouldContain("did not answer within 500 ms");
        }
        circuit.State.ShouldBe("open");
        circuit.View().LastFailure.ShouldBe("no answer within 500 ms");
    }
}
