using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Schedules;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Backups;

public sealed record BackupQuery(Guid? SourceId, BackupType? Type, JobStatus? Status, int Page, int PageSize);

public sealed record PagedList<T>(List<T> Items, int Page, int PageSize, int Total);

/// <summary>One copy of a backup as the API shows it.</summary>
public sealed record CopyInfo(Guid LocationId, string Location, Domain.Storage.CopyState Status, long? SizeBytes, string? ChecksumSha256, int Attempts, string? Error, DateTimeOffset? StoredAt);

public sealed class BackupService(CatalogDbContext db, JobSignal signal, StorageLocations locations)
{
    /// <summary>Where the backup's copies are, in the order reads try them.</summary>
    public Task<List<CopyInfo>> CopiesAsync(Guid id, CancellationToken cancellationToken) =>
        db.BackupCopies.AsNoTracking().Where(c => c.BackupJobId == id).OrderBy(c => c.Position)
            .Join(db.StorageLocations, c => c.LocationId, l => l.Id, (c, l) => new CopyInfo(l.Id, l.Name, c.Status, c.SizeBytes, c.ChecksumSha256, c.Attempts, c.Error, c.StoredAt))
            .ToListAsync(cancellationToken);

    /// <summary>The manifest stored beside a completed backup's artifact, exactly as written there.</summary>
    public async Task<string> ManifestAsync(Guid id, CancellationToken cancellationToken)
    {
        var job = await GetAsync(id, cancellationToken);
        if (job.Status != JobStatus.Completed || job.StoragePath is not { } path)
            throw new ConflictException($"Backup {id} is '{job.Status.ToString().ToLowerInvariant()}'; only completed backups have a manifest.", "id");
        var storage = await locations.ForReadAsync(job, cancellationToken);
        try
        {
            await using var stream = await storage.OpenReadAsync(ArtifactManifest.PathFor(path), cancellationToken);
            using var reader = new StreamReader(stream);
            return await reader.ReadToEndAsync(cancellationToken);
        }
        catch (FileNotFoundException)
        {
            throw new DomainException($"The manifest of backup {id} is missing from storage '{storage.Name}'.", "id", 404);
        }
    }

    public async Task<BackupJob> QueueAsync(Guid sourceId, BackupType type, Guid? scheduleId, string requestedBy, CancellationToken cancellationToken)
    {
        var source = await db.Sources.FindAsync([sourceId], cancellationToken)
            ?? throw new DomainException($"No source with id {sourceId}.", "sourceId", 404);
        if (!source.Enabled)
            throw new DomainException($"Source '{source.Name}' is disabled; enable it to back it up.", "sourceId");
        if (type == BackupType.Incremental && !source.PointInTimeRecovery)
            throw new DomainException($"Incremental backups need point-in-time recovery: enable it for '{source.Name}' (POST /api/v1/sources/{source.Id}/pitr/enable).", "backupType", 422);
        if (scheduleId is { } id && !await db.BackupSchedules.AnyAsync(s => s.Id == id && s.SourceId == sourceId, cancellationToken))
            throw new DomainException($"No schedule {id} for this source.", "scheduleId", 404);

        var job = new BackupJob
        {
            SourceId = sourceId,
            DatabaseName = source.DatabaseName,
            BackupType = type,
            ScheduleId = scheduleId,
            Trigger = BackupTrigger.Manual,
            RequestedBy = requestedBy,
        };
        db.BackupJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return job;
    }

