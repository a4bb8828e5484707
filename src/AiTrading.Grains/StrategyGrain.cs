using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Audit;
using AiTrading.Core.Models;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace AiTrading.Grains;

[GenerateSerializer, Alias("strategy-state")]
public sealed class StrategyGrainState
{
    [Id(0)] public StrategyConfig? Config { get; set; }
    [Id(1)] public StrategyState State { get; set; }
    [Id(2)] public Dictionary<string, decimal> Positions { get; set; } = new(StringComparer.Ordinal);
    [Id(3)] public long BarsSeen { get; set; }
    [Id(4)] public long Decisions { get; set; }
    [Id(5)] public long OrdersFilled { get; set; }
    [Id(6)] public long OrdersRejected { get; set; }
    [Id(7)] public StrategyDecision? LastDecision { get; set; }
    [Id(8)] public string? LastError { get; set; }
}

/// <summary>
/// Runs one strategy: on every closed bar of its timeframe it asks the baseline model for P(up), turns that
/// into a target position with its rule, audits the decision and sends the difference through the account's
/// risk gate. Client order ids derive from the bar, so a redelivered bar cannot place a second order.
/// </summary>
public sealed class StrategyGrain(
    [PersistentState("strategy")] IPersistentState<StrategyGrainState> state,
    TimeProvider clock,
    ILogger<StrategyGrain> logger) : Grain, IStrategyGrain
{
    public const int LatencySamples = 4096;

    private readonly BaselineDirectionModel _model = new();
    private readonly Queue<double> _latencies = new();

    private string StrategyId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State is { State: StrategyState.Running, Config: { } config }) await SubscribeAsync(config);
    }

    public async Task<StrategyStatus> StartAsync(StrategyConfig config)
    {
        var errors = config.Validate().ToList();
        if (config.StrategyId != StrategyId) errors.Add(new("strategyId", $"must be '{StrategyId}' (got '{config.StrategyId}')"));
        foreach (var symbol in config.Symbols ?? [])
        {
            try { await GrainFactory.GetGrain<IInstrumentGrain>(symbol).GetSpecAsync(); }
            catch (ResourceNotFoundException) { errors.Add(new("symbols", $"unknown instrument '{symbol}'")); }
        }
        if (errors.Count > 0) throw new ValidationException(errors);

        if (state.State is { State: StrategyState.Running, Config: { } running })
        {
            if (Same(running, config)) return Status();
            throw new ConflictException($"strategy '{StrategyId}' is running with a different configuration; stop it first");
        }
        state.State.Config = config;
        state.State.State = StrategyState.Running;
        state.State.LastError = null;
        await state.WriteStateAsync();
        await SubscribeAsync(config);
        return Status();
    }

    public async Task<StrategyStatus> StopAsync()
    {
        if (state.State.Config is { } config)
            foreach (var stream in BarStreams(config))
                foreach (var handle in await stream.GetAllSubscriptionHandles())
                    await handle.UnsubscribeAsync();
        if (state.State.State == StrategyState.Running)
        {
            state.State.State = StrategyState.Stopped;
            await state.WriteStateAsync();
        }
        return Status();
    }

    public Task<StrategyStatus> GetStatusAsync() => Task.FromResult(Status());

    private async Task SubscribeAsync(StrategyConfig config)
    {
        foreach (var stream in BarStreams(config))
        {
            var handles = await stream.GetAllSubscriptionHandles();
            if (handles.Count == 0) await stream.SubscribeAsync(OnBarAsync);
            else foreach (var handle in handles) await handle.ResumeAsync(OnBarAsync);
        }
    }

    private IEnumerable<IAsyncStream<BarClosed>> BarStreams(StrategyConfig config)
    {
        var provider = this.GetStreamProvider(StreamNames.Provider);
        return config.Symbols.Select(symbol => provider.GetStream<BarClosed>(StreamNames.Bars, symbol));
    }

    private async Task OnBarAsync(BarClosed e, StreamSequenceToken? token)
    {
        if (state.State is not { State: StrategyState.Running, Config: { } config } || e.Bar.Timeframe.Name != config.Timeframe) return;
        var symbol = e.Bar.Symbol;
        state.State.BarsSeen++;

        var prediction = _model.Predict(e.Features, e.Bar.Close);
        var current = state.State.Positions.GetValueOrDefault(symbol);
        var target = config.Rule.TargetPosition(prediction, current);
        var delta = target - current;
        var clientOrderId = delta == 0 ? null : $"{StrategyId}-{symbol}-{config.Timeframe}-{e.Bar.OpenTime.UtcTicks}";
        var decision = new StrategyDecision(StrategyId, symbol, e.Bar.OpenTime, BaselineDirectionModel.Name,
            prediction.ProbabilityUp, current, target, clientOrderId);
        state.State.Decisions++;
        state.State.LastDecision = decision;
        await AuditJson.AppendAsync(GrainFactory, config.Account, AuditKinds.Decision, decision);

        if (clientOrderId is not null)
        {
            var request = new OrderRequest(clientOrderId, config.Account, symbol, delta > 0 ? OrderSide.Buy : OrderSide.Sell,
                Math.Abs(delta), OrderType.Market, null, StrategyId);
            await SubmitAsync(request, e.SourcePublishedAt);
        }
        await state.WriteStateAsync();
    }

    private async Task SubmitAsync(OrderRequest request, DateTimeOffset sourcePublishedAt)
    {
        try
        {
            var result = await GrainFactory.GetGrain<IRiskGrain>(request.Account).SubmitOrderAsync(request);
            var order = result.Order;
            if (order.FilledQuantity > 0)
            {
                if (!result.Duplicate)
                {
                    state.State.Positions[request.Symbol] = state.State.Positions.GetValueOrDefault(request.Symbol) + request.Side.Sign() * order.FilledQuantity;
                    state.State.OrdersFilled++;
                    RecordLatency((clock.GetUtcNow() - sourcePublishedAt).TotalMicroseconds);
                }
            }
            else
            {
                state.State.OrdersRejected++;
                state.State.LastError = $"{order.Request.ClientOrderId}: {order.Status} ({order.Reason})";
            }
        }
        catch (Exception ex) when (ex is InvalidRequestException or ResourceNotFoundException or ConflictException)
        {
            state.State.OrdersRejected++;
            state.State.LastError = ex.Message;
            logger.LogWarning(ex, "Strategy {StrategyId} could not submit {ClientOrderId}", StrategyId, request.ClientOrderId);
        }
    }

    private void RecordLatency(double microseconds)
    {
        _latencies.Enqueue(microseconds);
        if (_latencies.Count > LatencySamples) _latencies.Dequeue();
    }

    private StrategyStatus Status() => new(state.State.Config, state.State.State, state.State.BarsSeen, state.State.Decisions,
        state.State.OrdersFilled, state.State.OrdersRejected, new Dictionary<string, decimal>(state.State.Positions),
        state.State.LastDecision, state.State.LastError, _latencies.ToList());

    private static bool Same(StrategyConfig a, StrategyConfig b) =>
        a with { Symbols = [] } == b with { Symbols = [] } && a.Symbols.SequenceEqual(b.Symbols);
}
