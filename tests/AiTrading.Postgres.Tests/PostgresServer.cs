using AiTrading.Storage.Postgres;
using Npgsql;

namespace AiTrading.Postgres.Tests;

/// <summary>
/// One private PostgreSQL server for the whole test run, started on first use; its watchdog stops and removes it
/// when the test process ends.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<LocalPostgresServer>> Server = new(() => LocalPostgresServer.StartAsync());

    /// <summary>A new, empty database on the shared server.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "t") =>
        await (await Server.Value).CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}");

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection((await Server.Value).ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A database of its own for one test class, migrated, dropped afterwards.</summary>
public class PostgresDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = null!;
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    protected virtual bool Migrate => true;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync();
        if (Migrate) await PostgresMigrations.ApplyAsync(ConnectionString);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public virtual async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
