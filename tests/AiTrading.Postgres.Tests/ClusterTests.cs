using System.Net;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core.Audit;
using AiTrading.Core.Trading;
using AiTrading.Gateway;
using AiTrading.Gateway.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace AiTrading.Postgres.Tests;

/// <summary>A three-silo cluster on one PostgreSQL database, shared by the tests of this class.</summary>
public sealed class ThreeSiloCluster : PostgresDatabase
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Cluster = await PostgresCluster.StartAsync(ConnectionString, serviceId: "three-silos");
    }

    public override async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await base.DisposeAsync();
    }
}

public sealed class ClusterTests(ThreeSiloCluster fixture) : IClassFixture<ThreeSiloCluster>
{
    private PostgresCluster Cluster => fixture.Cluster;
    private IServiceProvider Silo => Cluster.Cluster.GetSiloServiceProvider();

    [Fact]
    public async Task Three_silos_are_active_in_the_membership_table()
    {
        var clusterId = Cluster.Cluster.Options.ClusterId;
        (await fixture.ScalarAsync<long>($"SELECT count(*) FROM cluster_member WHERE cluster_id = '{clusterId}' AND status = {(int)SiloStatus.Active}"))
            .ShouldBe(3);
        var hosts = await Cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        hosts.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Grains_are_placed_across_the_silos()
    {
        var accounts = Enumerable.Range(0, 60).Select(i => $"PLACE-{i}").ToList();
        await Task.WhenAll(accounts.Select(a => Cluster.Client.GetGrain<IAccountGrain>(a).CreateAsync(new Core.Accounts.AccountRequest(a), "test-admin")));
        await Task.WhenAll(accounts.Select(a => Cluster.Client.GetGrain<IPortfolioGrain>(a).GetValuationAsync()));
        var statistics = await Cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var silosWithPortfolios = statistics.Where(s => s.GrainType.Contains("RiskGrain") && s.ActivationCount > 0).Select(s => s.SiloAddress).Distinct();
        silosWithPortfolios.Count().ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_gateway_process_finds_the_silos_through_the_membership_table()
    {
        var http = Net.FreePort();
        var keyFile = Path.Combine(Path.GetTempPath(), $"aitrading-test-key-{Guid.NewGuid():N}.json");
        var token = new TokenIssuer(SigningKey.LoadOrCreate(keyFile)).Mint("test", [Roles.Compliance], [Claims.AllAccounts], TimeSpan.FromHours(1));
        await using var gateway = Hosting.BuildGateway(new HostSettings
        {
            Gateway = new GatewayOptions { HttpPort = http, GrpcPort = Net.FreePort() },
            SiloGatewayPort = 1, // unused with Postgres clustering: the membership table names the gateways
            Configuration = new Dictionary<string, string?>(Cluster.Configuration) { ["Gateway:Auth:SigningKeyFile"] = keyFile },
        });
        await gateway.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        (await client.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Cluster.Client.GetGrain<IAuditStreamGrain>("GW-ACC").AppendAsync(new AuditEntry("decision", "{}"));
        var audit = await client.GetStringAsync("/v1/audit/GW-ACC/verify");
        audit.ShouldContain("\"valid\":true");
        await gateway.StopAsync();
        File.Delete(keyFile);
    }

    [Fact]
    public async Task Grain_state_round_trips_through_the_storage_provider_with_version_checks()
    {
        var storage = Silo.GetRequiredKeyedService<IGrainStorage>("Default");
        var grain = GrainId.Create("test-state", Guid.NewGuid().ToString("N"));
        var state = new GrainState<List<string>> { State = ["first"] };
        await storage.WriteStateAsync("test-state", grain, state);
        state.ETag.ShouldBe("1");

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("test-state", grain, read);
        (read.State!.Single(), read.ETag, read.RecordExists).ShouldBe(("first", "1", true));

        read.State!.Add("second");
        await storage.WriteStateAsync("test-state", grain, read);
        read.ETag.ShouldBe("2");
        state.State = ["stale"];
        await Should.ThrowAsync<InconsistentStateException>(() => storage.WriteStateAsync("test-state", grain, state));
        await Should.ThrowAsync<InconsistentStateException>(() => storage.WriteStateAsync("test-state", grain, new GrainState<List<string>> { State = ["a second first write"] }));
        var again = new GrainState<List<string>>();
        await storage.ReadStateAsync("test-state", grain, again);
        again.State.ShouldBe(["first", "second"]);

        await storage.ClearStateAsync("test-state", grain, read);
        var cleared = new GrainState<List<string>>();
        await storage.ReadStateAsync("test-state", grain, cleared);
        cleared.RecordExists.ShouldBeFalse();
        cleared.ETag.ShouldBe("3");
    }

    [Fact]
    public async Task Reminders_round_trip_through_the_reminder_table_by_grain_and_by_hash_range()
    {
        var table = Silo.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create("test-reminders", Guid.NewGuid().ToString("N"));
        var start = new DateTime(2026, 5, 1, 8, 0, 0, DateTimeKind.Utc);
        var etag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "daily-report", StartAt = start, Period = TimeSpan.FromDays(1) });

        var row = (await table.ReadRow(grain, "daily-report"))!;
        (row.GrainId, row.StartAt, row.Period, row.ETag).ShouldBe((grain, start, TimeSpan.FromDays(1), etag));
        (await table.ReadRows(grain)).Reminders.Count.ShouldBe(1);

        var hash = grain.GetUniformHashCode();
        (await table.ReadRows(hash - 1, hash)).Reminders.ShouldContain(r => r.GrainId == grain, "(hash - 1, hash] holds it");
        (await table.ReadRows(hash, hash + 1)).Reminders.ShouldNotContain(r => r.GrainId == grain, "the range start is exclusive");
        (await table.ReadRows(hash + 1, hash)).Reminders.ShouldContain(r => r.GrainId == grain, "a range that wraps round the ring");

        var newEtag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "daily-report", StartAt = start, Period = TimeSpan.FromHours(12) });
        newEtag.ShouldNotBe(etag);
        (await table.RemoveRow(grain, "daily-report", etag!)).ShouldBeFalse("a stale etag removes nothing");
        (await table.RemoveRow(grain, "daily-report", newEtag!)).ShouldBeTrue();
        (await table.ReadRow(grain, "daily-report")).ShouldBeNull();
    }

    [Fact]
    public async Task Membership_writes_with_a_stale_table_version_change_nothing()
    {
        var table = Silo.GetRequiredService<IMembershipTable>();
        var current = await table.ReadAllAsync();
        var member = current.Members[0].Item1;
        var stale = new TableVersion(current.Version.Version - 1, (current.Version.Version - 1).ToString());
        var ghost = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, 1, 1), HostName = "ghost", SiloName = "ghost", Status = SiloStatus.Active,
            StartTime = DateTime.UtcNow, IAmAliveTime = DateTime.UtcNow,
        };
        (await table.InsertRowAsync(ghost, stale.Next())).ShouldBeFalse();
        (await table.UpdateRowAsync(member, current.Members[0].Item2, stale.Next())).ShouldBeFalse();
        (await table.ReadAllAsync()).Members.Count.ShouldBe(current.Members.Count);
    }

    [Fact]
    public async Task Cleanup_removes_dead_members_older_than_the_cutoff_and_nothing_else()
    {
        var table = Silo.GetRequiredService<IMembershipTable>();
        var current = await table.ReadAllAsync();
        var longDead = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, 2, 2), HostName = "gone", SiloName = "gone", Status = SiloStatus.Dead,
            StartTime = DateTime.UtcNow.AddDays(-3), IAmAliveTime = DateTime.UtcNow.AddDays(-2),
        };
        (await table.InsertRowAsync(longDead, current.Version.Next())).ShouldBeTrue();
        (await table.ReadAllAsync()).Members.Count.ShouldBe(current.Members.Count + 1);

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1));
        var after = await table.ReadAllAsync();
        after.Members.Select(m => m.Item1.SiloAddress).ShouldBe(current.Members.Select(m => m.Item1.SiloAddress), ignoreOrder: true);
        after.Members.Count(m => m.Item1.Status == SiloStatus.Active).ShouldBe(3);
    }

    [Fact]
    public async Task Audit_records_of_the_cluster_land_in_the_append_only_table_and_verify()
    {
        var stream = Cluster.Client.GetGrain<IAuditStreamGrain>("CL-AUDIT");
        for (var i = 0; i < 5; i++) await stream.AppendAsync(new AuditEntry(AuditKinds.Decision, $"{{\"i\":{i}}}"));
        (await stream.VerifyAsync()).ShouldSatisfyAllConditions(v => v.Valid.ShouldBeTrue(), v => v.RecordsChecked.ShouldBe(5));
        (await fixture.ScalarAsync<long>("SELECT count(*) FROM audit_record WHERE stream = 'CL-AUDIT'")).ShouldBe(5);
    }

    [Fact]
    public async Task An_append_racing_another_writer_is_refused_and_the_grain_continues_from_the_stored_head()
    {
        var grain = Cluster.Client.GetGrain<IAuditStreamGrain>("CL-RACE");
        var first = await grain.AppendAsync(new AuditEntry(AuditKinds.Decision, "{\"n\":1}"));
        // Another writer (a second activation during a failure, say) extends the stream behind the grain's back.
        var rival = AuditChain.Next(first, "CL-RACE", DateTimeOffset.UtcNow, AuditKinds.Decision, "{\"rival\":true}");
        await new Storage.Postgres.PostgresAuditStore(fixture.DataSource).AppendAsync(rival);

        var refused = await Should.ThrowAsync<Grains.AuditConflictException>(() => grain.AppendAsync(new AuditEntry(AuditKinds.Decision, "{\"n\":2}")));
        refused.Message.ShouldContain("the append was refused");
        var third = await grain.AppendAsync(new AuditEntry(AuditKinds.Decision, "{\"n\":3}"));
        third.Sequence.ShouldBe(3);
        third.PreviousHash.ShouldBe(rival.Hash);
        (await grain.VerifyAsync()).ShouldSatisfyAllConditions(v => v.Valid.ShouldBeTrue(), v => v.RecordsChecked.ShouldBe(3));
    }
}

public static class Net
{
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