    /// <summary>
    /// The job of one schedule occurrence, unique per (schedule, occurrence). It is queued even for a type the source
    /// cannot take yet, so the run fails with its reason on record; while an earlier run is still going it is recorded
    /// as skipped (cancelled, with the reason) instead of stacking up.
    /// </summary>
    public async Task<BackupJob> QueueScheduledAsync(
        BackupSchedule schedule, DateTimeOffset occurrence, string requestedBy, Guid? skippedBecauseOf, CancellationToken cancellationToken)
    {
        var source = await db.Sources.FindAsync([schedule.SourceId], cancellationToken)
            ?? throw new DomainException($"No source with id {schedule.SourceId}.", "sourceId", 404);
        var job = new BackupJob
        {
            SourceId = source.Id,
            DatabaseName = source.DatabaseName,
            BackupType = schedule.BackupType,
            ScheduleId = schedule.Id,
            ScheduledFor = occurrence,
            Trigger = BackupTrigger.Schedule,
            RequestedBy = requestedBy,
        };
        if (skippedBecauseOf is { } previous)
        {
            job.Status = JobStatus.Cancelled;
            job.CompletedAt = DateTimeOffset.UtcNow;
            job.ErrorMessage = $"Skipped: the previous run of this schedule (backup {previous}) was still going.";
        }
        else if (!source.Enabled)
        {
            job.Fail($"Source '{source.Name}' is disabled.");
        }
        db.BackupJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task<BackupJob> RequestVerificationAsync(Guid id, CancellationToken cancellationToken)
    {
        var job = await GetAsync(id, cancellationToken);
        if (job.Status != JobStatus.Completed)
            throw new DomainException($"Backup {id} is '{job.Status.ToString().ToLowerInvariant()}'; only completed backups can be verified.", "id", 409);
        if (job.VerifyingSince is null)
        {
            job.VerificationStatus = VerificationStatus.Pending;
            await db.SaveChangesAsync(cancellationToken);
            signal.Notify();
        }
        return job;
    }

    /// <summary>Marks a completed backup as being verified by the caller, so the background worker leaves it alone.</summary>
    public async Task<BackupJob> ClaimVerificationAsync(Guid id, CancellationToken cancellationToken)
    {
        var job = await GetAsync(id, cancellationToken);
        if (job.Status != JobStatus.Completed)
            throw new DomainException($"Backup {id} is '{job.Status.ToString().ToLowerInvariant()}'; only completed backups can be verified.", "backupJobId", 409);
        if (job.VerifyingSince is not null)
            throw new ConflictException($"Backup {id} is being verified right now; ask again when it is done.", "backupJobId");
        job.VerificationStatus = VerificationStatus.Pending;
        job.VerifyingSince = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    /// <summary>A queued backup is cancelled at once; a running one is asked to stop, which its worker does within a heartbeat.</summary>
    public async Task<BackupJob> CancelAsync(Guid id, string requestedBy, CancellationToken cancellationToken)
    {
        var reason = $"Cancelled by {requestedBy} before it started.";
        if (await db.BackupJobs.Where(j => j.Id == id && j.Status == JobStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.ErrorMessage, reason)
                    .SetProperty(j => j.CompletedAt, DateTimeOffset.UtcNow), cancellationToken) == 0
            && await db.BackupJobs.Where(j => j.Id == id && j.Status == JobStatus.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.CancelRequestedAt, DateTimeOffset.UtcNow).SetProperty(j => j.CancelRequestedBy, requestedBy), cancellationToken) == 0)
        {
            var job = await GetAsync(id, cancellationToken);
            throw new ConflictException($"Backup {id} is '{job.Status.ToString().ToLowerInvariant()}'; only pending or running backups can be cancelled.", "id");
        }
        return await db.BackupJobs.AsNoTracking().SingleAsync(j => j.Id == id, cancellationToken);
    }

    public async Task<BackupJob> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.BackupJobs.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Backup", id);

    public Task<List<BackupMetric>> MetricsAsync(Guid id, CancellationToken cancellationToken) =>
        db.BackupMetrics.AsNoTracking().Where(m => m.BackupJobId == id).OrderBy(m => m.RecordedAt).ThenBy(m => m.MetricName).ToListAsync(cancellationToken);

    public async Task<PagedList<BackupJob>> ListAsync(BackupQuery query, CancellationToken cancellationToken)
    {
        var jobs = db.BackupJobs.AsNoTracking();
        if (query.SourceId is { } source) jobs = jobs.Where(j => j.SourceId == source);
        if (query.Type is { } type) jobs = jobs.Where(j => j.BackupType == type);
        if (query.Status is { } status) jobs = jobs.Where(j => j.Status == status);
        var total = await jobs.CountAsync(cancellationToken);
        var items = await jobs.OrderByDescending(j => j.CreatedAt).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToListAsync(cancellationToken);
        return new PagedList<BackupJob>(items, query.Page, query.PageSize, total);
    }
}
