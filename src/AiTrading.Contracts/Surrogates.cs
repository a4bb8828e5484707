using System.Buffers.Binary;
using AiTrading.Core;
using AiTrading.Core.Audit;
using AiTrading.Core.Features;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;

namespace AiTrading.Contracts;

// Core stays free of Orleans, so the wire format of the Core types that cross grain boundaries is pinned here.
// Never renumber an [Id]; add new fields with new ids.

[GenerateSerializer, Alias("tick")]
public struct TickSurrogate
{
    [Id(0)] public string Symbol; [Id(1)] public long TimeTicks; [Id(2)] public double Bid; [Id(3)] public double Ask;
    [Id(4)] public double BidSize; [Id(5)] public double AskSize; [Id(6)] public double LastPrice; [Id(7)] public double LastSize;
}

[RegisterConverter]
public sealed class TickConverter : IConverter<Tick, TickSurrogate>
{
    public Tick ConvertFromSurrogate(in TickSurrogate s) =>
        new(s.Symbol, new DateTimeOffset(s.TimeTicks, TimeSpan.Zero), s.Bid, s.Ask, s.BidSize, s.AskSize, s.LastPrice, s.LastSize);
    public TickSurrogate ConvertToSurrogate(in Tick v) => new()
    {
        Symbol = v.Symbol, TimeTicks = v.Time.UtcTicks, Bid = v.Bid, Ask = v.Ask, BidSize = v.BidSize, AskSize = v.AskSize,
        LastPrice = v.LastPrice, LastSize = v.LastSize,
    };
}

[GenerateSerializer, Alias("quote")]
public struct QuoteSurrogate
{
    [Id(0)] public string Symbol; [Id(1)] public long TimeTicks; [Id(2)] public double Bid; [Id(3)] public double Ask;
    [Id(4)] public double BidSize; [Id(5)] public double AskSize;
}

[RegisterConverter]
public sealed class QuoteConverter : IConverter<Quote, QuoteSurrogate>
{
    public Quote ConvertFromSurrogate(in QuoteSurrogate s) =>
        new(s.Symbol, new DateTimeOffset(s.TimeTicks, TimeSpan.Zero), s.Bid, s.Ask, s.BidSize, s.AskSize);
    public QuoteSurrogate ConvertToSurrogate(in Quote v) => new()
    {
        Symbol = v.Symbol, TimeTicks = v.Time.UtcTicks, Bid = v.Bid, Ask = v.Ask, BidSize = v.BidSize, AskSize = v.AskSize,
    };
}

[GenerateSerializer, Alias("timeframe")]
public struct TimeframeSurrogate { [Id(0)] public long DurationTicks; }

[RegisterConverter]
public sealed class TimeframeConverter : IConverter<Timeframe, TimeframeSurrogate>
{
    public Timeframe ConvertFromSurrogate(in TimeframeSurrogate s) => new(TimeSpan.FromTicks(s.DurationTicks));
    public TimeframeSurrogate ConvertToSurrogate(in Timeframe v) => new() { DurationTicks = v.Duration.Ticks };
}

[GenerateSerializer, Alias("bar")]
public struct BarSurrogate
{
    [Id(0)] public string Symbol; [Id(1)] public Timeframe Timeframe; [Id(2)] public long OpenTimeTicks;
    [Id(3)] public double Open; [Id(4)] public double High; [Id(5)] public double Low; [Id(6)] public double Close;
    [Id(7)] public double Volume; [Id(8)] public int TickCount;
}

[RegisterConverter]
public sealed class BarConverter : IConverter<Bar, BarSurrogate>
{
    public Bar ConvertFromSurrogate(in BarSurrogate s) => new(s.Symbol, s.Timeframe,
        new DateTimeOffset(s.OpenTimeTicks, TimeSpan.Zero), s.Open, s.High, s.Low, s.Close, s.Volume, s.TickCount);
    public BarSurrogate ConvertToSurrogate(in Bar v) => new()
    {
        Symbol = v.Symbol, Timeframe = v.Timeframe, OpenTimeTicks = v.OpenTime.UtcTicks, Open = v.Open, High = v.High,
        Low = v.Low, Close = v.Close, Volume = v.Volume, TickCount = v.TickCount,
    };
}

