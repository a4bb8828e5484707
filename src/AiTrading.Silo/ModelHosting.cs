using AiTrading.Core;
using AiTrading.Grains.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Placement;

namespace AiTrading.Silo;

public static class ModelHosting
{
    /// <summary>
    /// The model grains' services: <see cref="ModelOptions"/> from the <c>Models</c> section, this silo's metadata
    /// (<c>gpu=true</c> when <c>Models:Gpu</c> is set, else <c>gpu=false</c>) and the GPU placement filter that keeps
    /// network trainers and inference workers on GPU silos.
    /// </summary>
    public static ISiloBuilder AddAiTradingModels(this ISiloBuilder silo, IConfiguration configuration)
    {
        var section = configuration.GetSection(ModelOptions.Section);
        var options = section.Get<ModelOptions>() ?? new ModelOptions();
        silo.Services.AddOptions<ModelOptions>().Bind(section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<ModelOptions>, Validator>();
        silo.UseSiloMetadata(new Dictionary<string, string> { [ModelOptions.GpuMetadataKey] = options.Gpu ? "true" : "false" });
        silo.Services.AddPlacementFilter<GpuPlacementFilterStrategy, GpuPlacementFilterDirector>(ServiceLifetime.Singleton);
        return silo;
    }

    private sealed class Validator : IValidateOptions<ModelOptions>
    {
        public ValidateOptionsResult Validate(string? name, ModelOptions options)
        {
            IReadOnlyList<FieldError> errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
        }
    }
}
