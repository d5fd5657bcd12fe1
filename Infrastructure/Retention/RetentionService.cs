using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Retention;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Retention;

public sealed record RetentionItem(Guid BackupId, BackupType BackupType, Guid? ScheduleId, DateTimeOffset? TakenAt, string Reason);

public sealed record RetentionPreview(Guid SourceId, bool Paused, List<RetentionItem> Delete, List<RetentionItem> Keep);

/// <summary>Applies each schedule's retention policy (manual and safety backups follow the default policy), with the safety rails.</summary>
public sealed class RetentionService(CatalogDbContext db, StorageLocations locations, ILogger<RetentionService> logger)
{
    public const string ManualGroup = "manual";
    public const int RestoreArchiveDays = 90;

    public async Task<RetentionPreview> PreviewAsync(Guid sourceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var backups = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == sourceId && j.Status == JobStatus.Completed).ToListAsync(cancellationToken);
        var policies = await db.BackupSchedules.AsNoTracking().Where(s => s.SourceId == sourceId)
            .ToDictionaryAsync(s => s.Id.ToString(), s => s.Policy, cancellationToken);
        var recent = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == sourceId && (j.Status == JobStatus.Completed || j.Status == JobStatus.Failed) && j.Trigger != BackupTrigger.Safety)
            .OrderByDescending(j => j.CreatedAt).Take(RetentionPolicy.FailuresThatPauseRetention).Select(j => j.Status).ToListAsync(cancellationToken);
        var failuresInARow = recent.TakeWhile(s => s == JobStatus.Failed).Count();

        var decisions = Domain.Retention.Retention.Decide(
            [.. backups.Select(j => new RetainedBackup(j.Id, j.CompletedAt ?? j.CreatedAt, j.BackupType == BackupType.Incremental,
                j.BackupType == BackupType.Full && j.VerificationStatus == VerificationStatus.Verified, j.ScheduleId?.ToString() ?? ManualGroup,
                j.Details?.Wal?.BaseBackupId))],
            group => policies.GetValueOrDefault(group) ?? new RetentionPolicy(), now, TimeZoneInfo.Utc, failuresInARow);
        var byId = backups.ToDictionary(j => j.Id);
        RetentionItem Item(RetentionDecision d) => new(d.BackupId, byId[d.BackupId].BackupType, byId[d.BackupId].ScheduleId, byId[d.BackupId].CompletedAt, d.Reason);
        return new RetentionPreview(sourceId, failuresInARow >= RetentionPolicy.FailuresThatPauseRetention,
            [.. decisions.Where(d => !d.Keep).Select(Item)], [.. decisions.Where(d => d.Keep).Select(Item)]);
    }

    /// <summary>
    /// Deletes what the policy lets go: the job becomes <c>expired</c>, and its artifact and manifest leave every location
    /// holding a copy. A location that cannot be reached keeps its copy on record, and the next run tries it again.
    /// </summary>
    public async Task<List<RetentionItem>> CleanupAsync(Guid? sourceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sources = sourceId is { } one ? [one] : await db.Sources.Select(s => s.Id).ToListAsync(cancellationToken);
        var deleted = new List<RetentionItem>();
        foreach (var source in sources)
        {
            foreach (var item in (await PreviewAsync(source, now, cancellationToken)).Delete)
            {
                var job = await db.BackupJobs.SingleAsync(j => j.Id == item.BackupId, cancellationToken);
                job.Expire($"Expired by retention: {item.Reason}.");
                await db.SaveChangesAsync(cancellationToken);
                await DeleteCopiesAsync(job, cancellationToken);
                deleted.Add(item);
            }
            foreach (var job in await db.BackupJobs.Where(j => j.SourceId == source && j.Status == JobStatus.Expired
                         && db.BackupCopies.Any(c => c.BackupJobId == j.Id && c.Status == CopyState.Stored)).ToListAsync(cancellationToken))
                await DeleteCopiesAsync(job, cancellationToken);
            await PruneWalAsync(source, cancellationToken);
        }
        var archived = await db.RestoreOperations
            .Where(r => r.ArchivedAt == null && r.CreatedAt < now.AddDays(-RestoreArchiveDays)
                        && (r.Status == Domain.Restores.RestoreStatus.Completed || r.Status == Domain.Restores.RestoreStatus.Failed))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ArchivedAt, now), cancellationToken);
        if (deleted.Count + archived > 0) logger.LogInformation("Retention expired {Count} backups and archived {Archived} restore operations", deleted.Count, archived);
        return deleted;
    }

    private async Task DeleteCopiesAsync(BackupJob job, CancellationToken cancellationToken)
    {
        if (job.StoragePath is not { } path) return;
        var copies = await db.BackupCopies.Where(c => c.BackupJobId == job.Id && c.Status == CopyState.Stored).ToListAsync(cancellationToken);
        // A backup from before storage policies has no copy rows: it lives in the default location.
        var targets = copies.Count > 0 ? copies.Select(c => (Copy: (BackupCopy?)c, Ids: (IReadOnlyList<Guid>?)[c.LocationId])).ToList() : [(null, null)];
        foreach (var (copy, ids) in targets)
        {
            var storage = await locations.ReplicateAsync(ids, cancellationToken);
            try
            {
                await storage.DeleteAsync(path, cancellationToken);
                await storage.DeleteAsync(ArtifactManifest.PathFor(path), cancellationToken);
                if (copy is not null) (copy.Status, copy.DeletedAt) = (CopyState.Deleted, DateTimeOffset.UtcNow);
            }
            catch (IOException e)
            {
                logger.LogWarning("Retention could not delete backup {JobId} from {Storage}; the next run tries again: {Error}", job.Id, storage.Name, e.Message);
                if (copy is not null) copy.Error = e.Message;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Archived WAL older than the oldest remaining base backup can no longer be replayed from anything; it goes. Without a base, all WAL stays.</summary>
    private async Task PruneWalAsync(Guid sourceId, CancellationToken cancellationToken)
    {
        var bases = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == sourceId && j.BackupType == BackupType.Base && j.Status == JobStatus.Completed && j.Details != null)
            .Select(j => j.Details).ToListAsync(cancellationToken);
        var segmentBytes = await db.WalSegments.Where(w => w.SourceId == sourceId && w.SegmentNumber != null).Select(w => (long?)w.OriginalBytes).FirstOrDefaultAsync(cancellationToken);
        var ranges = bases.Select(d => d?.Wal).OfType<WalRange>().ToList();
        if (ranges.Count == 0 || segmentBytes is null) return;
        var oldest = ranges.MinBy(w => Domain.Pitr.Lsn.Parse(w.EndLsn))!;
        var first = (long)Domain.Pitr.Lsn.SegmentOf(Domain.Pitr.Lsn.Parse(oldest.EndLsn), segmentBytes.Value);
        var stale = await db.WalSegments
            .Where(w => w.SourceId == sourceId && w.SegmentNumber != null && w.Timeline <= oldest.Timeline && w.SegmentNumber < first)
            .ToListAsync(cancellationToken);
        foreach (var segment in stale)
        {
            try
            {
                await (await locations.ForReadAsync(segment, cancellationToken)).DeleteAsync(segment.StoragePath, cancellationToken);
                db.WalSegments.Remove(segment);
            }
            catch (IOException e)
            {
                logger.LogWarning("Retention could not delete WAL file {File}; the next run tries again: {Error}", segment.FileName, e.Message);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        if (stale.Count > 0) logger.LogInformation("Retention removed {Count} WAL segments older than the oldest base backup of source {Source}", stale.Count, sourceId);
    }
}
