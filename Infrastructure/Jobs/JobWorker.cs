using System.Collections.Concurrent;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Restores;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Jobs;

/// <summary>
/// Runs queued restores, backups, restore drills and verifications. Jobs are claimed from the catalog with <c>FOR UPDATE SKIP
/// LOCKED</c> under a lease this instance renews every heartbeat; a job whose lease runs out belonged to a worker that
/// died, and any instance fails it ("worker lost") and removes its unfinished upload. The heartbeat also writes
/// progress and passes cancel requests to the running job.
/// </summary>
public sealed class JobWorker(
    IServiceScopeFactory scopes, NpgsqlDataSource catalog, JobSignal signal, IOptions<WorkerOptions> options,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, JobControl> _running = new();

    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Job worker {WorkerId} started with {Concurrency} slots", WorkerId, options.Value.Concurrency);
        await Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => LoopAsync(stoppingToken)).Append(HeartbeatAsync(stoppingToken)));
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RunNextAsync(stoppingToken))
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The job worker hit an unexpected error; it carries on");
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    private async Task<bool> RunNextAsync(CancellationToken stoppingToken)
    {
        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CatalogDbContext>();
        var lease = options.Value.Lease.TotalSeconds;

        if (await ClaimAsync(db, $$"""
            update restore_operations set status = 'running', started_at = now(), worker_id = {0}, lease_expires_at = now() + {{lease}} * interval '1 second'
            where id = (select id from restore_operations where status = 'pending' order by created_at for update skip locked limit 1)
            returning id
            """, stoppingToken, WorkerId) is { } restoreId)
        {
            var operation = await db.RestoreOperations.SingleAsync(o => o.Id == restoreId, stoppingToken);
            await RunAsync(restoreId, stoppingToken, control => services.GetRequiredService<RestoreRunner>().RunAsync(operation, control, WorkerId));
            return true;
        }

        // One running backup per source: a source with a backup under way keeps its next one queued.
        if (await ClaimAsync(db, $$"""
            update backup_jobs set status = 'running', started_at = now(), worker_id = {0}, lease_expires_at = now() + {{lease}} * interval '1 second'
            where id = (select j.id from backup_jobs j
                        where j.status = 'pending' and (j.not_before is null or j.not_before <= now())
                          and not exists (select 1 from backup_jobs r where r.source_id = j.source_id and r.status = 'running' and r.trigger not in ('safety', 'prerequisite'))
                        order by j.created_at for update skip locked limit 1)
            returning id
            """, stoppingToken, WorkerId) is { } backupId)
        {
            var job = await db.BackupJobs.SingleAsync(j => j.Id == backupId, stoppingToken);
            var retryable = true;
            await RunAsync(backupId, stoppingToken, async control => retryable = await services.GetRequiredService<BackupRunner>().RunAsync(job, control));
            if (job.Status == Domain.Backups.JobStatus.Failed && retryable)
            {
                await using var connection = await catalog.OpenConnectionAsync(CancellationToken.None);
                if (await RetryPolicy.QueueRetriesAsync(connection, [job.Id], CancellationToken.None) > 0)
                    logger.LogInformation("Backup {JobId} will be retried (attempt {Attempt})", job.Id, job.Attempt + 1);
            }
            return true;
        }

        if (await ClaimAsync(db, $$"""
            update restore_drills set status = 'running', started_at = now(), worker_id = {0}, lease_expires_at = now() + {{lease}} * interval '1 second'
            where id = (select id from restore_drills where status = 'pending' order by created_at for update skip locked limit 1)
            returning id
            """, stoppingToken, WorkerId) is { } drillId)
        {
            var drill = await db.RestoreDrills.SingleAsync(d => d.Id == drillId, stoppingToken);
            await RunAsync(drillId, stoppingToken, control => services.GetRequiredService<Drills.DrillRunner>().RunAsync(drill, control, WorkerId));
            return true;
        }

        if (await ClaimAsync(db, """
            update backup_jobs set verifying_since = now()
            where id = (select id from backup_jobs where status = 'completed' and verification_status = 'pending' and verifying_since is null
                        order by completed_at for update skip locked limit 1)
            returning id
            """, stoppingToken) is { } verifyId)
        {
            var job = await db.BackupJobs.SingleAsync(j => j.Id == verifyId, stoppingToken);
            await services.GetRequiredService<VerificationService>().RunAsync(job, stoppingToken);
            return true;
        }
        return false;
    }

    private async Task RunAsync(Guid id, CancellationToken stoppingToken, Func<JobControl, Task> run)
    {
        using var control = new JobControl(id, stoppingToken);
        _running[id] = control;
        try
        {
            await run(control);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    private static async Task<Guid?> ClaimAsync(CatalogDbContext db, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        try
        {
            var ids = await db.Database.SqlQueryRaw<Guid>(sql, parameters).ToListAsync(cancellationToken);
            return ids.Count == 0 ? null : ids[0];
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another instance started a backup of the same source in the same instant; this one waits its turn.
            return null;
        }
    }

    /// <summary>Renews this instance's leases, writes progress, passes on cancel requests, and reaps jobs of dead workers.</summary>
    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(stoppingToken);
                await ReapAsync(stoppingToken);
                await Task.Delay(options.Value.Heartbeat, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A heartbeat that stops would let this instance's own jobs be reaped as lost: log and keep beating.
                logger.LogError(e, "Heartbeat failed; retrying");
                await Task.Delay(options.Value.Heartbeat, stoppingToken);
            }
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        var lease = options.Value.Lease.TotalSeconds;
        await using var connection = await catalog.OpenConnectionAsync(cancellationToken);
        await using (var renew = new NpgsqlCommand($"""
            update backup_jobs set lease_expires_at = now() + {lease} * interval '1 second' where worker_id = @me and status = 'running';
            update restore_operations set lease_expires_at = now() + {lease} * interval '1 second' where worker_id = @me and status = 'running';
            update restore_drills set lease_expires_at = now() + {lease} * interval '1 second' where worker_id = @me and status = 'running';
            """, connection))
        {
            renew.Parameters.AddWithValue("me", WorkerId);
            await renew.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var control in _running.Values)
        {
            await using var beat = new NpgsqlCommand("""
                update backup_jobs set progress_bytes = @bytes, progress_tables_done = @done, progress_tables_total = @total, estimated_bytes = @estimate
                where id = @id and status = 'running';
                update restore_operations set progress_bytes = @bytes where id = @id and status = 'running';
                select coalesce((select status || '|' || coalesce(cancel_requested_by, '') || '|' || (cancel_requested_at is not null)::text from backup_jobs where id = @id),
                                (select status || '|' || coalesce(cancel_requested_by, '') || '|' || (cancel_requested_at is not null)::text from restore_operations where id = @id));
                """, connection);
            beat.Parameters.AddWithValue("id", control.JobId);
            beat.Parameters.AddWithValue("bytes", control.Bytes);
            beat.Parameters.AddWithValue("done", control.TablesDone);
            beat.Parameters.AddWithValue("total", (object?)control.TablesTotal ?? DBNull.Value);
            beat.Parameters.AddWithValue("estimate", (object?)control.EstimatedBytes ?? DBNull.Value);
            var state = (await beat.ExecuteScalarAsync(cancellationToken) as string)?.Split('|');
            if (state is null) continue;
            if (state[2] == "true") control.Stop($"Cancelled by {(state[1].Length > 0 ? state[1] : "a user")}.", byUser: true);
            else if (state[0] != "running") control.Stop($"The catalog marked this job '{state[0]}' while it ran (lease lost or watchdog).", byUser: false);
        }
    }

    /// <summary>Fails jobs whose worker stopped renewing its lease, or that ran past the maximum duration, and removes their partial uploads.</summary>
    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        var maxHours = options.Value.MaxJobDuration.TotalHours;
        await using var connection = await catalog.OpenConnectionAsync(cancellationToken);
        await using var reap = new NpgsqlCommand($"""
            update backup_jobs set status = 'failed', completed_at = now(),
                   error_message = case when lease_expires_at < now() then 'worker lost: ' || coalesce(worker_id, 'unknown worker') || ' stopped renewing its lease while the backup ran'
                                        else 'watchdog: the backup ran longer than {maxHours} hours and was stopped' end
            where status = 'running' and (lease_expires_at < now() or started_at < now() - {maxHours} * interval '1 hour')
            returning id, storage_path, source_id, schedule_id;
            """, connection);
        var leftovers = new List<(string Path, Guid SourceId, Guid? ScheduleId)>();
        var reaped = new List<Guid>();
        await using (var reader = await reap.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
            {
                reaped.Add(reader.GetGuid(0));
                if (!reader.IsDBNull(1)) leftovers.Add((reader.GetString(1), reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetGuid(3)));
            }
        await RetryPolicy.QueueRetriesAsync(connection, reaped, cancellationToken);
        await using var reapRestores = new NpgsqlCommand($"""
            update restore_operations set status = 'failed', completed_at = now(),
                   error_message = case when lease_expires_at < now() then 'worker lost: ' || coalesce(worker_id, 'unknown worker') || ' stopped renewing its lease while the restore ran'
                                        else 'watchdog: the restore ran longer than {maxHours} hours and was stopped' end
            where status = 'running' and (lease_expires_at < now() or started_at < now() - {maxHours} * interval '1 hour');
            update backup_jobs set verifying_since = null where verifying_since < now() - {maxHours} * interval '1 hour';
            update restore_drills set status = 'failed', completed_at = now(),
                   error_message = 'worker lost: ' || coalesce(worker_id, 'unknown worker') || ' stopped renewing its lease while the drill ran; its scratch databases (bp_drill_*) may be left to drop'
            where status = 'running' and lease_expires_at < now();
            """, connection);
        var restores = await reapRestores.ExecuteNonQueryAsync(cancellationToken);
        using (var scope = scopes.CreateScope())
        {
            var locations = scope.ServiceProvider.GetRequiredService<StorageLocations>();
            foreach (var (path, sourceId, scheduleId) in leftovers)
                await (await locations.ForWriteAsync(sourceId, scheduleId, cancellationToken)).DeleteUnfinishedAsync(path, cancellationToken);
        }
        if (reaped.Count + restores > 0)
            logger.LogWarning("Reaped {Backups} backups and {Restores} restores of lost workers", reaped.Count, restores);
    }
}
