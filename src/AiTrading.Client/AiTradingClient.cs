using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Client;

/// <summary>
/// The gateway's gRPC API: one channel that sends the bearer token with every call, deadlines and retries around
/// every call (<see cref="AiTradingClientOptions"/>), and the generated client of each service on it. Thread-safe;
/// make one and keep it (it holds the HTTP/2 connections).
/// </summary>
public sealed class AiTradingClient : IDisposable
{
    private readonly GrpcChannel _channel;

    /// <exception cref="Core.ValidationException">Invalid options, each named, or no token to be found.</exception>
    public AiTradingClient(AiTradingClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _channel = CreateChannel(options);
        CallInvoker = _channel.CreateCallInvoker().Intercept([.. options.Interceptors])
            .Intercept(new ResilienceInterceptor(options.Retry, options.Deadline));
        Strategies = new(CallInvoker);
        Orders = new(CallInvoker);
        MarketData = new(CallInvoker);
        Backtests = new(CallInvoker);
        Models = new(CallInvoker);
    }

    /// <summary>The gateway at <paramref name="address"/> with <paramref name="token"/> (else <c>$AITRADING_TOKEN</c> or the saved token) and the default deadline and retries.</summary>
    public AiTradingClient(string address = AiTradingClientOptions.DefaultAddress, string? token = null)
        : this(new AiTradingClientOptions { Address = address, Token = token })
    {
    }

    /// <summary>Every call made through this invoker gets the deadlines and retries; for services without a property here.</summary>
    public CallInvoker CallInvoker { get; }

    public Proto.Strategies.StrategiesClient Strategies { get; }
    public Proto.Orders.OrdersClient Orders { get; }
    public Proto.MarketData.MarketDataClient MarketData { get; }
    public Proto.BacktestService.BacktestServiceClient Backtests { get; }
    public Proto.Models.ModelsClient Models { get; }

    /// <summary>
    /// A bare channel to the gateway that sends the bearer token, without deadlines or retries (load drivers that
    /// measure the gateway itself). The gateway's gRPC port is cleartext HTTP/2 (loopback by default), so the token
    /// goes in the clear over http://; use https:// (TLS in front of the gateway) anywhere else.
    /// </summary>
    public static GrpcChannel CreateChannel(AiTradingClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var provider = options.TokenProvider;
        var token = provider is null ? BearerToken.Resolve(options.Token) : null;
        var bearer = CallCredentials.FromInterceptor(async (context, metadata) =>
            metadata.Add("Authorization", $"Bearer {token ?? await provider!(context.CancellationToken).ConfigureAwait(false)}"));
        var secure = options.Address.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        return GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer),
            UnsafeUseInsecureChannelCallCredentials = !secure,
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                // Long streams (strategy events) notice a dead gateway instead of waiting forever.
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            },
            // Reconnect at the pace of the retries, so a retry after a refused connection finds a fresh attempt to connect.
            InitialReconnectBackoff = options.Retry.InitialBackoff,
            MaxReconnectBackoff = options.Retry.MaxBackoff,
        });
    }

    public void Dispose() => _channel.Dispose();
}
