using AiTrading.Gateway;
using AiTrading.Hosts;

// `aitrading-gateway` serves the HTTP and gRPC APIs until SIGTERM, as an Orleans client of the cluster.
return await HostExit.RunAsync(async () =>
{
    if (args.Length > 0)
        throw new AiTrading.Core.ValidationException("arguments", "aitrading-gateway takes none: configure it with AITRADING__ variables or appsettings.json");
    await using var app = GatewayHost.Build(GatewayHostSettings.From(HostConfiguration.Read()));
    await app.RunAsync();
});
