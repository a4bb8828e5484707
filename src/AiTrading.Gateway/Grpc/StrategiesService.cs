using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Core.Strategies;
using AiTrading.Gateway.Apis;
using Google.Protobuf.WellKnownTypes;
using AiTrading.Gateway.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Orleans.Streams;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Gateway.Grpc;

internal sealed class StrategiesService(IClusterClient cluster) : Proto.Strategies.StrategiesBase
{
    /// <summary>Events buffered per subscriber; a client further behind than this is cut off (ResourceExhausted) rather than silently losing events.</summary>
    public const int BufferedEvents = 10_000;

    [Authorize(Policy = Policies.Trade)]
    public override async Task<Proto.StrategyReply> Submit(Proto.StrategySpec request, ServerCallContext context)
    {
        var submission = await StrategyApi.SubmitAsync(context.GetHttpContext(), cluster, StrategySpecMessage.ToSpec(request));
        return Reply(submission.Strategy, submission.Duplicate);
    }

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.StrategyReply> Get(Proto.StrategyRequest request, ServerCallContext context) =>
        Reply(await StrategyApi.RequireAsync(cluster, RequireId(request.Id)), duplicate: false);

    [Authorize(Policy = Policies.Read)]
    public override async Task<Proto.ListStrategiesReply> List(Proto.ListStrategiesRequest request, ServerCallContext context)
    {
        var reply = new Proto.ListStrategiesReply();
        reply.Strategies.AddRange((await StrategyApi.ListAsync(cluster)).Select(v => Reply(v, duplicate: false)));
        return reply;
    }

    [Authorize(Policy = Policies.Trade)]
    public override async Task<Proto.StrategyReply> Pause(Proto.PauseStrategyRequest request, ServerCallContext context) =>
        Reply(await cluster.GetGrain<IStrategyGrain>(await Own(context, request.Id)).PauseAsync(request.Reason), duplicate: false);

    [Authorize(Policy = Policies.Trade)]
    public override async Task<Proto.StrategyReply> Resume(Proto.StrategyRequest request, ServerCallContext context) =>
        Reply(await cluster.GetGrain<IStrategyGrain>(await Own(context, request.Id)).ResumeAsync(), duplicate: false);

    [Authorize(Policy = Policies.Trade)]
    public override async Task<Proto.StrategyReply> Stop(Proto.StrategyRequest request, ServerCallContext context) =>
        Reply(await cluster.GetGrain<IStrategyGrain>(await Own(context, request.Id)).StopAsync(), duplicate: false);

