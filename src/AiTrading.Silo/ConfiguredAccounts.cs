using AiTrading.Contracts;
using AiTrading.Grains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTrading.Silo;

/// <summary>
/// Opens the accounts of "Trading:Accounts" as the silo starts. Every silo does so on every start: opening is
/// idempotent, so restarts and concurrent silos change nothing. An account already open with other terms is kept as
/// stored (its limits change through the API, audited) and the difference is logged.
/// </summary>
public sealed class ConfiguredAccounts(IGrainFactory grains, IOptions<TradingOptions> options, ILogger<ConfiguredAccounts> logger) : IStartupTask
{
    /// <summary>Who opens them, in their audit streams.</summary>
    public const string Principal = "configuration";

    public Task Execute(CancellationToken cancellationToken) => Task.WhenAll(options.Value.Accounts.Select(async entry =>
    {
        var (id, account) = entry;
        try
        {
            if ((await grains.GetGrain<IAccountGrain>(id).CreateAsync(account.ToRequest(id), Principal)).Created)
                logger.LogInformation("Opened account {Account} from configuration", id);
        }
        catch (ConflictException e)
        {
            logger.LogWarning("Trading:Accounts:{Account} differs from the open account, which is kept: {Reason}", id, e.Message);
        }
    }));
}
