using System.CommandLine;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Gateway;
using AiTrading.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ClusterMembershipOptions = Orleans.Configuration.ClusterMembershipOptions;

namespace AiTrading.Postgres.Tests;

/// <summary>Provider selection from configuration, and the errors a host gives at start when it cannot work.</summary>
[Collection(ProcessEnvironment.Name)]
public sealed class ConfigurationTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    [Fact]
    public void Memory_is_the_default_for_clustering_and_storage()
    {
        ClusteringSettings.From(Config()).Provider.ShouldBe(ProviderKind.Memory);
        var storage = StorageSettings.From(Config());
        (storage.Provider, storage.AuditRetentionYears, storage.ConnectionString).ShouldBe((ProviderKind.Memory, 7, (string?)null));
    }

    [Fact]
    public void Postgres_takes_the_connection_string_from_ConnectionStrings_Postgres()
    {
        var config = Config(("Clustering:Provider", "postgres"), ("Storage:Provider", "Postgres"), ("Storage:AuditRetentionYears", "10"),
            ("ConnectionStrings:Postgres", "Host=db;Database=aitrading"), ("Clustering:ClusterId", "prod"));
        var clustering = ClusteringSettings.From(config);
        (clustering.Provider, clustering.ConnectionString, clustering.ClusterId).ShouldBe((ProviderKind.Postgres, "Host=db;Database=aitrading", "prod"));
        StorageSettings.From(config).AuditRetentionYears.ShouldBe(10);
    }

    [Fact]
    public void Environment_variables_with_the_AITRADING_prefix_select_the_providers()
    {
        var variables = new Dictionary<string, string>
        {
            ["AITRADING__Storage__Provider"] = "Postgres",
            ["AITRADING__ConnectionStrings__Postgres"] = "Host=env-db",
        };
        foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        try
        {
            var config = Hosting.ReadConfiguration();
            var storage = StorageSettings.From(config);
            (storage.Provider, storage.ConnectionString).ShouldBe((ProviderKind.Postgres, "Host=env-db"));
        }
        finally
        {
            foreach (var name in variables.Keys) Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void A_silo_asked_for_postgres_without_a_connection_string_refuses_to_start_naming_the_setting()
    {
        var error = Should.Throw<ValidationException>(() => Hosting.BuildSilo(new HostSettings
        {
            Demo = false,
            Configuration = new Dictionary<string, string?> { ["Clustering:Provider"] = "Postgres" },
        }));
        error.Errors.ShouldHaveSingleItem().ToString().ShouldBe(
            "ConnectionStrings:Postgres: is required when Clustering:Provider is Postgres (set it in appsettings.json or as AITRADING__ConnectionStrings__Postgres)");

        Should.Throw<ValidationException>(() => Hosting.BuildSilo(new HostSettings
        {
            Demo = false,
            Configuration = new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres" },
        })).Errors.Single().Field.ShouldBe("ConnectionStrings:Postgres");
    }

    [Fact]
    public void A_gateway_asked_for_postgres_clustering_without_a_connection_string_refuses_to_start()
    {
        Should.Throw<ValidationException>(() => Hosting.BuildGateway(new HostSettings
        {
            Gateway = new GatewayOptions { HttpPort = Net.FreePort(), GrpcPort = Net.FreePort() },
            Configuration = new Dictionary<string, string?> { ["Clustering:Provider"] = "Postgres" },
        })).Errors.Single().Message.ShouldContain("Clustering:Provider is Postgres");
    }

    [Fact]
    public async Task Membership_and_gateway_list_timings_come_from_the_Clustering_section()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Clustering:Provider"] = "Postgres",
            [ProviderSettings.PostgresConnectionKey] = "Host=127.0.0.1;Database=unused",
            ["Clustering:Membership:ProbeTimeout"] = "00:00:01",
            ["Clustering:Membership:NumMissedProbesLimit"] = "2",
            ["Clustering:GatewayList:GatewayListRefreshPeriod"] = "00:00:02",
        };
        using var silo = Hosting.BuildSilo(new HostSettings { Feed = HostSettings.NoFeed, Configuration = configuration });
        var membership = silo.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        (membership.ProbeTimeout, membership.NumMissedProbesLimit).ShouldBe((TimeSpan.FromSeconds(1), 2));

        await using var gateway = Hosting.BuildGateway(new HostSettings
        {
            Gateway = new GatewayOptions { HttpPort = Net.FreePort(), GrpcPort = Net.FreePort() },
            Configuration = configuration,
        });
        gateway.Services.GetRequiredService<IOptions<Orleans.Configuration.GatewayOptions>>().Value.GatewayListRefreshPeriod.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Unknown_providers_and_bad_values_are_named_all_at_once()
    {
        Should.Throw<ValidationException>(() => StorageSettings.From(Config(("Storage:Provider", "Cassandra"), ("Storage:AuditRetentionYears", "0"))))
            .Errors.Select(e => e.ToString()).ShouldBe(
            [
                "Storage:Provider: 'Cassandra' is not a provider (use Memory or Postgres)",
                "Storage:AuditRetentionYears: must be a whole number of years, at least 1 (got '0')",
            ]);
        Should.Throw<ValidationException>(() => ClusteringSettings.From(Config(("Clustering:AdvertisedAddress", "localhost"), ("Clustering:ClusterId", " "))))
            .Errors.Select(e => e.Field).ShouldBe(["Clustering:ClusterId", "Clustering:AdvertisedAddress"]);
    }
}

/// <summary>`aitrading migrate` against the real server, and its errors.</summary>
public sealed class MigrateCommandTests
{
    private static Task<int> Cli(params string[] args)
    {
        var root = new RootCommand();
        foreach (var command in Commands.All()) root.Subcommands.Add(command);
        return root.Parse(args).InvokeAsync();
    }

    [Fact]
    public async Task Migrate_applies_the_schema_and_is_idempotent_even_when_run_concurrently()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        try
        {
            var codes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Cli("migrate", "--connection-string", connectionString))));
            codes.ShouldAllBe(code => code == 0);
            (await PostgresMigrations.ApplyAsync(connectionString)).ShouldBeEmpty("the command applied everything");
            (await Cli("migrate", "--connection-string", connectionString)).ShouldBe(0);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task Migrate_against_an_unreachable_server_fails_with_exit_code_2()
    {
        (await Cli("migrate", "--connection-string", $"Host=127.0.0.1;Port={Net.FreePort()};Username=x;Timeout=2")).ShouldBe(2);
    }
}

/// <summary>Tests that set process environment variables run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "process environment";
}
