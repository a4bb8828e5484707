using Microsoft.Extensions.DependencyInjection;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Client;

public static class ClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="AiTradingClient"/> (a singleton) and the generated client of each service on it, so a
    /// class can take <c>Strategies.StrategiesClient</c> or <c>Orders.OrdersClient</c> in its constructor. Invalid
    /// options stop here, naming each setting.
    /// </summary>
    public static IServiceCollection AddAiTradingClient(this IServiceCollection services, Action<AiTradingClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AiTradingClientOptions();
        configure(options);
        options.ThrowIfInvalid();
        services.AddSingleton(_ => new AiTradingClient(options));
        services.AddSingleton<Proto.Strategies.StrategiesClient>(s => s.GetRequiredService<AiTradingClient>().Strategies);
        services.AddSingleton<Proto.Orders.OrdersClient>(s => s.GetRequiredService<AiTradingClient>().Orders);
        services.AddSingleton<Proto.MarketData.MarketDataClient>(s => s.GetRequiredService<AiTradingClient>().MarketData);
        services.AddSingleton<Proto.BacktestService.BacktestServiceClient>(s => s.GetRequiredService<AiTradingClient>().Backtests);
        services.AddSingleton<Proto.Models.ModelsClient>(s => s.GetRequiredService<AiTradingClient>().Models);
        return services;
    }
}