[GenerateSerializer, Alias("feature-vector")]
public struct FeatureVectorSurrogate
{
    [Id(0)] public string Symbol; [Id(1)] public Timeframe Timeframe; [Id(2)] public long TimeTicks;
    [Id(3)] public Dictionary<string, double> Values;
}

[RegisterConverter]
public sealed class FeatureVectorConverter : IConverter<FeatureVector, FeatureVectorSurrogate>
{
    public FeatureVector ConvertFromSurrogate(in FeatureVectorSurrogate s) =>
        new(s.Symbol, s.Timeframe, new DateTimeOffset(s.TimeTicks, TimeSpan.Zero), s.Values);
    public FeatureVectorSurrogate ConvertToSurrogate(in FeatureVector v) => new()
    {
        Symbol = v.Symbol, Timeframe = v.Timeframe, TimeTicks = v.Time.UtcTicks, Values = new Dictionary<string, double>(v.Values),
    };
}

[GenerateSerializer, Alias("instrument-spec")]
public struct InstrumentSpecSurrogate
{
    [Id(0)] public string Symbol; [Id(1)] public string BaseCurrency; [Id(2)] public string QuoteCurrency;
    [Id(3)] public double TickSize; [Id(4)] public double InitialPrice; [Id(5)] public double AnnualVolatility;
    [Id(6)] public double TypicalSpread; [Id(7)] public double TicksPerSecond; [Id(8)] public double QuoteSize;
}

[RegisterConverter]
public sealed class InstrumentSpecConverter : IConverter<InstrumentSpec, InstrumentSpecSurrogate>
{
    public InstrumentSpec ConvertFromSurrogate(in InstrumentSpecSurrogate s) => new(s.Symbol, s.BaseCurrency, s.QuoteCurrency,
        s.TickSize, s.InitialPrice, s.AnnualVolatility, s.TypicalSpread, s.TicksPerSecond, s.QuoteSize);
    public InstrumentSpecSurrogate ConvertToSurrogate(in InstrumentSpec v) => new()
    {
        Symbol = v.Symbol, BaseCurrency = v.BaseCurrency, QuoteCurrency = v.QuoteCurrency, TickSize = v.TickSize,
        InitialPrice = v.InitialPrice, AnnualVolatility = v.AnnualVolatility, TypicalSpread = v.TypicalSpread,
        TicksPerSecond = v.TicksPerSecond, QuoteSize = v.QuoteSize,
    };
}

[GenerateSerializer, Alias("direction-prediction")]
public struct DirectionPredictionSurrogate { [Id(0)] public double ProbabilityUp; }

[RegisterConverter]
public sealed class DirectionPredictionConverter : IConverter<DirectionPrediction, DirectionPredictionSurrogate>
{
    public DirectionPrediction ConvertFromSurrogate(in DirectionPredictionSurrogate s) => new(s.ProbabilityUp);
    public DirectionPredictionSurrogate ConvertToSurrogate(in DirectionPrediction v) => new() { ProbabilityUp = v.ProbabilityUp };
}

[GenerateSerializer, Alias("order-request")]
public struct OrderRequestSurrogate
{
    [Id(0)] public string ClientOrderId; [Id(1)] public string Account; [Id(2)] public string Symbol; [Id(3)] public OrderSide Side;
    [Id(4)] public decimal Quantity; [Id(5)] public OrderType Type; [Id(6)] public decimal? LimitPrice; [Id(7)] public string? StrategyId;
    [Id(8)] public decimal? StopPrice; [Id(9)] public TimeInForce TimeInForce; [Id(10)] public decimal? StopLossPrice; [Id(11)] public decimal? TakeProfitPrice;
    [Id(12)] public bool HasBracket; [Id(13)] public string? Venue;
}

