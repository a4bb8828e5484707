using System.Text.Json;
using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Backtesting;
using AiTrading.Core.MarketData;
using AiTrading.Core.Models;
using AiTrading.Core.Scaling;
using AiTrading.Core.Strategies;
using AiTrading.Grains.Models;
using AiTrading.ML;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTrading.Grains;

/// <summary>Where backtests get their data and reports: files under a directory the host chooses, and the HTML report.</summary>
public interface IBacktestData
{
    /// <param name="maxRows">the most bars or ticks to read; a file with more is refused</param>
    /// <exception cref="ValidationException">The path is outside the data directory.</exception>
    /// <exception cref="FormatException">
    /// The file is missing or malformed: the message names the file as the request did, the line and column, and
    /// repeats neither the file's content nor where the data directory is.
    /// </exception>
    BacktestSeries Load(string symbol, string path, int maxRows);

    string Report(BacktestResult result, IReadOnlyList<BacktestSeries> data);
}

[GenerateSerializer, Alias("backtest-grain-state")]
public sealed class BacktestGrainState
{
    [Id(0)] public BacktestRequest? Request { get; set; }
    [Id(1)] public BacktestRunState State { get; set; }
    [Id(2)] public string? Error { get; set; }
    [Id(3)] public string? ResultJson { get; set; }
    [Id(4)] public string? Report { get; set; }
    [Id(5)] public decimal? FinalEquity { get; set; }
    [Id(6)] public int Trades { get; set; }
    [Id(7)] public long Bars { get; set; }
    [Id(8)] public DateTimeOffset StartedAt { get; set; }
    [Id(9)] public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>
/// Runs one backtest (see <see cref="IBacktestGrain"/>): the request is checked on the call while the caller holds one
/// of its run slots (<see cref="BacktestRunOptions.MaxConcurrentRuns"/>), its files are read and the replay runs on the
/// thread pool with its progress readable meanwhile, and the outcome is persisted when it ends. A reminder discards the
/// result and report once <see cref="BacktestRunOptions.ResultRetention"/> has passed; reads see them expired from then.
/// </summary>
public sealed class BacktestGrain(
    [PersistentState("backtest")] IPersistentState<BacktestGrainState> state,
    IBacktestData data,
    IOptions<BacktestRunOptions> options,
    TimeProvider clock,
    ILogger<BacktestGrain> logger) : Grain, IBacktestGrain, IProgress<BacktestProgress>, IRemindable
{
    private const string ExpiryReminder = "expire";
    /// <summary>How long a run's slot is held at most: a silo that dies mid-run cannot hold it for ever.</summary>
    private static readonly TimeSpan SlotLease = TimeSpan.FromHours(6);

    private long _bars, _total;
    private BacklogHold? _backlog;

    private string Id => this.GetPrimaryKeyString();
    private BacktestRunOptions Limits => options.Value;

    /// <summary>Ended longer ago than the retention: the result and report are gone (or about to be discarded).</summary>
    private bool Expired => state.State.State == BacktestRunState.Expired ||
                            state.State is { FinishedAt: { } finished, State: not BacktestRunState.Running } && clock.GetUtcNow() >= finished + Limits.ResultRetention;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Expired) await ExpireAsync();
        if (state.State is { Request: { } request, State: BacktestRunState.Running })
        {
            // Interrupted (the silo stopped): the replay is deterministic, so run it again.
            try
            {
                // Resumed without taking a slot: it was counted when it started, and a restart must not refuse it.
                await Hold().EnterAsync();
                Start(await PrepareAsync(request));
            }
            catch (Exception e) when (e is ValidationException or InvalidRequestException or ResourceNotFoundException or ConflictException)
            {
                // What the request named is gone (a model's active version, a file): the run cannot be repeated.
                (state.State.State, state.State.Error, state.State.FinishedAt) = (BacktestRunState.Failed, $"cannot run again: {e.Message}", clock.GetUtcNow());
                await state.WriteStateAsync();
                await Hold().LeaveAsync();
            }
        }
    }

    public async Task<BacktestView> StartAsync(BacktestRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<FieldError>();
        Identifiers.Require(errors, "id", Id);
        if (errors.Count > 0) throw new ValidationException(errors);
        if (Expired) await ExpireAsync(); // an expired run's id may be used again
        if (state.State.Request is { } existing)
        {
            if (existing.SameAs(request)) return View();
            throw new ConflictException($"backtest '{Id}' exists with a different request; use another id");
        }
        // The slot is taken before the files are read, so a caller's reading is bounded too; a refused request gives it back.
        var slots = Slots(request);
        if (!await slots.TryAcquireAsync(Id, Limits.MaxConcurrentRuns, SlotLease))
            throw new QuotaExceededException($"'{request.RequestedBy}' already has {Limits.MaxConcurrentRuns} backtest(s) running, the most at once " +
                                             $"({BacktestRunOptions.Section}:MaxConcurrentRuns); start this one when one of them has ended");
        Run run;
        try
        {
            await Hold().EnterAsync(); // pending from here: reading its files is work too
            run = await PrepareAsync(request);
        }
        catch
        {
            await Hold().LeaveAsync();
            await slots.ReleaseAsync(Id);
            throw;
        }
        state.State = new BacktestGrainState { Request = request, State = BacktestRunState.Running, StartedAt = clock.GetUtcNow() };
        await state.WriteStateAsync();
        Start(run);
        return View();
    }

    public Task<BacktestView?> GetAsync() => Task.FromResult(state.State.Request is null && state.State.State != BacktestRunState.Expired ? null : View());

    public Task<string?> GetReportAsync() => Task.FromResult(Expired ? null : state.State.Report);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder) return;
        if (Expired || state.State.Request is null) await ExpireAsync();
    }

    /// <summary>Keeps only what says the run existed and when it ended; the request, result and report are discarded.</summary>
    private async Task ExpireAsync()
    {
        if (state.State.State != BacktestRunState.Expired)
        {
            var s = state.State;
            state.State = new BacktestGrainState
            {
                State = BacktestRunState.Expired, StartedAt = s.StartedAt, FinishedAt = s.FinishedAt, Bars = s.Bars, Trades = s.Trades, FinalEquity = s.FinalEquity,
            };
            await state.WriteStateAsync();
        }
        if (await this.GetReminder(ExpiryReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private IJobSlotsGrain Slots(BacktestRequest request) => GrainFactory.GetGrain<IJobSlotsGrain>(JobSlots.Key(JobSlots.Backtests, request.RequestedBy));

    public void Report(BacktestProgress value)
    {
        Interlocked.Exchange(ref _bars, value.Bars);
        Interlocked.Exchange(ref _total, value.Total);
    }

    /// <summary>A checked request, ready to replay; its registry models (loaded) are freed when the run ends.</summary>
    private sealed record Run(StrategySpec Spec, IReadOnlyList<BacktestSeries> Series, BacktestOptions Options, IReadOnlyList<TrainedModel> Models,
        BacktestModels? Predictors);

    private async Task<Run> PrepareAsync(BacktestRequest request)
    {
        var errors = new List<FieldError>();
        StrategySpec? spec = null;
        try
        {
            spec = JsonInput.Parse<StrategySpec>(request.SpecJson ?? "", "spec");
        }
        catch (FormatException e)
        {
            errors.Add(new("spec", e.Message));
        }
        var options = new BacktestOptions
        {
            InitialCash = request.InitialCash,
            Fill = BacktestText.Fill(request.Fill ?? "", "fill", errors),
            SpreadBps = request.SpreadBps,
            Paper = new() { SlippageBps = request.SlippageBps, RandomSlippageBps = 0 },
            Commission = request.Commission is { } c ? BacktestText.Commission(c, "commission", errors) : CommissionModel.None,
            Financing = request.Financing is { } f ? BacktestText.Financing(f, "financing", errors) : FinancingModel.None,
            WarmupBars = request.WarmupBars,
            From = request.From,
            To = request.To,
        };
        errors.AddRange(options.Validate());
        var series = new List<BacktestSeries>();
        if (request.Data is not { Count: > 0 }) errors.Add(new("data", "name at least one file (symbol and path)"));
        else if (request.Data.Count > Limits.MaxFiles)
            errors.Add(new("data", $"must name at most {Limits.MaxFiles} files ({BacktestRunOptions.Section}:MaxFiles; got {request.Data.Count})"));
        else
        {
            // Reading files blocks: off the grain's scheduler.
            var (loaded, problems) = await Task.Run(() => Load(request.Data));
            series.AddRange(loaded);
            errors.AddRange(problems);
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        Backtester.Validate(spec!, series, options, RegistryNames(spec!));
        return await WithModelsAsync(spec!.Normalized(), series, options);
    }

    /// <summary>The registry models the spec names; null when it names none.</summary>
    private static IReadOnlySet<string>? RegistryNames(StrategySpec spec) =>
        spec.Models?.Select(m => m?.Model ?? "").Where(m => m != BaselineDirectionModel.Name).ToHashSet(StringComparer.Ordinal) is { Count: > 0 } names ? names : null;

    /// <summary>
    /// Loads the active versions of the registry models the spec names and replays the strategy's validator on them.
    /// Refuses a backtest that would trade on bars a model was trained on: its scores there are in-sample.
    /// </summary>
    private async Task<Run> WithModelsAsync(StrategySpec spec, IReadOnlyList<BacktestSeries> series, BacktestOptions options)
    {
        if (RegistryNames(spec) is not { } names) return new Run(spec, series, options, [], null);
        var timeframe = Timeframe.Parse(spec.Timeframe);
        var versions = await StrategyPredictions.RegistryModelsAsync(GrainFactory, spec, timeframe);
        var firstBar = series.Min(s => s.IsTicks ? s.Ticks![0].Time : s.Bars[0].OpenTime);
        var firstTrade = options.From is { } from && from > firstBar ? from : firstBar;
        var errors = versions.Select((v, i) => (v, i)).Where(x => firstTrade <= x.v.TrainTo)
            .Select(x => new FieldError($"models[{x.i}].model", $"model '{x.v.Model}' v{x.v.Version} was trained on bars up to {x.v.TrainTo:O}; " +
                                                                 $"the backtest would trade from {firstTrade:O}, where its scores are in-sample: set from after {x.v.TrainTo:O}"))
            .ToList();
        if (errors.Count > 0) throw new ValidationException(errors);

        var grains = spec.Models.Select(m => GrainFactory.GetGrain<IModelGrain>(m.Model)).ToList();
        var evidence = await Task.WhenAll(grains.Select(g => g.GetActiveEvidenceAsync()));
        var ensemble = PatternValidatorGrain.Fit(StrategyPredictions.ValidatorFor(spec), evidence);
        var artifacts = await Task.WhenAll(grains.Select(g => g.GetActiveArtifactAsync()));
        var models = artifacts.Select(a => TrainedModel.FromArtifact(a.Bytes)).ToList();
        return new Run(spec, series, options, models, new BacktestModels(names, _ => new ValidatorReplay(models, ensemble, timeframe)));
    }

    /// <summary>The files' series, at most <see cref="BacktestRunOptions.MaxBars"/> bars and ticks over all of them, and each file's problem.</summary>
    private (List<BacktestSeries> Series, List<FieldError> Errors) Load(IReadOnlyList<BacktestDataFile> files)
    {
        var (series, errors, budget) = (new List<BacktestSeries>(), new List<FieldError>(), Limits.MaxBars);
        for (var i = 0; i < files.Count; i++)
        {
            try
            {
                var loaded = data.Load(InstrumentSymbol(files[i]?.Symbol), files[i]?.Path ?? "", budget);
                budget -= loaded.IsTicks ? loaded.Ticks!.Count : loaded.Bars.Count;
                series.Add(loaded);
            }
            catch (Exception e) when (e is FormatException or ValidationException)
            {
                errors.Add(new($"data[{i}]", e.Message));
            }
        }
        return (series, errors);
    }

    private static string InstrumentSymbol(string? symbol) => Core.MarketData.InstrumentCatalog.NormalizeSymbol(symbol ?? "");

    private BacklogHold Hold() => _backlog ??= new BacklogHold(GrainFactory, Contracts.Backlog.BacktestJob(Id), WorkloadKind.Backtest);

    private void Start(Run run)
    {
        DelayDeactivation(TimeSpan.FromHours(1));
        Hold().RenewWhileRunning(this);
        _ = RunAsync(run);
    }

    private async Task RunAsync(Run run)
    {
        var series = run.Series;
        BacktestResult? result = null;
        string? report = null, error = null;
        try
        {
            result = await Task.Run(() => Backtester.Run(run.Spec, series, run.Options, this, models: run.Predictors));
            report = await Task.Run(() => data.Report(result, series));
        }
        catch (Exception e) when (e is ValidationException or FormatException)
        {
            error = e.Message;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Backtest {Id} failed", this.GetPrimaryKeyString());
            error = $"the run failed: {e.Message}";
        }
        finally
        {
            foreach (var model in run.Models) model.Dispose();
        }
        // The slot is free before anyone can see the run ended, so a caller who saw it end can start the next at once.
        await Slots(state.State.Request!).ReleaseAsync(Id);
        if (error is null && result is not null)
        {
            state.State.ResultJson = JsonSerializer.Serialize(result, BacktestText.Json);
            state.State.Report = report;
            state.State.FinalEquity = result.FinalEquity;
            state.State.Trades = result.Trades.Count;
            state.State.Bars = result.Bars;
            state.State.State = BacktestRunState.Completed;
        }
        else
        {
            state.State.State = BacktestRunState.Failed;
            state.State.Error = error;
        }
        state.State.FinishedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        await Hold().StopRenewingAsync();
        await Hold().LeaveAsync();
        var retention = Limits.ResultRetention;
        await this.RegisterOrUpdateReminder(ExpiryReminder, retention, retention < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : retention);
    }

    private BacktestView View()
    {
        var s = state.State;
        if (Expired)
            return new BacktestView(Id, BacktestRunState.Expired, s.Bars, s.Bars, $"the run ended at {s.FinishedAt:O}; its result and report were discarded " +
                $"{Limits.ResultRetention} later ({BacktestRunOptions.Section}:ResultRetention)", s.FinalEquity, s.Trades, null, s.StartedAt, s.FinishedAt);
        var running = s.State == BacktestRunState.Running;
        return new BacktestView(Id, s.State, running ? Interlocked.Read(ref _bars) : s.Bars, running ? Interlocked.Read(ref _total) : s.Bars,
            s.Error, s.FinalEquity, s.Trades, s.ResultJson, s.StartedAt, s.FinishedAt);
    }
}