    [Authorize(Policy = Policies.Read)]
    public override async Task StreamEvents(Proto.StrategyRequest request, IServerStreamWriter<Proto.StrategyEvent> responseStream, ServerCallContext context)
    {
        var id = await StrategyApi.RequireOwnAsync(context.GetHttpContext(), cluster, RequireId(request.Id), AccountAct.Read);
        var channel = Channel.CreateBounded<StrategyEvent>(new BoundedChannelOptions(BufferedEvents) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var overflowed = false;
        var handle = await cluster.GetStreamProvider(StreamNames.Provider).GetStream<StrategyEvent>(StreamNames.StrategyEvents, id)
            .SubscribeAsync((e, _) =>
            {
                if (!channel.Writer.TryWrite(e))
                {
                    overflowed = true;
                    channel.Writer.TryComplete();
                }
                return Task.CompletedTask;
            });
        // Headers once the subscription stands: a client that has them misses no later event.
        await context.WriteResponseHeadersAsync(new Metadata());
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(context.CancellationToken))
                await responseStream.WriteAsync(Event(e), context.CancellationToken);
            if (overflowed)
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the client fell more than {BufferedEvents} events behind; subscribe again"));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }

    private Task<string> Own(ServerCallContext context, string id) => StrategyApi.RequireOwnAsync(context.GetHttpContext(), cluster, RequireId(id), AccountAct.Trade);

    private static string RequireId(string id) =>
        string.IsNullOrWhiteSpace(id) ? throw new ValidationException("id", "is required") : id.Trim();

    private static Proto.StrategyReply Reply(StrategyView view, bool duplicate)
    {
        var reply = new Proto.StrategyReply
        {
            Id = view.Spec.Id,
            Version = view.Spec.Version,
            State = view.State.ToString().ToUpperInvariant(),
            Reason = view.Reason ?? "",
            SpecHash = view.SpecHash,
            SpecJson = JsonSerializer.Serialize(view.Spec, JsonInput.Options),
            BarsSeen = view.BarsSeen,
            Signals = view.Signals,
            OrdersFilled = view.OrdersFilled,
            OrdersRejected = view.OrdersRejected,
            Duplicate = duplicate,
            SubmittedAt = Timestamp.FromDateTimeOffset(view.SubmittedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(view.UpdatedAt),
        };
        reply.Holdings.AddRange(view.Holdings.Select(h => new Proto.Holding
        {
            Symbol = h.Key, Quantity = Text(h.Value.Quantity), EntryPrice = Text(h.Value.EntryPrice), BarsHeld = h.Value.BarsHeld,
            StopLoss = Text(h.Value.StopLoss), TakeProfit = Text(h.Value.TakeProfit), TrailingStop = Text(h.Value.TrailingStop), RealizedPnl = Text(h.Value.RealizedPnl),
        }));
        return reply;
    }

    private static Proto.StrategyEvent Event(StrategyEvent e) => new()
    {
        StrategyId = e.StrategyId, Sequence = e.Sequence, Time = Timestamp.FromDateTimeOffset(e.Time), Kind = e.Kind, Symbol = e.Symbol ?? "",
        Message = e.Message, ClientOrderId = e.ClientOrderId ?? "", Quantity = Text(e.Quantity), Price = Text(e.Price),
    };

    private static string Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// <summary>The gRPC <c>StrategySpec</c> message as a Core spec; decimal strings that do not parse are reported with their field, all at once.</summary>
internal static class StrategySpecMessage
{
    public static StrategySpec ToSpec(Proto.StrategySpec m)
    {
        var errors = new List<FieldError>();
        decimal? Decimal(string field, bool has, string text) => has ? OrderInput.Decimal(errors, field, text, required: false) : null;
        ProtectiveExit? Exit(Proto.ProtectiveExit? exit) => exit is null ? null : new(exit.Kind, exit.Value, exit.HasFeature ? exit.Feature : null);

        var sizing = m.Sizing ?? new Proto.Sizing();
        var limits = m.Limits ?? new Proto.Limits();
        var rules = m.Rules ?? new Proto.Rules();
        var defaults = new StrategySpec();
        var spec = new StrategySpec
        {
            Id = m.Id,
            Version = m.Version == 0 ? 1 : m.Version,
            Account = m.Account,
            Instruments = m.Instruments.ToList(),
            Timeframe = string.IsNullOrEmpty(m.Timeframe) ? defaults.Timeframe : m.Timeframe,
            Features = m.Features.Select(f => new FeatureDefinition(f.Indicator, f.Parameters.Count == 0 ? null : new Dictionary<string, double>(f.Parameters),
                f.HasOutput ? f.Output : null, f.HasTimeframe ? f.Timeframe : null, f.HasName ? f.Name : null, f.HasInput ? f.Input : null)).ToList(),
            Models = m.Models.Select(r => new ModelReference(r.Model, r.HasWeight ? r.Weight : 1)).ToList(),
            MinConfidence = m.HasMinConfidence ? m.MinConfidence : defaults.MinConfidence,
            Rules = new StrategyRules
            {
                EntryLong = rules.HasEntryLong ? rules.EntryLong : null,
                ExitLong = rules.HasExitLong ? rules.ExitLong : null,
                EntryShort = rules.HasEntryShort ? rules.EntryShort : null,
                ExitShort = rules.HasExitShort ? rules.ExitShort : null,
            },
            Sizing = new PositionSizing
            {
                Method = string.IsNullOrEmpty(sizing.Method) ? defaults.Sizing.Method : sizing.Method,
                Quantity = Decimal("sizing.quantity", sizing.HasQuantity, sizing.Quantity),
                Notional = Decimal("sizing.notional", sizing.HasNotional, sizing.Notional),
                RiskFraction = sizing.HasRiskFraction ? sizing.RiskFraction : null,
                VolatilityFeature = sizing.HasVolatilityFeature ? sizing.VolatilityFeature : null,
                KellyCap = sizing.HasKellyCap ? sizing.KellyCap : null,
                PayoffRatio = sizing.HasPayoffRatio ? sizing.PayoffRatio : null,
                MaxQuantity = Decimal("sizing.maxQuantity", sizing.HasMaxQuantity, sizing.MaxQuantity),
                LotSize = Decimal("sizing.lotSize", sizing.HasLotSize, sizing.LotSize) ?? defaults.Sizing.LotSize,
            },
            StopLoss = Exit(m.StopLoss),
            TakeProfit = Exit(m.TakeProfit),
            TrailingStop = Exit(m.TrailingStop),
            Limits = new StrategyLimits
            {
                MaxPosition = Decimal("limits.maxPosition", limits.HasMaxPosition, limits.MaxPosition),
                MaxOrderNotional = Decimal("limits.maxOrderNotional", limits.HasMaxOrderNotional, limits.MaxOrderNotional),
                MaxDailyLoss = Decimal("limits.maxDailyLoss", limits.HasMaxDailyLoss, limits.MaxDailyLoss),
                MaxOrdersPerMinute = limits.HasMaxOrdersPerMinute ? limits.MaxOrdersPerMinute : null,
            },
            Venue = string.IsNullOrEmpty(m.Venue) ? defaults.Venue : m.Venue,
        };
        if (errors.Count > 0) throw new ValidationException(errors);
        return spec;
    }
}