[RegisterConverter]
public sealed class OrderRequestConverter : IConverter<OrderRequest, OrderRequestSurrogate>
{
    // A request stored before time in force existed reads it as 0: those were good-till-cancelled.
    public OrderRequest ConvertFromSurrogate(in OrderRequestSurrogate s) =>
        new(s.ClientOrderId, s.Account, s.Symbol, s.Side, s.Quantity, s.Type, s.LimitPrice, s.StrategyId, s.StopPrice,
            s.TimeInForce == 0 ? TimeInForce.Gtc : s.TimeInForce, s.HasBracket ? new BracketRequest(s.StopLossPrice, s.TakeProfitPrice) : null, s.Venue);
    public OrderRequestSurrogate ConvertToSurrogate(in OrderRequest v) => new()
    {
        ClientOrderId = v.ClientOrderId, Account = v.Account, Symbol = v.Symbol, Side = v.Side, Quantity = v.Quantity,
        Type = v.Type, LimitPrice = v.LimitPrice, StrategyId = v.StrategyId, StopPrice = v.StopPrice, TimeInForce = v.TimeInForce,
        HasBracket = v.Bracket is not null, StopLossPrice = v.Bracket?.StopLossPrice, TakeProfitPrice = v.Bracket?.TakeProfitPrice,
        Venue = v.Venue,
    };
}

[GenerateSerializer, Alias("execution-report")]
public struct ExecutionReportSurrogate
{
    [Id(0)] public string OrderId; [Id(1)] public ExecutionKind Kind; [Id(2)] public DateTimeOffset Time; [Id(3)] public Fill? Fill;
    [Id(4)] public string? Reason; [Id(5)] public OrderRequest? Request; [Id(6)] public string? ParentOrderId;
}

[RegisterConverter]
public sealed class ExecutionReportConverter : IConverter<ExecutionReport, ExecutionReportSurrogate>
{
    public ExecutionReport ConvertFromSurrogate(in ExecutionReportSurrogate s) => new(s.OrderId, s.Kind, s.Time, s.Fill, s.Reason, s.Request, s.ParentOrderId);
    public ExecutionReportSurrogate ConvertToSurrogate(in ExecutionReport v) => new()
    {
        OrderId = v.OrderId, Kind = v.Kind, Time = v.Time, Fill = v.Fill, Reason = v.Reason, Request = v.Request, ParentOrderId = v.ParentOrderId,
    };
}

[GenerateSerializer, Alias("working-order")]
public struct WorkingOrderSurrogate
{
    [Id(0)] public string OrderId; [Id(1)] public OrderRequest Request; [Id(2)] public decimal Filled; [Id(3)] public bool Triggered;
    [Id(4)] public bool Attempted; [Id(5)] public DateTimeOffset ActiveFrom; [Id(6)] public DateOnly? Day; [Id(7)] public long Sequence;
    [Id(8)] public int Fills; [Id(9)] public string? ParentOrderId; [Id(10)] public string? SiblingOrderId; [Id(11)] public string Venue;
}

[RegisterConverter]
public sealed class WorkingOrderConverter : IConverter<WorkingOrder, WorkingOrderSurrogate>
{
    public WorkingOrder ConvertFromSurrogate(in WorkingOrderSurrogate s) =>
        new(s.OrderId, s.Request, s.Filled, s.Triggered, s.Attempted, s.ActiveFrom, s.Day, s.Sequence, s.Fills, s.ParentOrderId, s.SiblingOrderId, s.Venue);
    public WorkingOrderSurrogate ConvertToSurrogate(in WorkingOrder v) => new()
    {
        OrderId = v.OrderId, Request = v.Request, Filled = v.Filled, Triggered = v.Triggered, Attempted = v.Attempted, ActiveFrom = v.ActiveFrom,
        Day = v.Day, Sequence = v.Sequence, Fills = v.Fills, ParentOrderId = v.ParentOrderId, SiblingOrderId = v.SiblingOrderId, Venue = v.Venue,
    };
}

