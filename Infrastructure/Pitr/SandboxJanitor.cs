using BackupPortal.Domain.Restores;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>
/// Stops and deletes sandboxes left behind by an Api that died mid-restore. Only directories older than the job
/// watchdog's limit go, so a restore still running in another instance on this machine is never touched; kept
/// instances stay until their restore's instance is deleted. Coravel runs it hourly.
/// </summary>
public sealed class SandboxJanitor(
    CatalogDbContext db, PgToolbox tools, IOptions<PitrOptions> options, IOptions<WorkerOptions> worker, ILogger<SandboxJanitor> logger) : IInvocable
{
    public async Task Invoke()
    {
        if (!Directory.Exists(options.Value.SandboxPath)) return;
        var kept = (await db.RestoreOperations.AsNoTracking().Where(r => r.Instance != null).Select(r => r.Instance).ToListAsync())
            .OfType<RestoreInstance>().Where(i => i.StoppedAt is null).Select(i => Path.GetFullPath(i.Directory)).ToHashSet();
        var cutoff = DateTime.UtcNow - worker.Value.MaxJobDuration;
        foreach (var directory in Directory.EnumerateDirectories(options.Value.SandboxPath).Select(Path.GetFullPath))
        {
            if (kept.Contains(directory) || Directory.GetLastWriteTimeUtc(directory) > cutoff) continue;
            logger.LogWarning("Removing abandoned sandbox {Directory}", directory);
            await Sandbox.DestroyAsync(directory, options.Value, tools);
        }
    }
}
