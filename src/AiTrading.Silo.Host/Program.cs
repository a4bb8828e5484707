using AiTrading.Hosts;
using AiTrading.Silo;
using AiTrading.Storage.Postgres;
using Microsoft.Extensions.Hosting;

// `aitrading-silo` runs one silo until SIGTERM; `aitrading-silo migrate` applies the PostgreSQL migrations and exits.
return await HostExit.RunAsync(async () =>
{
    var configuration = HostConfiguration.Read();
    switch (args)
    {
        case []:
            using (var host = SiloHost.Build(SiloHostSettings.From(configuration)))
                await host.RunAsync();
            break;
        case ["migrate"]:
            Console.WriteLine(await SiloHost.MigrateAsync(null, configuration, CancellationToken.None));
            break;
        default:
            throw new AiTrading.Core.ValidationException("arguments", $"'{string.Join(' ', args)}' is not a command (use no arguments to run a silo, or migrate)");
    }
}, e => e is MigrationException);