[GenerateSerializer, Alias("fill")]
public struct FillSurrogate
{
    [Id(0)] public string FillId; [Id(1)] public string OrderId; [Id(2)] public string Account; [Id(3)] public string Symbol;
    [Id(4)] public OrderSide Side; [Id(5)] public decimal Quantity; [Id(6)] public decimal Price; [Id(7)] public DateTimeOffset Time;
    [Id(8)] public string Venue;
}

[RegisterConverter]
public sealed class FillConverter : IConverter<Fill, FillSurrogate>
{
    public Fill ConvertFromSurrogate(in FillSurrogate s) => new(s.FillId, s.OrderId, s.Account, s.Symbol, s.Side, s.Quantity, s.Price, s.Time, s.Venue);
    public FillSurrogate ConvertToSurrogate(in Fill v) => new()
    {
        FillId = v.FillId, OrderId = v.OrderId, Account = v.Account, Symbol = v.Symbol, Side = v.Side, Quantity = v.Quantity,
        Price = v.Price, Time = v.Time, Venue = v.Venue,
    };
}

[GenerateSerializer, Alias("risk-limits")]
public struct RiskLimitsSurrogate
{
    [Id(0)] public decimal MaxPositionQuantity; [Id(1)] public decimal MaxOrderNotional; [Id(2)] public decimal MaxDailyLoss; [Id(3)] public bool KillSwitch;
    [Id(4)] public decimal MarginRate; [Id(5)] public decimal PriceBandPercent; [Id(6)] public int MaxOrdersPerSecond; [Id(7)] public decimal MaxDrawdown;
    [Id(8)] public decimal MaxCurrencyExposure;
}

[RegisterConverter]
public sealed class RiskLimitsConverter : IConverter<RiskLimits, RiskLimitsSurrogate>
{
    private static readonly RiskLimits Defaults = new();

    // Limits stored before a field existed read it as 0, which no limit allows: they get the default instead.
    public RiskLimits ConvertFromSurrogate(in RiskLimitsSurrogate s) => new()
    {
        MaxPositionQuantity = s.MaxPositionQuantity, MaxOrderNotional = s.MaxOrderNotional, MaxDailyLoss = s.MaxDailyLoss, KillSwitch = s.KillSwitch,
        MarginRate = s.MarginRate == 0 ? Defaults.MarginRate : s.MarginRate,
        PriceBandPercent = s.PriceBandPercent == 0 ? Defaults.PriceBandPercent : s.PriceBandPercent,
        MaxOrdersPerSecond = s.MaxOrdersPerSecond == 0 ? Defaults.MaxOrdersPerSecond : s.MaxOrdersPerSecond,
        MaxDrawdown = s.MaxDrawdown == 0 ? Defaults.MaxDrawdown : s.MaxDrawdown,
        MaxCurrencyExposure = s.MaxCurrencyExposure == 0 ? Defaults.MaxCurrencyExposure : s.MaxCurrencyExposure,
    };
    public RiskLimitsSurrogate ConvertToSurrogate(in RiskLimits v) => new()
    {
        MaxPositionQuantity = v.MaxPositionQuantity, MaxOrderNotional = v.MaxOrderNotional, MaxDailyLoss = v.MaxDailyLoss, KillSwitch = v.KillSwitch,
        MarginRate = v.MarginRate, PriceBandPercent = v.PriceBandPercent, MaxOrdersPerSecond = v.MaxOrdersPerSecond, MaxDrawdown = v.MaxDrawdown,
        MaxCurrencyExposure = v.MaxCurrencyExposure,
    };
}

