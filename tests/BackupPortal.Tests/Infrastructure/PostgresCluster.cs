using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BackupPortal.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL 15 cluster in a temporary directory on a free loopback port, run as the <c>postgres</c> OS user
/// when the tests run as root (initdb and postgres refuse root).
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";

    private PostgresCluster(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }
    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false;Timeout=15";

    public static async Task<PostgresCluster> StartAsync(params string[] settings)
    {
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
            throw new InvalidOperationException($"PostgreSQL 15 server binaries are missing from {BinDir}: run ./test.sh, which installs postgresql-15.");
        var directory = Path.Combine(Path.GetTempPath(), "bp-test-pg-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        await RunAsPostgresAsync(asRoot, Path.Combine(BinDir, "initdb"), ["-D", Path.Combine(directory, "data"), "-U", "postgres", "-A", "trust", "--no-sync"]);
        string[] options = ["-p", port.ToString(), "-k", directory, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", .. settings.SelectMany(s => new[] { "-c", s })];
        await RunAsPostgresAsync(asRoot, Path.Combine(BinDir, "pg_ctl"),
            ["-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "log"), "-o", string.Join(' ', options), "-w", "start"]);
        return new PostgresCluster(directory, port);
    }

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Stops the server the way a crash would: no shutdown checkpoint, nothing flushed that was not already.</summary>
    public Task CrashAsync() =>
        RunAsPostgresAsync(Environment.UserName == "root", Path.Combine(BinDir, "pg_ctl"), ["-D", Path.Combine(Directory, "data"), "-m", "immediate", "stop"]);

    public async Task CreateDatabaseAsync(string name) => await ExecuteAsync("postgres", $"create database \"{name}\"");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(Directory, "data", "postmaster.pid"))) await CrashAsync();
        }
        finally
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static Task RunAsPostgresAsync(bool asRoot, string tool, string[] args) =>
        asRoot ? RunAsync("runuser", ["-u", "postgres", "--", tool, .. args]) : RunAsync(tool, args);

    private static async Task RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await errors}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
