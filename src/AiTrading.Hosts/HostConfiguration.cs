using AiTrading.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace AiTrading.Hosts;

/// <summary>`--log-format`: text for a person at a terminal, JSON (one object a line) for log collectors.</summary>
public static class LogFormats
{
    public const string Text = "text";
    public const string Json = "json";

    public static string FormatterOf(string format) => format switch
    {
        Text => "simple",
        Json => "json",
        _ => throw new ValidationException("log-format", $"'{format}' is not a log format (use text or json)"),
    };
}

/// <summary>
/// The configuration of every host, in order of precedence (last wins): our log defaults, appsettings.json beside the
/// program, environment variables (AITRADING__ prefixed, e.g. AITRADING__Clustering__Provider), the embedder's own
/// values, then the command line's log format.
/// </summary>
public static class HostConfiguration
{
    public const string EnvironmentPrefix = "AITRADING__";

    /// <summary>
    /// Framework categories log at Warning, ours at Information: the first minute of `aitrading run` was ~470 framework
    /// lines. The first source, so appsettings.json, AITRADING__Logging__LogLevel__* and --log-format override it.
    /// (Orleans also places every activation through a Polly pipeline whose telemetry logs each attempt at Information.)
    /// </summary>
    private static readonly Dictionary<string, string?> LogDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
        ["Logging:LogLevel:System.Net.Http"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:AiTrading"] = "Information",
    };

    /// <summary>Builder settings of every host: appsettings.json is read beside the program, wherever it is started from.</summary>
    public static string ContentRoot => AppContext.BaseDirectory;

    public static void Apply(IHostApplicationBuilder builder, IReadOnlyDictionary<string, string?> extra, string? logFormat)
    {
        var configuration = builder.Configuration;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LogDefaults });
        // JSON records carry a UTC timestamp unless the configuration names a format of its own.
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddInMemoryCollection(extra);
        if (logFormat is { } format)
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = LogFormats.FormatterOf(format) });
        var hosting = HostingOptions.From(configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = hosting.ShutdownTimeout);
    }

    /// <summary>appsettings.json (beside the program, then the working directory) and AITRADING__ variables, for commands without a host.</summary>
    public static IConfiguration Read() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables(EnvironmentPrefix)
        .Build();
}

/// <summary>
/// How a host stops (configuration section "Hosting"). On SIGTERM the host stops its services within
/// <see cref="ShutdownTimeout"/>: a silo leaves the cluster, deactivates its grains and hands its stream queues over.
/// Keep it below the pod's terminationGracePeriodSeconds, after which Kubernetes kills the process.
/// </summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(45);
    public static readonly TimeSpan MaxShutdownTimeout = TimeSpan.FromMinutes(30);

    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    public static HostingOptions From(IConfiguration configuration)
    {
        var key = $"{Section}:{nameof(ShutdownTimeout)}";
        if (configuration[key] is not { } text) return new HostingOptions();
        if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var timeout))
            throw new ValidationException(key, $"'{text}' is not a time span (e.g. 00:00:45)");
        if (timeout <= TimeSpan.Zero || timeout > MaxShutdownTimeout)
            throw new ValidationException(key, $"must be more than 0 and at most {MaxShutdownTimeout} (got {timeout})");
        return new HostingOptions { ShutdownTimeout = timeout };
    }
}

/// <summary>How the executables end: bad configuration is one line on stderr and exit code 2, not a stack trace.</summary>
public static class HostExit
{
    public const int BadConfiguration = 2;

    public static async Task<int> RunAsync(Func<Task> action, Func<Exception, bool>? alsoExpected = null)
    {
        try
        {
            await action();
            return 0;
        }
        catch (Exception e) when (Expected(e, alsoExpected) is { } cause)
        {
            Console.Error.WriteLine($"error: {cause.Message}");
            return BadConfiguration;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    /// <summary>The exception or the one it wraps (a silo's start wraps what failed in a lifecycle stage), when it is one we explain.</summary>
    private static Exception? Expected(Exception e, Func<Exception, bool>? alsoExpected)
    {
        for (var current = e; current is not null; current = current.InnerException)
            if (current is ValidationException or FormatException or IOException or UnauthorizedAccessException
                or Microsoft.Extensions.Options.OptionsValidationException or DependencyUnavailableException
                or System.Data.Common.DbException || alsoExpected?.Invoke(current) == true)
                return current;
        return null;
    }
}