[GenerateSerializer, Alias("risk-decision")]
public struct RiskDecisionSurrogate
{
    [Id(0)] public bool Approved; [Id(1)] public string? Limit; [Id(2)] public string Message; [Id(3)] public decimal? Value; [Id(4)] public decimal? Threshold;
}

[RegisterConverter]
public sealed class RiskDecisionConverter : IConverter<RiskDecision, RiskDecisionSurrogate>
{
    public RiskDecision ConvertFromSurrogate(in RiskDecisionSurrogate s) => new(s.Approved, s.Limit, s.Message, s.Value, s.Threshold);
    public RiskDecisionSurrogate ConvertToSurrogate(in RiskDecision v) => new()
    {
        Approved = v.Approved, Limit = v.Limit, Message = v.Message, Value = v.Value, Threshold = v.Threshold,
    };
}

[GenerateSerializer, Alias("account-exposure")]
public struct AccountExposureSurrogate
{
    [Id(0)] public decimal Position; [Id(1)] public decimal DailyPnl; [Id(2)] public decimal Equity; [Id(3)] public decimal PeakEquity;
    [Id(4)] public decimal GrossNotional; [Id(5)] public Dictionary<string, decimal> CurrencyExposure; [Id(6)] public string AccountCurrency;
}

[RegisterConverter]
public sealed class AccountExposureConverter : IConverter<AccountExposure, AccountExposureSurrogate>
{
    public AccountExposure ConvertFromSurrogate(in AccountExposureSurrogate s) =>
        new(s.Position, s.DailyPnl, s.Equity, s.PeakEquity, s.GrossNotional, s.CurrencyExposure ?? [], s.AccountCurrency ?? "");
    public AccountExposureSurrogate ConvertToSurrogate(in AccountExposure v) => new()
    {
        Position = v.Position, DailyPnl = v.DailyPnl, Equity = v.Equity, PeakEquity = v.PeakEquity, GrossNotional = v.GrossNotional,
        CurrencyExposure = new Dictionary<string, decimal>(v.CurrencyExposure), AccountCurrency = v.AccountCurrency,
    };
}

[GenerateSerializer, Alias("audit-record")]
public struct AuditRecordSurrogate
{
    [Id(0)] public string Stream; [Id(1)] public long Sequence; [Id(2)] public DateTimeOffset Time; [Id(3)] public string Kind;
    [Id(4)] public string Payload; [Id(5)] public string PreviousHash; [Id(6)] public string Hash;
}

[RegisterConverter]
public sealed class AuditRecordConverter : IConverter<AuditRecord, AuditRecordSurrogate>
{
    public AuditRecord ConvertFromSurrogate(in AuditRecordSurrogate s) => new(s.Stream, s.Sequence, s.Time, s.Kind, s.Payload, s.PreviousHash, s.Hash);
    public AuditRecordSurrogate ConvertToSurrogate(in AuditRecord v) => new()
    {
        Stream = v.Stream, Sequence = v.Sequence, Time = v.Time, Kind = v.Kind, Payload = v.Payload, PreviousHash = v.PreviousHash, Hash = v.Hash,
    };
}

[GenerateSerializer, Alias("audit-verification")]
public struct AuditVerificationSurrogate
{
    [Id(0)] public string Stream; [Id(1)] public bool Valid; [Id(2)] public long RecordsChecked; [Id(3)] public long? FirstInvalidSequence;
    [Id(4)] public string? Reason; [Id(5)] public string HeadHash;
}

[RegisterConverter]
public sealed class AuditVerificationConverter : IConverter<AuditVerification, AuditVerificationSurrogate>
{
    public AuditVerification ConvertFromSurrogate(in AuditVerificationSurrogate s) => new(s.Stream, s.Valid, s.RecordsChecked, s.FirstInvalidSequence, s.Reason, s.HeadHash);
    public AuditVerificationSurrogate ConvertToSurrogate(in AuditVerification v) => new()
    {
        Stream = v.Stream, Valid = v.Valid, RecordsChecked = v.RecordsChecked, FirstInvalidSequence = v.FirstInvalidSequence, Reason = v.Reason, HeadHash = v.HeadHash,
    };
}

