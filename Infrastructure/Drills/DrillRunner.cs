using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Drills;
using BackupPortal.Domain.Restores;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Pitr;
using BackupPortal.Infrastructure.Restores;
using BackupPortal.Infrastructure.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Drills;

/// <summary>
/// Runs a claimed drill: the newest full backup restored into a scratch database through the ordinary restore path
/// (row counts compared), the source's SQL checks run against it, and for point-in-time sources a random moment of the
/// recoverable window restored too. Each restore is timed; the scratch databases are dropped however the drill ends.
/// </summary>
public sealed class DrillRunner(
    CatalogDbContext db, RestoreService restores, RestoreRunner runner, SourceConnector connector, WalArchive archive,
    IOptions<WorkerOptions> workerOptions, ILogger<DrillRunner> logger)
{
    public async Task RunAsync(RestoreDrill drill, JobControl control, string workerId)
    {
        var cancellationToken = control.Token;
        var scratch = new List<(Source Server, string Database)>();
        string? error = null;
        try
        {
            var source = await db.Sources.FindAsync([drill.SourceId], cancellationToken)
                ?? throw new InvalidOperationException($"Source {drill.SourceId} no longer exists.");
            var server = await db.Sources.FindAsync([source.DrillTargetSourceId ?? source.Id], cancellationToken)
                ?? throw new InvalidOperationException($"The drill's target source {source.DrillTargetSourceId} no longer exists.");
            await FullAsync(drill, source, server, scratch, control, workerId);
            if (source.PointInTimeRecovery) await PointInTimeAsync(drill, source, server, scratch, control, workerId);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            error = e is OperationCanceledException ? control.StopReason ?? "The drill was interrupted because the Api stopped." : e.Message;
        }
        finally
        {
            await DropAsync(drill, scratch);
            drill.Finish(error);
            await db.SaveChangesAsync(CancellationToken.None);
            logger.Log(drill.Status == DrillStatus.Passed ? LogLevel.Information : LogLevel.Warning,
                "Restore drill {DrillId} of source {SourceId} {Status} (RTO {Rto} s){Failures}", drill.Id, drill.SourceId, drill.Status, drill.RtoSeconds,
                string.Concat(drill.Checks.Where(c => !c.Passed).Select(c => $"; {c.Name}: {c.Detail}")) + (error is null ? "" : $"; {error}"));
        }
    }

    private async Task FullAsync(RestoreDrill drill, Source source, Source server, List<(Source, string)> scratch, JobControl control, string workerId)
    {
        var cancellationToken = control.Token;
        var backup = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == source.Id && j.DatabaseName == source.DatabaseName && j.BackupType == BackupType.Full
                        && j.Status == JobStatus.Completed && j.VerificationStatus != VerificationStatus.Failed)
            .OrderByDescending(j => j.CompletedAt).FirstOrDefaultAsync(cancellationToken);
        if (backup is null)
        {
            drill.Add(new VerificationCheck("full_restore", false, $"Source '{source.Name}' has no completed full backup to restore.", 0));
            return;
        }
        drill.BackupJobId = backup.Id;
        var operation = await RunRestoreAsync(drill, new RestoreRequest(backup.Id, RestoreType.Full, [], ScratchName(drill, "full"), server.Id,
            false, null, false, false, $"Restore drill {drill.Id}: the newest full backup into a scratch database"), server, scratch, control, workerId);
        drill.RestoreId = operation.Id;
        drill.RtoSeconds = Seconds(operation);
        var completed = operation.Status == RestoreStatus.Completed;
        drill.Add(new VerificationCheck("full_restore", completed, completed
            ? $"Backup {backup.Id} of {backup.CompletedAt:u} restored into {operation.TargetDatabase} on '{server.Name}' in {drill.RtoSeconds:0.0} s ({operation.BytesRestored:N0} bytes)."
            : $"Restoring backup {backup.Id} failed: {operation.ErrorMessage}", drill.RtoSeconds ?? 0)
        { Figures = { ["backupId"] = backup.Id, ["restoreId"] = operation.Id, ["seconds"] = drill.RtoSeconds, ["bytes"] = operation.BytesRestored } });
        if (!completed) return;

        var mismatched = operation.RowCounts.Where(c => !c.Matches).ToList();
        drill.Add(new VerificationCheck("row_counts", mismatched.Count == 0, mismatched.Count == 0
            ? $"All {operation.RowCounts.Count} tables have the row counts recorded at backup time ({operation.RowCounts.Sum(c => c.Expected):N0} rows)."
            : $"{mismatched.Count} tables differ: {string.Join(", ", mismatched.Select(c => $"{c.Table} {c.Actual?.ToString() ?? "missing"} of {c.Expected}"))}.", 0));
        await using var connection = await connector.For(server, operation.TargetDatabase).OpenAsync(cancellationToken);
        foreach (var check in source.SqlChecks) drill.Add(await SqlCheckAsync(connection, check, cancellationToken));
    }

    /// <summary>A random second of the recoverable window after its last gap, restored from the base before it and the WAL after.</summary>
    private async Task PointInTimeAsync(RestoreDrill drill, Source source, Source server, List<(Source, string)> scratch, JobControl control, string workerId)
    {
        var window = await archive.WindowAsync(source, control.Token);
        if (window is not { Earliest: { } earliest, Latest: { } latest })
        {
            drill.Add(new VerificationCheck("pitr_restore", false, $"Source '{source.Name}' has point-in-time recovery on but no recoverable window yet.", 0));
            return;
        }
        var from = window.Gaps.Select(g => g.To).OfType<DateTimeOffset>().Where(t => t > earliest).DefaultIfEmpty(earliest).Max();
        // Up to the next whole microsecond: the catalog keeps microseconds, and a target stored a fraction before the
        // window's start would fall outside it.
        from = new DateTimeOffset((from.UtcTicks + 9) / 10 * 10, TimeSpan.Zero);
        var span = Math.Max(0, (latest - from).TotalSeconds);
        var target = from.AddSeconds(RandomNumberGenerator.GetInt32(0, (int)Math.Min(span, int.MaxValue - 1) + 1));
        drill.PitrTargetTime = target;
        RestoreOperation operation;
        try
        {
            operation = await RunRestoreAsync(drill, new RestoreRequest(null, RestoreType.PointInTime, [], ScratchName(drill, "pitr"), server.Id,
                false, null, false, false, $"Restore drill {drill.Id}: {target:u}, a random point of the recoverable window", source.Id, target), server, scratch, control, workerId);
        }
        catch (DomainException e)
        {
            drill.Add(new VerificationCheck("pitr_restore", false, $"A restore to {target:u} was refused: {e.Message}", 0));
            return;
        }
        drill.PitrRestoreId = operation.Id;
        drill.PitrRtoSeconds = Seconds(operation);
        var completed = operation.Status == RestoreStatus.Completed;
        drill.Add(new VerificationCheck("pitr_restore", completed, completed
            ? $"Recovered to {target:u} (replay reached {operation.ReplayEndTime:u}) into {operation.TargetDatabase} in {drill.PitrRtoSeconds:0.0} s."
            : $"Recovering to {target:u} failed: {operation.ErrorMessage}", drill.PitrRtoSeconds ?? 0)
        { Figures = { ["targetTime"] = target, ["restoreId"] = operation.Id, ["seconds"] = drill.PitrRtoSeconds } });
    }

    /// <summary>Runs the restore here, in this worker slot, under the drill's lease: a drill never waits for a free slot.</summary>
    private async Task<RestoreOperation> RunRestoreAsync(
        RestoreDrill drill, RestoreRequest request, Source server, List<(Source, string)> scratch, JobControl control, string workerId)
    {
        var operation = await restores.PrepareAsync(request, $"drill ({drill.RequestedBy})", control.Token);
        operation.DrillId = drill.Id;
        operation.Start();
        (operation.WorkerId, operation.LeaseExpiresAt) = (workerId, DateTimeOffset.UtcNow + workerOptions.Value.Lease);
        db.RestoreOperations.Add(operation);
        await db.SaveChangesAsync(control.Token);
        scratch.Add((server, operation.TargetDatabase));
        await runner.RunAsync(operation, control, workerId);
        return operation;
    }

    private static async Task<VerificationCheck> SqlCheckAsync(NpgsqlConnection connection, SqlCheck check, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var name = $"sql: {check.Name}";
        try
        {
            // Read-only: a check looks at the restored copy, it never changes it.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await using (var readOnly = new NpgsqlCommand("set transaction read only", connection, transaction))
                await readOnly.ExecuteNonQueryAsync(cancellationToken);
            await using var command = new NpgsqlCommand(check.Sql, connection, transaction) { CommandTimeout = 300 };
            var value = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            var holds = check.Holds(value);
            return new VerificationCheck(name, holds, $"Returned {value ?? "null"}; {(holds ? "meets" : "does not meet")} {check.Operator} {check.Expected}.", clock.Elapsed.TotalSeconds)
            { Figures = { ["value"] = value } };
        }
        catch (PostgresException e)
        {
            return new VerificationCheck(name, false, $"The query failed: {e.MessageText}", clock.Elapsed.TotalSeconds);
        }
    }

    private async Task DropAsync(RestoreDrill drill, List<(Source Server, string Database)> scratch)
    {
        var errors = new List<string>();
        foreach (var (server, database) in scratch)
        {
            try
            {
                await DatabaseAdmin.DropDatabaseAsync(connector.For(server), database, CancellationToken.None);
            }
            catch (NpgsqlException e)
            {
                errors.Add($"{database} on '{server.Name}': {e.Message}");
            }
        }
        if (scratch.Count > 0)
            drill.Add(new VerificationCheck("cleanup", errors.Count == 0, errors.Count == 0
                ? $"Dropped the scratch databases {string.Join(", ", scratch.Select(s => s.Database))}."
                : $"Could not drop {string.Join("; ", errors)}; drop them by hand.", 0));
    }

    private static string ScratchName(RestoreDrill drill, string kind) => $"bp_drill_{drill.Id:N}"[..21] + "_" + kind;

    private static double? Seconds(RestoreOperation operation) =>
        operation is { StartedAt: { } start, CompletedAt: { } end } ? Math.Round((end - start).TotalSeconds, 3) : null;
}
