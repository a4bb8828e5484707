using AiTrading.Storage.Postgres;

namespace AiTrading.Postgres.Tests;

public sealed class MigrationTests
{
    /// <summary>Every query key the three ADO.NET providers read at start (and DeleteStorageKey for DeleteStateOnClear).</summary>
    public static readonly string[] ProviderQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey",
        "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public Task The_first_run_applies_every_script_and_a_second_run_nothing() => WithFreshDatabase(async database =>
    {
        var first = await PostgresMigrations.ApplyAsync(database.ConnectionString);
        first.ShouldBe(PostgresMigrations.Scripts);
        first.Count.ShouldBeGreaterThanOrEqualTo(5);
        (await PostgresMigrations.ApplyAsync(database.ConnectionString)).ShouldBeEmpty();
        (await database.ScalarAsync<long>("SELECT count(*) FROM schemaversions")).ShouldBe(PostgresMigrations.Scripts.Count);

        var keys = new List<string>();
        await using (var command = database.DataSource.CreateCommand("SELECT querykey FROM orleansquery"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        keys.ShouldBe(ProviderQueryKeys, ignoreOrder: true);
    });

    [Fact]
    public Task Concurrent_runs_apply_each_script_exactly_once() => WithFreshDatabase(async database =>
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostgresMigrations.ApplyAsync(database.ConnectionString))));
        runs.SelectMany(r => r).ShouldBe(PostgresMigrations.Scripts, ignoreOrder: true);
        runs.Count(r => r.Count > 0).ShouldBe(1);
        (await database.ScalarAsync<long>("SELECT count(*) FROM schemaversions")).ShouldBe(PostgresMigrations.Scripts.Count);
    });

    [Fact]
    public Task A_failing_script_names_itself_and_leaves_nothing_half_applied() => WithFreshDatabase(async database =>
    {
        // A foreign table where migration 0001 creates its second table makes that script fail.
        await database.ExecuteAsync("CREATE TABLE cluster_member (cluster_id integer)");
        var error = await Should.ThrowAsync<MigrationException>(() => PostgresMigrations.ApplyAsync(database.ConnectionString));
        error.Script!.ShouldEndWith("0001_membership.sql");
        error.Message.ShouldContain("cluster_member");
        (await database.ScalarAsync<bool>("SELECT to_regclass('cluster_version') IS NULL")).ShouldBeTrue("the script's first table was rolled back");

        await database.ExecuteAsync("DROP TABLE cluster_member");
        (await PostgresMigrations.ApplyAsync(database.ConnectionString)).ShouldBe(PostgresMigrations.Scripts);
    });

    /// <summary>Runs a test on an empty database of its own (the migrations are what is under test).</summary>
    private static async Task WithFreshDatabase(Func<PostgresDatabase, Task> test)
    {
        var database = new Fresh();
        await database.InitializeAsync();
        try
        {
            await test(database);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private sealed class Fresh : PostgresDatabase
    {
        protected override bool Migrate => false;
    }
}
