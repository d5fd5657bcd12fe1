using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Restores;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Jobs;

/// <summary>
/// Runs queued restores, backups and verifications inside the Api. Jobs are claimed from the catalog with
/// <c>FOR UPDATE SKIP LOCKED</c>, so queued work survives a restart and no job runs twice.
/// </summary>
public sealed class JobWorker(IServiceScopeFactory scopes, JobSignal signal, IBackupStorage storage, IOptions<WorkerOptions> options, ILogger<JobWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, options.Value.Concurrency).Select(_ => LoopAsync(stoppingToken)));
    }

    /// <summary>This single-instance worker owns every running job, so any left running died with the last process.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        const string lost = "worker lost: the Api stopped while this job was running";
        var backups = await db.Database.ExecuteSqlRawAsync(
            "update backup_jobs set status = 'failed', error_message = {0}, completed_at = now() where status = 'running'", [lost], cancellationToken);
        var restores = await db.Database.ExecuteSqlRawAsync(
            "update restore_operations set status = 'failed', error_message = {0}, completed_at = now() where status = 'running'", [lost], cancellationToken);
        await db.Database.ExecuteSqlRawAsync("update backup_jobs set verifying_since = null where verifying_since is not null", cancellationToken);
        var partials = await storage.DeleteUnfinishedAsync(cancellationToken);
        if (backups + restores + partials > 0)
            logger.LogWarning("Recovered after a stop: {Backups} backups and {Restores} restores marked failed, {Partials} unfinished uploads deleted", backups, restores, partials);
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

    private async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CatalogDbContext>();

        var restoreId = await ClaimAsync(db, """
            update restore_operations set status = 'running', started_at = now()
            where id = (select id from restore_operations where status = 'pending' order by created_at for update skip locked limit 1)
            returning id
            """, cancellationToken);
        if (restoreId is { } r)
        {
            var operation = await db.RestoreOperations.SingleAsync(o => o.Id == r, cancellationToken);
            await services.GetRequiredService<RestoreRunner>().RunAsync(operation, cancellationToken);
            return true;
        }

        var backupId = await ClaimAsync(db, """
            update backup_jobs set status = 'running', started_at = now()
            where id = (select id from backup_jobs where status = 'pending' order by created_at for update skip locked limit 1)
            returning id
            """, cancellationToken);
        if (backupId is { } b)
        {
            var job = await db.BackupJobs.SingleAsync(j => j.Id == b, cancellationToken);
            await services.GetRequiredService<BackupRunner>().RunAsync(job, cancellationToken);
            return true;
        }

        var verifyId = await ClaimAsync(db, """
            update backup_jobs set verifying_since = now()
            where id = (select id from backup_jobs where status = 'completed' and verification_status = 'pending' and verifying_since is null
                        order by completed_at for update skip locked limit 1)
            returning id
            """, cancellationToken);
        if (verifyId is { } v)
        {
            var job = await db.BackupJobs.SingleAsync(j => j.Id == v, cancellationToken);
            await services.GetRequiredService<VerificationService>().RunAsync(job, cancellationToken);
            return true;
        }
        return false;
    }

    private static async Task<Guid?> ClaimAsync(CatalogDbContext db, string sql, CancellationToken cancellationToken)
    {
        var ids = await db.Database.SqlQueryRaw<Guid>(sql).ToListAsync(cancellationToken);
        return ids.Count == 0 ? null : ids[0];
    }
}
