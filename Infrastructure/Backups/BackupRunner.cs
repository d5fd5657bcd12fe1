using System.Data;
using System.Diagnostics;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Sources;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.Pitr;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Sources;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>
/// Takes a logical backup: pg_dump (custom format) in a snapshot exported by our own repeatable-read transaction,
/// which meanwhile counts every table's rows in that same snapshot. The dump streams through SHA-256 and chunked
/// AES-256-GCM into storage under a temporary name, renamed only once pg_dump succeeded and the file reads back whole.
/// </summary>
public sealed class BackupRunner(
    CatalogDbContext db, SourceConnector connector, PgToolbox tools, StorageLocations locations, MasterKeyRing keys,
    PhysicalBackupRunner physical, ILogger<BackupRunner> logger)
{
    /// <summary>Runs a claimed job; its control carries cancellation and receives progress. False when a failure would fail again the same way.</summary>
    public Task<bool> RunAsync(BackupJob job, JobControl control) => RunAsync(job, control, control.Token);

    /// <summary>Runs a backup inside another job (a restore's safety backup), under that job's cancellation.</summary>
    public Task<bool> RunAsync(BackupJob job, CancellationToken cancellationToken) => RunAsync(job, null, cancellationToken);

    private async Task<bool> RunAsync(BackupJob job, JobControl? control, CancellationToken cancellationToken)
    {
        var retryable = true;
        var source = await db.Sources.FindAsync([job.SourceId], cancellationToken)
            ?? throw new InvalidOperationException($"Source {job.SourceId} of backup {job.Id} no longer exists.");
        if (job.Status != JobStatus.Running) job.Start();
        // The path is known before the first byte, so a reaper can remove the upload of a worker that dies.
        job.StoragePath = ArtifactPath(job);
        await db.SaveChangesAsync(cancellationToken);
        var storage = await locations.ForWriteAsync(job.SourceId, job.ScheduleId, cancellationToken);
        logger.LogInformation("Backup {JobId} ({Type}) of {Source}/{Database} started, to {Storage}", job.Id, job.BackupType, source.Name, job.DatabaseName, storage.Name);
        try
        {
            var stored = job.BackupType switch
            {
                BackupType.Base => await BaseAsync(job, source, storage, control, cancellationToken),
                BackupType.Incremental => await IncrementalAsync(job, source, storage, control, cancellationToken),
                _ => await DumpAsync(job, source, storage, control, cancellationToken),
            };
            await locations.RecordAsync(job, stored.Copies, stored.Bytes, stored.Sha256, cancellationToken);
            await ArtifactManifest.For(job, source).WriteAsync(storage.Holding(stored.Copies), cancellationToken);
            if (job.CopyStatus == JobCopyStatus.Degraded)
                logger.LogWarning("Backup {JobId} completed with a degraded copy: {Failures}", job.Id,
                    string.Join("; ", stored.Copies.Where(c => !c.Stored).Select(c => $"{c.Replica.Location.Name}: {c.Error}")));
            logger.LogInformation("Backup {JobId} completed: {Bytes} bytes in {Copies} location(s)", job.Id, job.FileSizeBytes, stored.StoredIn.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            if (control?.StopReason is { } reason && control.CancelledByUser) job.Cancel(reason);
            else job.Fail(e is OperationCanceledException ? control?.StopReason ?? "The backup was interrupted because the Api stopped." : e.Message);
            retryable = e is not NotSupportedException;
            await DiscardArtifactAsync(job, storage);
            logger.LogWarning("Backup {JobId} {Status}: {Error}", job.Id, job.Status, job.ErrorMessage);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return retryable;
    }

    /// <summary>
    /// Closes the current WAL segment and records the archive since the previous physical backup as a recovery point.
    /// With no base backup to build on, one is taken first, as its own job, and the incremental says so.
    /// </summary>
    private async Task<StoredArtifact> BaseAsync(BackupJob job, Source source, ReplicatedStorage storage, JobControl? control, CancellationToken cancellationToken)
    {
        var (stored, details) = await physical.BaseAsync(job, source, storage, control, cancellationToken);
        job.Complete(job.StoragePath!, stored.Bytes, stored.Sha256, stored.KeyId, details);
        RecordMetrics(job, details, null);
        return stored;
    }

    private async Task<StoredArtifact> IncrementalAsync(BackupJob job, Source source, ReplicatedStorage storage, JobControl? control, CancellationToken cancellationToken)
    {
        if (!source.PointInTimeRecovery)
            throw new NotSupportedException($"Incremental backups of '{source.Name}' need point-in-time recovery: enable it with POST /api/v1/sources/{source.Id}/pitr/enable.");
        var notes = new List<string>();
        var previous = await physical.PreviousAsync(source.Id, cancellationToken);
        if (previous is null)
        {
            var baseJob = new BackupJob
            {
                SourceId = source.Id,
                DatabaseName = source.DatabaseName,
                BackupType = BackupType.Base,
                Trigger = BackupTrigger.Prerequisite,
                RequestedBy = job.RequestedBy,
                WorkerId = job.WorkerId,
                LeaseExpiresAt = job.LeaseExpiresAt,
            };
            baseJob.Start();
            db.BackupJobs.Add(baseJob);
            await RunAsync(baseJob, cancellationToken);
            if (baseJob.Status != JobStatus.Completed)
                throw new InvalidOperationException($"No base backup existed, and the one taken first (backup {baseJob.Id}) failed: {baseJob.ErrorMessage}");
            notes.Add($"No base backup of this source existed, so base backup {baseJob.Id} was taken first; this incremental builds on it.");
            previous = baseJob;
        }
        var (stored, details) = await physical.IncrementalAsync(job, source, storage, previous, notes, cancellationToken);
        job.Complete(job.StoragePath!, stored.Bytes + details.Wal!.WalBytes, stored.Sha256, stored.KeyId, details);
        RecordMetrics(job, details, null);
        return stored;
    }

    private async Task<StoredArtifact> DumpAsync(BackupJob job, Source source, ReplicatedStorage storage, JobControl? control, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var endpoint = connector.For(source, job.DatabaseName);
        await using var connection = await endpoint.OpenAsync(cancellationToken);
        var serverMajor = connection.PostgreSqlVersion.Major;
        if (!tools.CanDump(serverMajor))
            throw new PgToolException($"The server runs PostgreSQL {connection.ServerVersion}, newer than the local pg_dump ({tools.VersionText}); install a matching client and set PG_BIN_DIR.");

        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var snapshotId = (string)(await Scalar(connection, snapshot, "select pg_export_snapshot()", cancellationToken))!;
        var databaseSize = (long)(await Scalar(connection, snapshot, "select pg_database_size(current_database())", cancellationToken))!;

        var schemaOnly = job.BackupType == BackupType.SchemaOnly;
        if (control is not null) control.EstimatedBytes = await PreviousSizeAsync(job, cancellationToken);
        string[] args = ["--format=custom", $"--snapshot={snapshotId}", "--no-password", "--verbose", .. schemaOnly ? new[] { "--schema-only" } : []];
        await using var dump = PgProcess.Start(tools.PgDump, args, endpoint, redirectStdin: false, redirectStdout: true,
            onErrorLine: line => { if (line.Contains("dumping contents of table", StringComparison.Ordinal)) control?.TableDone(); });
        await using var toc = PgProcess.Start(tools.PgRestore, ["--list"], endpoint, redirectStdin: true, redirectStdout: false, captureStdout: true);

        // Counting shares the snapshot and runs while the dump streams, so it costs no wall time.
        using var countCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tablesTask = DatabaseAdmin.ListTablesAsync(connection, snapshot, countRows: !schemaOnly, countCancel.Token)
            .ContinueWith(t => { if (control is not null && t.IsCompletedSuccessfully) control.TablesTotal = t.Result.Count; return t; }, TaskScheduler.Default).Unwrap();
        try
        {
            await using var writer = await ArtifactWriter.BeginAsync(storage, keys, job.StoragePath!, compress: false, cancellationToken);
            await StreamPump.CopyAsync(dump.Stdout, writer.Input, [toc.Stdin], cancellationToken, control is null ? null : control.AddBytes);
            await StreamPump.CloseQuietlyAsync(toc.Stdin);
            await dump.EnsureSuccessAsync(cancellationToken);
            var tables = await tablesTask;
            await snapshot.CommitAsync(cancellationToken);

            var tocList = await toc.OutputAsync();
            var contents = ArchiveToc.Parse(tocList);
            if (await toc.WaitAsync(cancellationToken) != 0)
                throw new PgToolException($"pg_restore could not read the new archive's table of contents: {toc.Errors}");
            var stored = await writer.CommitAsync(cancellationToken);

            var details = new BackupDetails
            {
                ServerVersion = connection.ServerVersion,
                ToolVersion = tools.VersionText,
                PlaintextBytes = stored.PlaintextBytes,
                PlaintextSha256 = stored.PlaintextSha256,
                DurationSeconds = clock.Elapsed.TotalSeconds,
                SchemaFingerprint = ArchiveToc.Fingerprint(tocList),
                TocList = tocList,
                Tables = tables,
                Log = dump.Errors,
                Schemas = [.. contents.Entries.Where(e => e.Type == "SCHEMA").Select(e => e.Rest.Split(' ')[0])
                    .Concat(tables.Select(t => t.Schema)).Distinct().Order()],
            };
            job.Complete(job.StoragePath!, stored.Bytes, stored.Sha256, stored.KeyId, details);
            RecordMetrics(job, details, databaseSize);
            return stored;
        }
        finally
        {
            await countCancel.CancelAsync();
            await Task.WhenAny(tablesTask);
        }
    }

    /// <summary>A job that did not complete keeps no artifact: an upload is gone with its stream, a committed file is removed here.</summary>
    private async Task DiscardArtifactAsync(BackupJob job, ReplicatedStorage storage)
    {
        foreach (var copy in db.BackupCopies.Local.Where(c => c.BackupJobId == job.Id).ToList()) db.Entry(copy).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
        job.CopyStatus = null;
        if (job.StoragePath is not { } path) return;
        try
        {
            await storage.DeleteAsync(path, CancellationToken.None);
            await storage.DeleteAsync(ArtifactManifest.PathFor(path), CancellationToken.None);
            job.StoragePath = null;
        }
        catch (IOException e)
        {
            logger.LogWarning("Could not remove the artifact of failed backup {JobId}: {Error}", job.Id, e.Message);
        }
    }

    /// <summary>The dump size of the source's last completed backup of this type, for the progress ETA.</summary>
    private async Task<long?> PreviousSizeAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var previous = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == job.SourceId && j.DatabaseName == job.DatabaseName && j.BackupType == job.BackupType && j.Status == JobStatus.Completed)
            .OrderByDescending(j => j.CompletedAt).Select(j => j.Details).FirstOrDefaultAsync(cancellationToken);
        return previous?.PlaintextBytes;
    }

    private void RecordMetrics(BackupJob job, BackupDetails details, long? databaseSize)
    {
        var seconds = Math.Max(details.DurationSeconds, 0.001);
        (string Name, double Value, string Unit)[] figures =
        [
            ("duration_seconds", details.DurationSeconds, "s"),
            ("artifact_bytes", job.FileSizeBytes ?? 0, "bytes"),
            ("dump_bytes", details.PlaintextBytes, "bytes"),
            ("database_size_bytes", databaseSize ?? 0, "bytes"),
            ("throughput_bytes_per_second", details.PlaintextBytes / seconds, "bytes/s"),
            ("compression_ratio", databaseSize is null || details.PlaintextBytes == 0 ? 0 : (double)databaseSize / details.PlaintextBytes, "ratio"),
            ("tables", details.Tables.Count, "count"),
            ("rows", details.Tables.Sum(t => t.RowCount), "count"),
            ("queue_wait_seconds", job.StartedAt is { } started ? Math.Max(0, (started - (job.NotBefore ?? job.CreatedAt)).TotalSeconds) : 0, "s"),
        ];
        db.BackupMetrics.AddRange(figures.Select(f => new BackupMetric { BackupJobId = job.Id, MetricName = f.Name, MetricValue = f.Value, Unit = f.Unit }));
    }

    private static string ArtifactPath(BackupJob job)
    {
        var at = job.StartedAt ?? DateTimeOffset.UtcNow;
        var type = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(job.BackupType.ToString());
        return $"{job.SourceId:N}/{at:yyyy}/{at:MM}/{at:yyyyMMdd'T'HHmmss'Z'}-{type}-{job.Id:N}.bpar";
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
