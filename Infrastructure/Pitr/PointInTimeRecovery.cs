using System.Diagnostics;
using System.Security.Cryptography;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Pitr;
using BackupPortal.Domain.Restores;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Restores;
using BackupPortal.Infrastructure.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>
/// Recovers a source as of a point in time in a sandbox: the chosen base backup, the archived WAL after it (and the
/// partial segment still being received, for "latest"), replayed by PostgreSQL itself to <c>recovery_target_time</c>.
/// The recovered instance then feeds the ordinary restore paths with <c>pg_dump</c>, or is kept for inspection.
/// </summary>
public sealed class PointInTimeRecovery(
    StorageLocations locations, MasterKeyRing keys, PgToolbox tools, WalArchive archive, SpoolDirectory spool, SecretProtector secrets,
    IOptions<PitrOptions> options, ILogger<PointInTimeRecovery> logger)
{
    public async Task<Sandbox> RecoverAsync(RestoreOperation operation, BackupJob baseJob, Source source, JobControl control)
    {
        var cancellationToken = control.Token;
        var clock = Stopwatch.StartNew();
        var sandbox = Sandbox.Create(options.Value, tools);
        try
        {
            await sandbox.ExtractAsync(baseJob, await locations.ForReadAsync(baseJob, cancellationToken), keys, control.AddBytes, cancellationToken);
            operation.RecordTiming("fetch_base_seconds", clock.Lap());
            if (await sandbox.VerifyAsync(cancellationToken) is { } error)
                throw new InvalidOperationException($"Base backup {baseJob.Id} failed pg_verifybackup, so nothing was restored: {error}");
            operation.RecordTiming("verify_base_seconds", clock.Lap());
            var staged = await StageWalAsync(sandbox, baseJob, source, operation.TargetTime, control);
            operation.RecordTiming("fetch_wal_seconds", clock.Lap());
            await sandbox.ConfigureAsync(operation.TargetTime, recover: true, cancellationToken);
            await sandbox.StartAsync(source.DatabaseName, source.Username, cancellationToken);
            operation.RecordTiming("replay_seconds", clock.Lap());
            operation.ReplayEndTime = await ReplayEndAsync(sandbox, source, cancellationToken) ?? baseJob.Details!.Wal!.ConsistentAt;
            logger.LogInformation("Restore {RestoreId}: base {BaseId} plus {Segments} WAL files replayed to {Reached} (asked: {Target}){Note}",
                operation.Id, baseJob.Id, staged, operation.ReplayEndTime, operation.TargetTime?.ToString("O") ?? "latest",
                sandbox.ReplayedToEnd ? "; no commit after the target, so all WAL received was replayed" : "");
            return sandbox;
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the restore paths replay from the recovered instance: its tables (counted), and pg_dump of them.</summary>
    public async Task<RestoreInput> InputAsync(Sandbox sandbox, RestoreOperation operation, Source source, CancellationToken cancellationToken)
    {
        var endpoint = sandbox.Endpoint(source.DatabaseName, source.Username);
        await using var connection = await endpoint.OpenAsync(cancellationToken);
        var all = await DatabaseAdmin.ListTablesAsync(connection, null, countRows: false, cancellationToken);
        var wanted = operation.Tables.Count == 0 ? all : all.Where(t => operation.Tables.Contains(t.QualifiedName)).ToList();
        var absent = operation.Tables.Except(wanted.Select(t => t.QualifiedName)).ToList();
        if (absent.Count > 0)
            throw new DomainException($"Not in the database as of {operation.ReplayEndTime:O}: {string.Join(", ", absent)}.");
        var tables = new List<ArchivedTable>(wanted.Count);
        foreach (var table in wanted)
            tables.Add(table with { RowCount = await DatabaseAdmin.CountAsync(connection, null, table.Schema, table.Name, cancellationToken) ?? 0 });

        if (operation.Tables.Count == 0)
            return new RestoreInput(tables, null, false, (tool, control) => PipeDumpAsync(endpoint, [], tool, control));
        // A table-level restore needs the archive's table of contents before its data, so the selected tables are dumped once to disk.
        var file = Path.Combine(sandbox.Directory, "tables.dump");
        await using (var dump = PgProcess.Start(tools.PgDump, ["--format=custom", "--no-password", "--file", file, .. tables.SelectMany(t => new[] { "--table", PgIdentifier.Quote(t.Schema, t.Name) })],
            endpoint, redirectStdin: false, redirectStdout: false))
            await dump.EnsureSuccessAsync(cancellationToken);
        await using var list = PgProcess.Start(tools.PgRestore, ["--list", file], endpoint, redirectStdin: false, redirectStdout: false, captureStdout: true);
        await list.EnsureSuccessAsync(cancellationToken);
        return new RestoreInput(tables, await list.OutputAsync(), false, async (tool, control) =>
        {
            await using var input = File.OpenRead(file);
            var bytes = await StreamPump.CopyAsync(input, null, [tool.Stdin], control.Token, control.AddBytes);
            await StreamPump.CloseQuietlyAsync(tool.Stdin);
            return bytes;
        });
    }

    /// <summary>Leaves the recovered instance running with a fresh password for the source's login (on the copy only).</summary>
    public async Task KeepAsync(Sandbox sandbox, RestoreOperation operation, Source source, CancellationToken cancellationToken)
    {
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
        await using (var connection = await sandbox.Endpoint(source.DatabaseName, source.Username).OpenAsync(cancellationToken))
        await using (var command = new NpgsqlCommand($"alter role {PgIdentifier.Quote(source.Username)} password '{password}'", connection))
            await command.ExecuteNonQueryAsync(cancellationToken);
        operation.Instance = new RestoreInstance
        {
            Host = "127.0.0.1",
            Port = sandbox.Port,
            Database = source.DatabaseName,
            Username = source.Username,
            PasswordEncrypted = secrets.Protect(password),
            Directory = sandbox.Directory,
        };
        sandbox.Kept = true;
    }

    /// <summary>Stops a kept instance and deletes its directory; only directories under the sandbox root are touched.</summary>
    public async Task DestroyAsync(RestoreInstance instance)
    {
        var root = Path.GetFullPath(options.Value.SandboxPath) + Path.DirectorySeparatorChar;
        if (!Path.GetFullPath(instance.Directory).StartsWith(root, StringComparison.Ordinal))
            throw new InvalidOperationException($"Instance directory {instance.Directory} is outside the sandbox root.");
        await Sandbox.DestroyAsync(instance.Directory, options.Value, tools);
    }

    private async Task<long> PipeDumpAsync(PgEndpoint endpoint, string[] args, PgProcess tool, JobControl control)
    {
        await using var dump = PgProcess.Start(tools.PgDump, ["--format=custom", "--no-password", .. args], endpoint, redirectStdin: false, redirectStdout: true);
        try
        {
            var bytes = await StreamPump.CopyAsync(dump.Stdout, null, [tool.Stdin], control.Token, control.AddBytes);
            await dump.EnsureSuccessAsync(control.Token);
            await StreamPump.CloseQuietlyAsync(tool.Stdin);
            return bytes;
        }
        catch
        {
            tool.Kill();
            throw;
        }
    }

    /// <summary>
    /// Decrypts the archived WAL after the base into the sandbox, stopping after the first segment that commits past
    /// the target; when the archive ends first, the partial segment still being received is added as well.
    /// </summary>
    private async Task<int> StageWalAsync(Sandbox sandbox, BackupJob baseJob, Source source, DateTimeOffset? target, JobControl control)
    {
        var cancellationToken = control.Token;
        var range = baseJob.Details!.Wal!;
        var segments = await archive.SegmentsAsync(source.Id, cancellationToken);
        var segmentBytes = segments.FirstOrDefault(s => s.SegmentNumber is not null)?.OriginalBytes ?? 16L << 20;
        var (chain, _) = await archive.ChainAsync(segments, range.Timeline, (long)Lsn.SegmentOf(Lsn.Parse(range.EndLsn), segmentBytes), cancellationToken);
        var staged = 0;
        foreach (var history in segments.Where(s => s.SegmentNumber is null))
        {
            await archive.RestoreFileAsync(history, sandbox.WalDirectory, cancellationToken);
            staged++;
        }
        var passedTarget = false;
        foreach (var segment in chain)
        {
            await archive.RestoreFileAsync(segment, sandbox.WalDirectory, cancellationToken);
            control.AddBytes((int)Math.Min(segment.OriginalBytes, int.MaxValue));
            staged++;
            if (target is not null && segment.FirstCommitAt > target) { passedTarget = true; break; }
        }
        if (!passedTarget && spool.Partial(source.Id) is { } partial
            && Lsn.TryParseSegmentName(partial.Name, segmentBytes, out var timeline, out var number)
            && timeline == range.Timeline && (chain.Count == 0 || (long)number == chain[^1].SegmentNumber + 1))
        {
            File.Copy(partial.Path, Path.Combine(sandbox.WalDirectory, partial.Name));
            staged++;
        }
        return staged;
    }

    private static async Task<DateTimeOffset?> ReplayEndAsync(Sandbox sandbox, Source source, CancellationToken cancellationToken)
    {
        await using var connection = await sandbox.Endpoint(source.DatabaseName, source.Username).OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select pg_last_xact_replay_timestamp()", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }
}
