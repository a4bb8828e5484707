using AiTrading.Cli;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiTrading.Integration.Tests;

/// <summary>A silo whose configuration cannot work refuses to start, naming every bad setting.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task Bad_feature_definitions_stop_the_silo_at_start()
    {
        using var silo = Hosting.BuildSilo(new HostSettings
        {
            Symbols = ["EURUSD"],
            Demo = false,
            SiloPort = GatewayFixture.FreePort(),
            SiloGatewayPort = GatewayFixture.FreePort(),
            Configuration = new Dictionary<string, string?>
            {
                ["Features:Definitions:0:Indicator"] = "MACD",
                ["Features:Definitions:0:Parameters:fastPeriod"] = "40",
                ["Features:Definitions:1:Indicator"] = "RSI",
                ["Features:Definitions:1:Timeframe"] = "Q3",
            },
        });
        var error = await Should.ThrowAsync<OptionsValidationException>(() => silo.StartAsync());
        error.Failures.ShouldBe(
        [
            "Features:Definitions[0].parameters.slowPeriod: MACD: the slow period must not be shorter than the fast period (40)",
            "Features:Definitions[1].timeframe: RSI: timeframe 'Q3' has unknown unit 'Q' (use S, M, H or D)",
        ]);
    }
}

/// <summary>Telemetry and console settings that cannot work stop the host before it starts, naming each setting.</summary>
public sealed class TelemetrySettingsTests
{
    [Fact]
    public void Bad_telemetry_settings_name_every_setting()
    {
        var error = Should.Throw<Core.ValidationException>(() => Hosting.BuildSilo(new HostSettings
        {
            Feed = HostSettings.NoFeed,
            SiloPort = GatewayFixture.FreePort(),
            SiloGatewayPort = GatewayFixture.FreePort(),
            Configuration = new Dictionary<string, string?>
            {
                ["Telemetry:Otlp:Endpoint"] = "collector:4317",
                ["Telemetry:Otlp:Protocol"] = "udp",
                ["Telemetry:ServiceName"] = " ",
            },
        }));
        error.Errors.Select(e => e.Field).ShouldBe(
            ["Telemetry:ServiceName", "Telemetry:Otlp:Endpoint", "Telemetry:Otlp:Protocol"]);
    }

    [Fact]
    public async Task An_unknown_log_format_is_refused_by_the_cli()
    {
        var (code, _, error) = await CliProcess.Run("gateway", "--log-format", "xml", "--http-port", $"{GatewayFixture.FreePort()}", "--grpc-port", $"{GatewayFixture.FreePort()}");
        code.ShouldBe(2, error);
        error.ShouldContain("log-format: 'xml' is not a log format (use text or json)");
    }
}
