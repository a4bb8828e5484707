using AiTrading.Core;
using AiTrading.Core.Accounts;
using AiTrading.Core.Audit;
using AiTrading.Core.MarketData;
using AiTrading.Core.Portfolio;
using AiTrading.Core.Risk;
using AiTrading.Core.Trading;
using Orleans.Serialization.Cloning;

namespace AiTrading.Contracts;

// Core's records are immutable but cannot carry Orleans' [Immutable]. Without a copier, a call between grains of one
// silo copies each of them through its surrogate (convert, copy, convert back), and a containing [Immutable] record is
// copied too when one of its fields is not known to be shallow-copyable. These say what [Immutable] would: pass the
// instance. Only records whose fields are themselves immutable belong here (no lists or dictionaries).

[RegisterCopier] public sealed class QuoteCopier : ShallowCopier<Quote>;
[RegisterCopier] public sealed class TickCopier : ShallowCopier<Tick>;
[RegisterCopier] public sealed class TimeframeCopier : ShallowCopier<Timeframe>;
[RegisterCopier] public sealed class BarCopier : ShallowCopier<Bar>;
[RegisterCopier] public sealed class InstrumentSpecCopier : ShallowCopier<InstrumentSpec>;
[RegisterCopier] public sealed class OrderRequestCopier : ShallowCopier<OrderRequest>;
[RegisterCopier] public sealed class FillCopier : ShallowCopier<Fill>;
[RegisterCopier] public sealed class ExecutionReportCopier : ShallowCopier<ExecutionReport>;
[RegisterCopier] public sealed class WorkingOrderCopier : ShallowCopier<WorkingOrder>;
[RegisterCopier] public sealed class RiskDecisionCopier : ShallowCopier<RiskDecision>;
[RegisterCopier] public sealed class RiskLimitsCopier : ShallowCopier<RiskLimits>;
[RegisterCopier] public sealed class KillSwitchStateCopier : ShallowCopier<KillSwitchState>;
[RegisterCopier] public sealed class PositionCopier : ShallowCopier<Position>;
[RegisterCopier] public sealed class AuditRecordCopier : ShallowCopier<AuditRecord>;
[RegisterCopier] public sealed class FieldErrorCopier : ShallowCopier<FieldError>;
