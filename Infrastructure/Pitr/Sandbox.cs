using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Storage;
using Npgsql;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>
/// A throw-away PostgreSQL instance built from a base backup: extracted and checked with <c>pg_verifybackup</c>,
/// given the WAL to replay, started on a free loopback port as a non-root OS user, and stopped and deleted when done
/// (unless a restore keeps it for inspection).
/// </summary>
public sealed class Sandbox : IAsyncDisposable
{
    private const string EndedBeforeTarget = "recovery ended before configured recovery target was reached";
    private readonly PgToolbox _tools;
    private readonly string? _runAs;

    private Sandbox(string directory, PgToolbox tools, string? runAs)
    {
        Directory = directory;
        _tools = tools;
        _runAs = runAs;
        Port = FreePort();
    }

    public string Directory { get; }
    public string DataDirectory => Path.Combine(Directory, "data");
    public string WalDirectory => Path.Combine(Directory, "wal");
    public string LogFile => Path.Combine(Directory, "postgres.log");
    public int Port { get; }

    /// <summary>The WAL held no commit after the target, so replay went to its end (see <see cref="StartAsync"/>).</summary>
    public bool ReplayedToEnd { get; private set; }

    /// <summary>Set once the instance is kept running past this object's life.</summary>
    public bool Kept { get; set; }

    public static Sandbox Create(PitrOptions options, PgToolbox tools)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Recovered instances run on Linux and macOS only.");
        var directory = Path.Combine(options.SandboxPath, Guid.NewGuid().ToString("N")[..16]);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "wal"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The server's OS user must reach its directories; the sandbox root holds nothing else.
        File.SetUnixFileMode(options.SandboxPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return new Sandbox(directory, tools, Environment.UserName == "root" ? options.SandboxOsUser : null);
    }

    /// <summary>Streams a base backup out of storage (authenticated, decompressed) into the data directory.</summary>
    public async Task<long> ExtractAsync(BackupJob baseBackup, ReplicatedStorage storage, MasterKeyRing keys, Action<int>? progress, CancellationToken cancellationToken)
    {
        await using var artifact = await ArtifactStream.OpenAsync(storage, keys, baseBackup.StoragePath!, compressed: true, cancellationToken, baseBackup.FileSizeBytes);
        await using (var tar = new ProgressStream(artifact.Plain, progress))
            await TarFile.ExtractToDirectoryAsync(tar, DataDirectory, overwriteFiles: false, cancellationToken);
        // The tar ends before the gzip stream does; what is left must be read for the checksums to cover all of it.
        await artifact.Plain.CopyToAsync(Stream.Null, cancellationToken);
        artifact.EnsureMatches(baseBackup.ChecksumSha256, baseBackup.Details!.PlaintextSha256, $"Base backup {baseBackup.Id}");
        return artifact.PlaintextBytes;
    }

