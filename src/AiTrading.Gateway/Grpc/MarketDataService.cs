using System.Threading.Channels;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.MarketData;
using Google.Protobuf.WellKnownTypes;
using AiTrading.Gateway.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Orleans.Streams;
using Proto = AiTrading.Contracts.Grpc;

namespace AiTrading.Gateway.Grpc;

internal sealed class MarketDataService(IClusterClient cluster) : Proto.MarketData.MarketDataBase
{
    public const int MaxSymbols = 64;
    /// <summary>Quotes buffered per subscriber; a client slower than the market gets the newest quotes (older ones are conflated away).</summary>
    public const int BufferedQuotes = 1024;

    [Authorize(Policy = Policies.Read)]
    public override async Task Subscribe(Proto.SubscribeRequest request, IServerStreamWriter<Proto.QuoteUpdate> responseStream, ServerCallContext context)
    {
        if (request.Symbols.Count == 0) throw new ValidationException("symbols", "must name at least one symbol");
        if (request.Symbols.Count > MaxSymbols) throw new ValidationException("symbols", $"must name at most {MaxSymbols} symbols");
        if (request.Symbols.Any(string.IsNullOrWhiteSpace)) throw new ValidationException("symbols", "must not contain blank symbols");
        var symbols = request.Symbols.Select(InstrumentCatalog.NormalizeSymbol).Distinct().ToList();
        foreach (var symbol in symbols) await cluster.GetGrain<IInstrumentGrain>(symbol).GetSpecAsync();

        var channel = Channel.CreateBounded<Quote>(new BoundedChannelOptions(BufferedQuotes)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });
        var provider = cluster.GetStreamProvider(StreamNames.Provider);
        var handles = new List<StreamSubscriptionHandle<Quote>>();
        try
        {
            foreach (var symbol in symbols)
                handles.Add(await provider.GetStream<Quote>(StreamNames.Quotes, symbol)
                    .SubscribeAsync((quote, _) => { channel.Writer.TryWrite(quote); return Task.CompletedTask; }));
            foreach (var symbol in symbols)
                if (await cluster.GetGrain<IInstrumentGrain>(symbol).GetQuoteAsync() is { } current)
                    channel.Writer.TryWrite(current);

            // The current quote and the first streamed one can be the same update; send each update once.
            var lastSent = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            await foreach (var quote in channel.Reader.ReadAllAsync(context.CancellationToken))
            {
                if (lastSent.TryGetValue(quote.Symbol, out var last) && quote.Time <= last) continue;
                lastSent[quote.Symbol] = quote.Time;
                await responseStream.WriteAsync(new Proto.QuoteUpdate
                {
                    Symbol = quote.Symbol, Time = Timestamp.FromDateTimeOffset(quote.Time), Bid = quote.Bid, Ask = quote.Ask,
                    BidSize = quote.BidSize, AskSize = quote.AskSize,
                }, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var handle in handles) await handle.UnsubscribeAsync();
        }
    }
}
