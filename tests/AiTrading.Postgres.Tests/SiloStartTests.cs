using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Storage.Postgres;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace AiTrading.Postgres.Tests;

/// <summary>`aitrading silo` hosts on a fresh database: the silos apply the migrations themselves.</summary>
public sealed class SiloStartTests
{
    [Fact]
    public async Task Three_silos_starting_at_once_on_an_empty_database_migrate_it_once_and_form_one_cluster()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var hosts = Enumerable.Range(0, 3).Select(_ => Hosting.BuildSilo(new HostSettings
        {
            Feed = HostSettings.NoFeed,
            SiloPort = Net.FreePort(),
            SiloGatewayPort = Net.FreePort(),
            Configuration = new Dictionary<string, string?>
            {
                ["Clustering:Provider"] = "Postgres",
                ["Clustering:ClusterId"] = "fresh",
                ["Storage:Provider"] = "Postgres",
                [ProviderSettings.PostgresConnectionKey] = connectionString,
            },
        })).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            await using var database = Npgsql.NpgsqlDataSource.Create(connectionString);
            await using (var journal = database.CreateCommand("SELECT count(*) FROM schemaversions"))
                ((long)(await journal.ExecuteScalarAsync())!).ShouldBe(PostgresMigrations.Scripts.Count);
            await Eventually.True(async () =>
            {
                await using var members = database.CreateCommand($"SELECT count(*) FROM cluster_member WHERE cluster_id = 'fresh' AND status = {(int)SiloStatus.Active}");
                return (long)(await members.ExecuteScalarAsync())! == 3;
            }, "three active silos in the membership table");
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));
            foreach (var host in hosts) host.Dispose();
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }
}
