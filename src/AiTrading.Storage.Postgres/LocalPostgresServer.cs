using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AiTrading.Storage.Postgres;

/// <summary>
/// A private, throwaway PostgreSQL server: initdb into a fresh temporary directory, started on a free loopback
/// port with its socket in that directory and trust authentication, stopped and removed on dispose. For tests,
/// benchmarks and local clusters. PostgreSQL refuses to run as root, so as root the server runs as the
/// <c>postgres</c> OS user (created by Debian's postgresql package) through runuser.
/// </summary>
public sealed class LocalPostgresServer : IAsyncDisposable
{
    public const string SuperUser = "postgres";
    private readonly string _binaries;
    private readonly string? _runAs;
    private bool _stopped;

    public string Directory { get; }
    public int Port { get; private set; }
    private string DataDirectory => Path.Combine(Directory, "data");
    private string LogFile => Path.Combine(Directory, "server.log");

    private LocalPostgresServer(string binaries, string? runAs, string directory)
    {
        _binaries = binaries;
        _runAs = runAs;
        Directory = directory;
    }

    /// <summary>Connection string to the <c>postgres</c> maintenance database, or to <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        // Orleans' providers open many short connections; keep pools small so many silos fit the server's limit.
        MaxPoolSize = 20,
    }.ConnectionString;

    /// <summary>The directory holding initdb and pg_ctl: AITRADING_PG_BIN, else the newest /usr/lib/postgresql/N/bin.</summary>
    public static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("AITRADING_PG_BIN") is { Length: > 0 } configured)
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        const string debian = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(debian)) return null;
        return System.IO.Directory.GetDirectories(debian)
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
            .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Bin, "initdb")))
            .OrderByDescending(d => d.Version).Select(d => d.Bin).FirstOrDefault();
    }

    public static async Task<LocalPostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var binaries = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/N/bin; install Debian's " +
            "'postgresql' package or set AITRADING_PG_BIN to the directory that holds them");
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var directory = Path.Combine(Path.GetTempPath(), $"aitrading-pg-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var server = new LocalPostgresServer(binaries, runAs, directory);
        try
        {
            if (runAs is not null) await Run("chown", [runAs, directory], null, cancellationToken);
            await server.RunTool("initdb", ["-D", server.DataDirectory, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], cancellationToken);
            await server.StartServer(cancellationToken);
            server.StartWatchdog();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    private async Task StartServer(CancellationToken cancellationToken)
    {
        // A free port can be taken between probing and binding; try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = $"-p {Port} -k {Directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                          "-c full_page_writes=off -c max_connections=300";
            try
            {
                await RunTool("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"], cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>
    /// A detached shell that stops the server and removes its directory once this process is gone, however it
    /// ends (a test host killed after its last test never runs its exit handlers to the end).
    /// </summary>
    private void StartWatchdog()
    {
        var runAs = _runAs is null ? "" : $"runuser -u {_runAs} -- ";
        var script = $"""
            exec </dev/null >/dev/null 2>&1
            while kill -0 {Environment.ProcessId}; do sleep 1; done
            if [ -f '{DataDirectory}/postmaster.pid' ]; then {runAs}'{Path.Combine(_binaries, "pg_ctl")}' -D '{DataDirectory}' -m immediate -w stop; fi
            rm -rf '{Directory}'
            """;
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false });
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
                await RunTool("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
        }
        finally
        {
            // The last server processes may still be closing files when pg_ctl returns.
            for (var attempt = 1; System.IO.Directory.Exists(Directory); attempt++)
            {
                try
                {
                    System.IO.Directory.Delete(Directory, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException && attempt < 20)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    /// <summary>The server's log, for a failure message.</summary>
    public string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private Task RunTool(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binaries, tool);
        return _runAs is null
            ? Run(path, arguments, Directory, cancellationToken)
            : Run("runuser", ["-u", _runAs, "--", path, .. arguments], Directory, cancellationToken);
    }

    private static async Task Run(string file, IReadOnlyList<string> arguments, string? workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
