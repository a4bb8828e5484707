using AiTrading.Core;
using AiTrading.Core.Features;
using AiTrading.Grains;
using Microsoft.Extensions.Configuration;

namespace AiTrading.Grains.Tests;

public sealed class FeatureOptionsTests
{
    private static FeatureOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new FeatureOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(FeatureOptions.Section).Bind(options);
        return options;
    }

    [Fact]
    public void No_definitions_mean_the_default_set()
    {
        var options = new FeatureOptions();
        options.Resolve().ShouldBe(DefaultFeatures.All);
        options.Validate().ShouldBeEmpty();
    }

    [Fact]
    public void Definitions_bind_from_configuration_keys()
    {
        var definitions = FeatureClusterFixture.Definitions();
        definitions.Count.ShouldBe(8);
        definitions[4].Indicator.ShouldBe("SMA");
        definitions[4].Parameters!["period"].ShouldBe(2);
        definitions[4].Timeframe.ShouldBe("M5");
        definitions[6].Output.ShouldBe("histogram");
        definitions[6].Name.ShouldBe("macdHist");
    }

    [Fact]
    public void Bad_definitions_are_named_by_their_configuration_path()
    {
        var errors = Bind(new()
        {
            ["Features:Definitions:0:Indicator"] = "RSI",
            ["Features:Definitions:0:Parameters:period"] = "0",
            ["Features:Definitions:1:Indicator"] = "BOGUS",
        }).Validate();
        errors.Select(e => e.Field).ShouldBe(["Features:Definitions[0].parameters.period", "Features:Definitions[1].indicator"]);
    }

    [Fact]
    public void The_features_the_strategies_model_reads_are_required()
    {
        Bind(new() { ["Features:Definitions:0:Indicator"] = "SMA", ["Features:Definitions:1:Indicator"] = "RSI" }).Validate()
            .ShouldBe([new FieldError("Features:Definitions", "the strategies' baseline model reads SMA_20, EMA_20, RSI_14, ATR_14; add EMA_20, ATR_14")]);
    }
}
