using System.Text;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Restores;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Restores;

/// <summary>
/// What a restore replays: the tables it holds with their expected row counts, its table of contents, and how to stream
/// it into a tool. <see cref="Stored"/> is the backup when the input is a stored artifact, which can be restored in parallel.
/// </summary>
public sealed record RestoreInput(List<ArchivedTable> Tables, string? TocList, bool SchemaOnly, Func<PgProcess, JobControl, Task<long>> FeedAsync)
{
    public BackupJob? Stored { get; init; }

    public static RestoreInput From(BackupJob backup, ArtifactReader reader) => new(
        backup.Details!.Tables, backup.Details.TocList, backup.BackupType == BackupType.SchemaOnly, (tool, control) => reader.FeedAsync(backup, tool, control))
    {
        Stored = backup,
    };
}

/// <summary>
/// Restores a backup. A whole database goes into a new database (or, when overwriting, into a fresh one that replaces
/// the target only after it restored cleanly and its row counts match). Selected tables go through one transaction:
/// the old tables are dropped, the archive's entries for the tables are replayed, and foreign keys from other tables
/// are put back — any error rolls all of it back. Before overwriting anything a safety backup of the target is taken.
/// </summary>
public sealed class RestoreRunner(
    CatalogDbContext db, SourceConnector connector, PgToolbox tools, ArtifactReader reader, ParallelRestore parallel, BackupRunner backups,
    Pitr.PointInTimeRecovery pitr, IOptions<WorkerOptions> workerOptions, ILogger<RestoreRunner> logger)
{
    public async Task RunAsync(RestoreOperation operation, JobControl control, string workerId)
    {
        var cancellationToken = control.Token;
        if (operation.Status != RestoreStatus.Running) operation.Start();
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            var backup = await db.BackupJobs.FindAsync([operation.BackupJobId], cancellationToken)
                ?? throw new InvalidOperationException($"Backup {operation.BackupJobId} no longer exists.");
            var target = await db.Sources.FindAsync([operation.TargetSourceId], cancellationToken)
                ?? throw new InvalidOperationException($"Target source {operation.TargetSourceId} no longer exists.");
            RestoreRules.EnsureRestorable(backup, operation.Force);
            if (operation.RestoreType != RestoreType.PointInTime)
            {
                await RestoreAsync(operation, RestoreInput.From(backup, reader), target, control, workerId);
                return;
            }
            var source = await db.Sources.FindAsync([backup.SourceId], cancellationToken)
                ?? throw new InvalidOperationException($"Source {backup.SourceId} no longer exists.");
            await using var recovered = await pitr.RecoverAsync(operation, backup, source, control);
            if (operation.KeepInstance)
            {
                await pitr.KeepAsync(recovered, operation, source, cancellationToken);
                operation.Complete(0, []);
                return;
            }
            await RestoreAsync(operation, await pitr.InputAsync(recovered, operation, source, cancellationToken), target, control, workerId);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            if (control.StopReason is { } reason && control.CancelledByUser) operation.Cancel(reason);
            else operation.Fail(e is OperationCanceledException ? control.StopReason ?? "The restore was interrupted because the Api stopped." : e.Message);
            logger.LogWarning("Restore {RestoreId} {Status}: {Error}", operation.Id, operation.Status, operation.ErrorMessage);
        }
        finally
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    private async Task RestoreAsync(RestoreOperation operation, RestoreInput input, Source target, JobControl control, string workerId)
    {
        var cancellationToken = control.Token;
        var server = connector.For(target, operation.TargetDatabase);
        var exists = await DatabaseAdmin.DatabaseExistsAsync(server, operation.TargetDatabase, cancellationToken);
        if (exists && !operation.Overwrite)
            throw new DomainException($"Database '{operation.TargetDatabase}' exists and overwrite was not requested.");
        if (exists)
            operation.SafetyBackupId = await SafetyBackupAsync(target, operation, workerId, cancellationToken);

        var partial = operation.Tables.Count > 0;
        var tables = partial ? input.Tables.Where(t => operation.Tables.Contains(t.QualifiedName)).ToList() : input.Tables;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bytes = partial
            ? await RestoreTablesAsync(input, server, exists, tables, operation.NoOwner, control)
            : await RestoreDatabaseAsync(input, server, exists, operation.NoOwner, control, operation.RecordTiming);
        var restoreSeconds = clock.Elapsed.TotalSeconds;
        var counts = await DatabaseAdmin.CompareCountsAsync(server, tables, input.SchemaOnly, cancellationToken);
        operation.RecordTiming("restore_seconds", restoreSeconds);
        operation.RecordTiming("count_seconds", clock.Elapsed.TotalSeconds - restoreSeconds);
        operation.Complete(bytes, counts);
        logger.LogInformation("Restore {RestoreId} into {Database}: {Status} ({Bytes} bytes restored in {RestoreSeconds:F1} s, row counts checked in {CountSeconds:F1} s)",
            operation.Id, operation.TargetDatabase, operation.Status, bytes, restoreSeconds, clock.Elapsed.TotalSeconds - restoreSeconds);
    }

    private async Task<Guid> SafetyBackupAsync(Source target, RestoreOperation operation, string workerId, CancellationToken cancellationToken)
    {
        var safety = new BackupJob
        {
            SourceId = target.Id,
            DatabaseName = operation.TargetDatabase,
            BackupType = BackupType.Full,
            Trigger = BackupTrigger.Safety,
            RequestedBy = operation.RequestedBy,
            // Leased by the restore's worker, so a worker that dies mid-way leaves no backup running forever.
            WorkerId = workerId,
            LeaseExpiresAt = DateTimeOffset.UtcNow + workerOptions.Value.Lease,
        };
        safety.Start();
        db.BackupJobs.Add(safety);
        await backups.RunAsync(safety, cancellationToken);
        if (safety.Status != JobStatus.Completed)
            throw new InvalidOperationException($"The safety backup of '{operation.TargetDatabase}' failed, so nothing was restored: {safety.ErrorMessage}");
        return safety.Id;
    }

    private async Task<long> RestoreDatabaseAsync(
        RestoreInput input, PgEndpoint server, bool replace, bool noOwner, JobControl control, Action<string, double> recordTiming)
    {
        var cancellationToken = control.Token;
        var target = server.Database;
        var suffix = "_bp_" + Guid.NewGuid().ToString("N")[..12];
        var work = replace ? target[..Math.Min(target.Length, 63 - suffix.Length)] + suffix : target;
        await DatabaseAdmin.CreateDatabaseAsync(server, work, cancellationToken);
        try
        {
            var bytes = input.Stored is { } stored
                && await parallel.TryRunAsync(stored, server.WithDatabase(work), OwnerArgs(noOwner), control, recordTiming) is { } restored
                ? restored
                : await RestoreInOneProcessAsync(input, server.WithDatabase(work), noOwner, control);
            if (!replace) return bytes;

            var counts = await DatabaseAdmin.CompareCountsAsync(server.WithDatabase(work), input.Tables, input.SchemaOnly, cancellationToken);
            if (counts.Any(c => !c.Matches))
                throw new InvalidOperationException($"The restored copy's row counts differ from the backup, so '{target}' was left as it was.");
            await DatabaseAdmin.DropDatabaseAsync(server, target, cancellationToken);
            await DatabaseAdmin.RenameDatabaseAsync(server, work, target, CancellationToken.None);
            return bytes;
        }
        catch
        {
            await DatabaseAdmin.DropDatabaseAsync(server, work, CancellationToken.None);
            throw;
        }
    }

    private async Task<long> RestoreInOneProcessAsync(RestoreInput input, PgEndpoint database, bool noOwner, JobControl control)
    {
        string[] args = ["--exit-on-error", "--no-password", .. OwnerArgs(noOwner), "--dbname", database.Database];
        await using var restore = PgProcess.Start(tools.PgRestore, args, database, redirectStdin: true, redirectStdout: false, captureStdout: true);
        var bytes = await input.FeedAsync(restore, control);
        await restore.EnsureSuccessAsync(control.Token);
        return bytes;
    }

    private async Task<long> RestoreTablesAsync(
        RestoreInput input, PgEndpoint server, bool existing, List<ArchivedTable> tables, bool noOwner, JobControl control)
    {
        var cancellationToken = control.Token;
        var (list, skipped) = ArchiveToc.Parse(input.TocList!).Select(tables, intoNewDatabase: !existing);
        if (skipped.Count > 0)
            logger.LogInformation("Partial restore leaves out foreign keys to tables it does not restore: {Keys}", string.Join(", ", skipped));
        if (!existing) await DatabaseAdmin.CreateDatabaseAsync(server, server.Database, cancellationToken);
        var listFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(listFile, list, cancellationToken);
            var (preamble, epilogue) = existing ? await ReplacementScriptAsync(server, tables, cancellationToken) : ("", "");

            await using var psql = PgProcess.Start(tools.Psql,
                ["-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-", "-o", "/dev/null"],
                server, redirectStdin: true, redirectStdout: false, captureStdout: true);
            await using var sql = PgProcess.Start(tools.PgRestore,
                ["--use-list", listFile, "--file", "-", .. OwnerArgs(noOwner)], server, redirectStdin: true, redirectStdout: true);
            try
            {
                await psql.Stdin.WriteAsync(Encoding.UTF8.GetBytes(preamble), cancellationToken);
                var translate = StreamPump.CopyAsync(sql.Stdout, null, [psql.Stdin], cancellationToken);
                var bytes = await input.FeedAsync(sql, control);
                await sql.EnsureSuccessAsync(cancellationToken);
                await translate;
                await psql.Stdin.WriteAsync(Encoding.UTF8.GetBytes(epilogue), cancellationToken);
                await StreamPump.CloseQuietlyAsync(psql.Stdin);
                await psql.EnsureSuccessAsync(cancellationToken);
                return bytes;
            }
            catch
            {
                psql.Kill();
                throw;
            }
        }
        catch
        {
            if (!existing) await DatabaseAdmin.DropDatabaseAsync(server, server.Database, CancellationToken.None);
            throw;
        }
        finally
        {
            File.Delete(listFile);
        }
    }

    /// <summary>
    /// SQL around the archive's entries when replacing tables in a live database: drop foreign keys that other tables
    /// hold on them and the tables themselves, then put those foreign keys back after the data is in.
    /// </summary>
    private static async Task<(string Preamble, string Epilogue)> ReplacementScriptAsync(PgEndpoint server, List<ArchivedTable> tables, CancellationToken cancellationToken)
    {
        var names = tables.Select(t => PgIdentifier.Quote(t.Schema, t.Name)).ToArray();
        await using var connection = await server.OpenAsync(cancellationToken);
        // With an empty search_path pg_get_constraintdef names every table with its schema, as the replayed SQL needs.
        await using var command = new NpgsqlCommand("""
            set search_path = '';
            with selected as (select pg_catalog.to_regclass(n) as oid from pg_catalog.unnest(@names) n)
            select pg_catalog.format('%I.%I', ns.nspname, c.relname), pg_catalog.quote_ident(co.conname), pg_catalog.pg_get_constraintdef(co.oid)
            from pg_catalog.pg_constraint co
            join pg_catalog.pg_class c on c.oid = co.conrelid join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
            where co.contype = 'f' and co.confrelid in (select oid from selected where oid is not null)
              and co.conrelid not in (select oid from selected where oid is not null)
            """, connection);
        command.Parameters.AddWithValue("names", names);
        var foreignKeys = new List<(string Table, string Name, string Definition)>();
        await using (var rows = await command.ExecuteReaderAsync(cancellationToken))
            while (await rows.ReadAsync(cancellationToken))
                foreignKeys.Add((rows.GetString(0), rows.GetString(1), rows.GetString(2)));

        var preamble = new StringBuilder();
        foreach (var fk in foreignKeys) preamble.AppendLine($"alter table {fk.Table} drop constraint {fk.Name};");
        preamble.AppendLine($"drop table if exists {string.Join(", ", names)};");
        foreach (var schema in tables.Select(t => t.Schema).Distinct()) preamble.AppendLine($"create schema if not exists {PgIdentifier.Quote(schema)};");
        var epilogue = new StringBuilder();
        foreach (var fk in foreignKeys) epilogue.AppendLine($"alter table {fk.Table} add constraint {fk.Name} {fk.Definition};");
        return (preamble.ToString(), epilogue.ToString());
    }

    private static string[] OwnerArgs(bool noOwner) => noOwner ? ["--no-owner", "--no-privileges"] : [];
}
