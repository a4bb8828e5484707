using System.Diagnostics;
using System.Globalization;
using AiTrading.Cli;
using AiTrading.Contracts;
using AiTrading.Gateway.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AiTrading.Bench;

/// <summary>
/// The per-call pieces of the gateway that issue 17 made cheaper, each timed against what it replaced in the same
/// process: a bearer token validated in full vs answered by <see cref="ValidatedTokens"/>, and a grain reference from
/// <c>GetGrain</c> (reflection per call) vs <see cref="GrainRefs.Ref{T}"/>. Median of 7 batches, in µs per call.
/// </summary>
public static class GatewayCostBenchmark
{
    public static async Task RunAsync(int calls)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {calls:N0} calls per batch");
        var keyFile = Path.Combine(Path.GetTempPath(), $"aitrading-bench-cost-key-{Environment.ProcessId}.json");
        try
        {
            var key = SigningKey.LoadOrCreate(keyFile);
            var token = new TokenIssuer(key).Mint("bench", [Roles.Trader], [Claims.AllAccounts], TimeSpan.FromHours(1));
            var parameters = new TokenValidationParameters
            {
                ValidAudience = AuthOptions.DefaultAudience, ValidIssuer = AuthOptions.DevIssuer, IssuerSigningKey = key.Key,
                ClockSkew = TimeSpan.FromSeconds(30), NameClaimType = Claims.Subject, RoleClaimType = Claims.Role,
            };
            var full = new JsonWebTokenHandler { MapInboundClaims = false };
            var remembered = ValidatedTokens.Create();
            Report("token validated in full", await TimeAsync(calls, () => full.ValidateTokenAsync(token, parameters)));
            Report("token answered from memory", await TimeAsync(calls, () => remembered.ValidateTokenAsync(token, parameters)));
        }
        finally
        {
            File.Delete(keyFile);
        }

        var settings = BenchHost.OnFreePorts() with { Symbols = ["EURUSD"], Demo = false };
        await using var app = Hosting.BuildEmbedded(settings);
        await app.StartAsync();
        var cluster = app.Services.GetRequiredService<IClusterClient>();
        var accounts = Enumerable.Range(0, 64).Select(n => $"LOAD-{n}").ToArray();
        var n = 0;
        Report("GetGrain<IRiskGrain>(account)", await TimeAsync(calls * 4, () => Task.FromResult(cluster.GetGrain<IRiskGrain>(accounts[n++ & 63]))));
        Report("Ref<IRiskGrain>(account)", await TimeAsync(calls * 4, () => Task.FromResult(cluster.Ref<IRiskGrain>(accounts[n++ & 63]))));
        await app.StopAsync();
    }

    private static void Report(string what, double micros) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: {micros:0.000} µs per call"));

    private static async Task<double> TimeAsync<T>(int calls, Func<Task<T>> call)
    {
        for (var i = 0; i < calls / 10; i++) await call(); // JIT and caches
        var batches = new List<double>();
        for (var batch = 0; batch < 7; batch++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++) await call();
            batches.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls);
        }
        batches.Sort();
        return batches[3];
    }
}