    /// <summary>pg_verifybackup against the manifest, before anything in the directory changes; null when it passed.</summary>
    public async Task<string?> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var verify = PgProcess.Start(_tools.PgVerifybackup, [DataDirectory], null, redirectStdin: false, redirectStdout: false, captureStdout: true);
        var code = await verify.WaitAsync(cancellationToken);
        return code == 0 ? null : $"pg_verifybackup failed: {verify.Errors} {await verify.OutputAsync()}".Trim();
    }

    /// <summary>
    /// Our own configuration replaces the source's (its paths, preload libraries and TLS files do not exist here):
    /// local trust plus a password login over loopback, WAL from the staged directory, and the recovery target.
    /// </summary>
    public async Task ConfigureAsync(DateTimeOffset? targetTime, bool recover, CancellationToken cancellationToken)
    {
        var settings = new List<string>
        {
            "listen_addresses = '127.0.0.1'",
            $"port = {Port}",
            $"unix_socket_directories = '{Directory}'",
            "shared_preload_libraries = ''",
            "shared_buffers = '128MB'",
            "max_connections = 20",
            "hot_standby = off",
            "archive_mode = off",
            "ssl = off",
            "fsync = off",
            "logging_collector = off",
            "log_timezone = 'UTC'",
            $"restore_command = 'cp \"{WalDirectory}/%f\" \"%p\"'",
            "recovery_target_timeline = 'latest'",
        };
        if (targetTime is { } target)
            settings.AddRange([$"recovery_target_time = '{target.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00'", "recovery_target_action = 'promote'"]);
        await File.WriteAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "postgresql.auto.conf"), "", cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(DataDirectory, "pg_hba.conf"),
            ["local all all trust", "host all all 127.0.0.1/32 scram-sha-256"], cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_ident.conf"), "", cancellationToken);
        foreach (var stale in new[] { "postmaster.pid", "postmaster.opts", "standby.signal" })
            File.Delete(Path.Combine(DataDirectory, stale));
        var signal = Path.Combine(DataDirectory, "recovery.signal");
        if (recover) await File.WriteAllTextAsync(signal, "", cancellationToken);
    }

    /// <summary>
    /// Starts the server and waits until recovery is over and it accepts connections. When the WAL holds no commit
    /// after the target, PostgreSQL stops with "recovery ended before configured recovery target was reached": the
    /// instance then replays to the end of what it has, which is the same data, and reports the time it reached.
    /// </summary>
    public async Task StartAsync(string database, string username, CancellationToken cancellationToken)
    {
        await OwnAsync(cancellationToken);
        var logFrom = 0;
        var retried = false;
        await PgCtlAsync(["start", "-D", DataDirectory, "-l", LogFile, "-W"], cancellationToken);
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            await Task.Delay(200, cancellationToken);
            var log = File.Exists(LogFile) ? (await File.ReadAllTextAsync(LogFile, cancellationToken))[logFrom..] : "";
            if (log.Contains(EndedBeforeTarget) && !retried)
            {
                await WaitStoppedAsync(cancellationToken);
                var config = Path.Combine(DataDirectory, "postgresql.conf");
                await File.WriteAllLinesAsync(config, (await File.ReadAllLinesAsync(config, cancellationToken))
                    .Where(l => !l.StartsWith("recovery_target_time", StringComparison.Ordinal) && !l.StartsWith("recovery_target_action", StringComparison.Ordinal)), cancellationToken);
                logFrom += log.Length;
                retried = ReplayedToEnd = true;
                await PgCtlAsync(["start", "-D", DataDirectory, "-l", LogFile, "-W"], cancellationToken);
                started = DateTimeOffset.UtcNow;
                continue;
            }
            if (log.Contains("database system is ready to accept connections") && await CanConnectAsync(database, username, cancellationToken))
                return;
            var stopped = !IsRunning() && DateTimeOffset.UtcNow - started > TimeSpan.FromSeconds(2);
            if (log.Contains("PANIC") || (stopped && (log.Contains("FATAL") || DateTimeOffset.UtcNow - started > TimeSpan.FromSeconds(15))))
                throw new PgToolException($"The recovered instance did not start: {Tail(log)}");
        }
    }

    public NpgsqlConnectionStringBuilder Connection(string database, string username) => new()
    {
        Host = Directory,
        Port = Port,
        Database = database,
        Username = username,
        Pooling = false,
        Timeout = 15,
        CommandTimeout = 0,
        ApplicationName = "BackupPortal",
    };

    public PgEndpoint Endpoint(string database, string username) => new(Directory, Port, username, null, "disable", database);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (IsRunning()) await PgCtlAsync(["stop", "-D", DataDirectory, "-m", "fast", "-w"], cancellationToken);
    }

    /// <summary>Stops an instance left running earlier (possibly by another process of the Api) and deletes its directory.</summary>
    public static async Task DestroyAsync(string directory, PitrOptions options, PgToolbox tools) =>
        await new Sandbox(directory, tools, Environment.UserName == "root" ? options.SandboxOsUser : null).DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Kept) return;
        try
        {
            await StopAsync(CancellationToken.None);
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    public async Task<string> LogTailAsync() => File.Exists(LogFile) ? Tail(await File.ReadAllTextAsync(LogFile)) : "";

    private bool IsRunning() => File.Exists(Path.Combine(DataDirectory, "postmaster.pid"));

    private async Task WaitStoppedAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 300 && IsRunning(); i++) await Task.Delay(100, cancellationToken);
    }

    private async Task<bool> CanConnectAsync(string database, string username, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Connection(database, username).ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private async Task OwnAsync(CancellationToken cancellationToken)
    {
        if (_runAs is null) return;
        await using var chown = PgProcess.Start("chown", ["-R", $"{_runAs}:", Directory], null, redirectStdin: false, redirectStdout: false);
        await chown.EnsureSuccessAsync(cancellationToken);
    }

    private async Task PgCtlAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var ctl = PgProcess.Start(_tools.PgCtl, args, null, redirectStdin: false, redirectStdout: false, captureStdout: true, runAs: _runAs);
        await ctl.EnsureSuccessAsync(cancellationToken);
    }

    private static string Tail(string log) =>
        string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("FATAL") || l.Contains("PANIC") || l.Contains("ERROR") || l.Contains("LOG:  last completed")).TakeLast(5));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Counts bytes as they are read, for the restore's progress.</summary>
    private sealed class ProgressStream(Stream inner, Action<int>? progress) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            progress?.Invoke(read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            progress?.Invoke(read);
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