[GenerateSerializer, Alias("position")]
public struct PositionSurrogate
{
    [Id(0)] public string Symbol; [Id(1)] public string QuoteCurrency; [Id(2)] public decimal Quantity; [Id(3)] public decimal AveragePrice; [Id(4)] public decimal RealizedPnl;
}

[RegisterConverter]
public sealed class PositionConverter : IConverter<Position, PositionSurrogate>
{
    public Position ConvertFromSurrogate(in PositionSurrogate s) => new(s.Symbol, s.QuoteCurrency, s.Quantity, s.AveragePrice, s.RealizedPnl);
    public PositionSurrogate ConvertToSurrogate(in Position v) => new()
    {
        Symbol = v.Symbol, QuoteCurrency = v.QuoteCurrency, Quantity = v.Quantity, AveragePrice = v.AveragePrice, RealizedPnl = v.RealizedPnl,
    };
}

[GenerateSerializer, Alias("position-valuation")]
public struct PositionValuationSurrogate
{
    [Id(0)] public Position Position; [Id(1)] public decimal? Bid; [Id(2)] public decimal? Ask; [Id(3)] public decimal UnrealizedPnl; [Id(4)] public decimal UnrealizedPnlAccount;
}

[RegisterConverter]
public sealed class PositionValuationConverter : IConverter<PositionValuation, PositionValuationSurrogate>
{
    public PositionValuation ConvertFromSurrogate(in PositionValuationSurrogate s) => new(s.Position, s.Bid, s.Ask, s.UnrealizedPnl, s.UnrealizedPnlAccount);
    public PositionValuationSurrogate ConvertToSurrogate(in PositionValuation v) => new()
    {
        Position = v.Position, Bid = v.Bid, Ask = v.Ask, UnrealizedPnl = v.UnrealizedPnl, UnrealizedPnlAccount = v.UnrealizedPnlAccount,
    };
}

[GenerateSerializer, Alias("portfolio-valuation")]
public struct PortfolioValuationSurrogate
{
    [Id(0)] public string Account; [Id(1)] public string Currency; [Id(2)] public decimal Cash; [Id(3)] public decimal RealizedPnl;
    [Id(4)] public decimal UnrealizedPnl; [Id(5)] public decimal Equity; [Id(6)] public decimal DailyPnl; [Id(7)] public List<PositionValuation> Positions;
    [Id(8)] public decimal GrossNotional; [Id(9)] public decimal PeakEquity; [Id(10)] public Dictionary<string, decimal> CurrencyExposure;
}

[RegisterConverter]
public sealed class PortfolioValuationConverter : IConverter<PortfolioValuation, PortfolioValuationSurrogate>
{
    public PortfolioValuation ConvertFromSurrogate(in PortfolioValuationSurrogate s) =>
        new(s.Account, s.Currency, s.Cash, s.RealizedPnl, s.UnrealizedPnl, s.Equity, s.DailyPnl, s.Positions, s.GrossNotional, s.PeakEquity, s.CurrencyExposure ?? []);
    public PortfolioValuationSurrogate ConvertToSurrogate(in PortfolioValuation v) => new()
    {
        Account = v.Account, Currency = v.Currency, Cash = v.Cash, RealizedPnl = v.RealizedPnl, UnrealizedPnl = v.UnrealizedPnl,
        Equity = v.Equity, DailyPnl = v.DailyPnl, Positions = v.Positions.ToList(), GrossNotional = v.GrossNotional, PeakEquity = v.PeakEquity,
        CurrencyExposure = new Dictionary<string, decimal>(v.CurrencyExposure),
    };
}

