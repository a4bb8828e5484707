using AiTrading.Contracts;
using AiTrading.Core;
using AiTrading.Core.Scaling;
using Externalscaler;
using Grpc.Core;

namespace AiTrading.Gateway.Scaling;

/// <summary>
/// KEDA's external scaler (<c>externalscaler.proto</c>) over the cluster's backlog (<see cref="IBacklogGrain"/>): the
/// trigger metadata names the pool and the backlog one silo should carry; the metric is that pool's backlog, and
/// the pool is active while it is above zero. It answers counts only: no names, accounts or anything secret.
/// </summary>
internal sealed class KedaScalerService(IClusterClient cluster, ScalerOptions options, TimeProvider clock) : ExternalScaler.ExternalScalerBase
{
    public override async Task<IsActiveResponse> IsActive(ScaledObjectRef request, ServerCallContext context) =>
        new() { Result = await BacklogAsync(Target(request)) > 0 };

    /// <summary>The answer at once, then again whenever it changes (read every poll period) and at least every repeat period, until KEDA hangs up.</summary>
    public override async Task StreamIsActive(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> responseStream, ServerCallContext context)
    {
        var target = Target(request);
        var cancellation = context.CancellationToken;
        bool? sent = null;
        var sentAt = DateTimeOffset.MinValue;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                var active = await BacklogAsync(target) > 0;
                var now = clock.GetUtcNow();
                if (active != sent || now - sentAt >= options.RepeatPeriod)
                {
                    await responseStream.WriteAsync(new IsActiveResponse { Result = active }, cancellation);
                    (sent, sentAt) = (active, now);
                }
                await Task.Delay(options.PollPeriod, clock, cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // KEDA closed the stream.
        }
    }

    public override Task<GetMetricSpecResponse> GetMetricSpec(ScaledObjectRef request, ServerCallContext context) =>
        Task.FromResult(Spec(Target(request)));

    /// <summary>The spec depends on the metadata alone, so it is sent once and the stream is held until KEDA hangs up.</summary>
    public override async Task StreamMetricSpec(ScaledObjectRef request, IServerStreamWriter<GetMetricSpecResponse> responseStream, ServerCallContext context)
    {
        var spec = Spec(Target(request));
        await responseStream.WriteAsync(spec, context.CancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // KEDA closed the stream.
        }
    }

    public override async Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        var target = Target(request.ScaledObjectRef ?? throw new ValidationException("scaledObjectRef", "is required"));
        var backlog = await BacklogAsync(target);
        return new GetMetricsResponse { MetricValues = { new MetricValue { MetricName = target.MetricName, MetricValue_ = backlog, MetricValueFloat = backlog } } };
    }

    private static ScalerMetadata Target(ScaledObjectRef request) => ScalerMetadata.Parse(request.ScalerMetadata);

    private static GetMetricSpecResponse Spec(ScalerMetadata target) => new()
    {
        MetricSpecs = { new MetricSpec { MetricName = target.MetricName, TargetSize = target.BacklogPerSilo, TargetSizeFloat = target.BacklogPerSilo } },
    };

    private async Task<int> BacklogAsync(ScalerMetadata target) => (await Backlog.Grain(cluster).GetAsync()).Of(target.Pool);
}
