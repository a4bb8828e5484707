using AiTrading.Contracts;
using AiTrading.Core.Trading;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AiTrading.Grains;

/// <summary>The paper venue: fills against the instrument's live quote after the configured latency.</summary>
[Reentrant]
public sealed class VenueGrain(IOptions<TradingOptions> options) : Grain, IVenueGrain
{
    private readonly PaperFillModel _model = new(options.Value.Paper);
    private readonly TimeSpan _latency = options.Value.Paper.Latency;

    public async Task<VenueExecution> ExecuteAsync(string orderId, OrderRequest request)
    {
        if (this.GetPrimaryKeyString() != TradingOptions.PaperVenue)
            return new([], $"venue '{this.GetPrimaryKeyString()}' is not available");
        if (_latency > TimeSpan.Zero) await Task.Delay(_latency);

        var instrument = GrainFactory.GetGrain<IInstrumentGrain>(request.Symbol);
        var spec = await instrument.GetSpecAsync();
        var quote = await instrument.GetQuoteAsync();
        if (quote is null) return new([], $"no quote for {request.Symbol} yet");

        var execution = _model.Execute(request, quote, spec.TickSize);
        if (!execution.Filled) return new([], execution.NoFillReason);
        var fill = new Fill($"{orderId}#1", orderId, request.Account, request.Symbol, request.Side, execution.Quantity,
            execution.Price, quote.Time, TradingOptions.PaperVenue);
        return new([fill], null);
    }
}