[GenerateSerializer, Alias("portfolio-snapshot")]
public struct PortfolioSnapshotSurrogate
{
    [Id(0)] public string Account; [Id(1)] public string Currency; [Id(2)] public decimal Cash; [Id(3)] public decimal RealizedPnl;
    [Id(4)] public DateOnly TradingDay; [Id(5)] public decimal RealizedToday; [Id(6)] public List<Position> Positions; [Id(7)] public List<string> AppliedFillIds;
    [Id(8)] public decimal PeakEquity;
    /// <summary>Fill id fingerprints as numbers, as written before <see cref="AppliedFillBytes"/> (Id 7 held the ids themselves before that); still read.</summary>
    [Id(9)] public ulong[]? AppliedFills;
    /// <summary>Fill id fingerprints, 8 bytes each, little-endian: one block to copy instead of 10,000 numbers to encode with every booking.</summary>
    [Id(10)] public byte[]? AppliedFillBytes;
}

[RegisterConverter]
public sealed class PortfolioSnapshotConverter : IConverter<PortfolioSnapshot, PortfolioSnapshotSurrogate>
{
    public PortfolioSnapshot ConvertFromSurrogate(in PortfolioSnapshotSurrogate s) =>
        new(s.Account, s.Currency, s.Cash, s.RealizedPnl, s.TradingDay, s.RealizedToday, s.Positions, s.AppliedFillIds ?? [], s.PeakEquity,
            s.AppliedFillBytes is { } bytes ? FromBytes(bytes) : s.AppliedFills);
    public PortfolioSnapshotSurrogate ConvertToSurrogate(in PortfolioSnapshot v) => new()
    {
        Account = v.Account, Currency = v.Currency, Cash = v.Cash, RealizedPnl = v.RealizedPnl, TradingDay = v.TradingDay,
        RealizedToday = v.RealizedToday, Positions = v.Positions.ToList(), AppliedFillIds = v.AppliedFillIds.ToList(), PeakEquity = v.PeakEquity,
        AppliedFillBytes = v.AppliedFills is { } fills ? ToBytes(fills) : null,
    };

    private static byte[] ToBytes(ulong[] fingerprints)
    {
        var bytes = new byte[fingerprints.Length * sizeof(ulong)];
        for (var i = 0; i < fingerprints.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), fingerprints[i]);
        return bytes;
    }

    private static ulong[] FromBytes(byte[] bytes)
    {
        if (bytes.Length % sizeof(ulong) != 0) throw new InvalidDataException($"fill fingerprints: {bytes.Length} bytes is not a whole number of 8-byte values");
        var fingerprints = new ulong[bytes.Length / sizeof(ulong)];
        for (var i = 0; i < fingerprints.Length; i++) fingerprints[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)));
        return fingerprints;
    }
}

[GenerateSerializer, Alias("field-error")]
public struct FieldErrorSurrogate { [Id(0)] public string Field; [Id(1)] public string Message; }

[RegisterConverter]
public sealed class FieldErrorConverter : IConverter<FieldError, FieldErrorSurrogate>
{
    public FieldError ConvertFromSurrogate(in FieldErrorSurrogate s) => new(s.Field, s.Message);
    public FieldErrorSurrogate ConvertToSurrogate(in FieldError v) => new() { Field = v.Field, Message = v.Message };
}

/// <summary>Specs cross grains as their JSON: one shape for the wire, the HTTP API and the files users write.</summary>
[GenerateSerializer, Alias("strategy-spec")]
public struct StrategySpecSurrogate
{
    [Id(0)] public string Json;
}

[RegisterConverter]
public sealed class StrategySpecConverter : IConverter<Core.Strategies.StrategySpec, StrategySpecSurrogate>
{
    public Core.Strategies.StrategySpec ConvertFromSurrogate(in StrategySpecSurrogate s) => Core.JsonInput.Parse<Core.Strategies.StrategySpec>(s.Json, "strategy spec");
    public StrategySpecSurrogate ConvertToSurrogate(in Core.Strategies.StrategySpec v) => new() { Json = System.Text.Json.JsonSerializer.Serialize(v, Core.JsonInput.Options) };
}
