using BackupPortal.Domain.Common;
using BackupPortal.Domain.Drills;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.Schedules;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Drills;

/// <summary>What a client may set on a source's drills. Checks replace the stored list.</summary>
public sealed record DrillSettings(string CronExpression, bool Enabled, Guid? TargetSourceId, List<SqlCheck> Checks);

/// <summary>The last drill that passed: when the source was last proven restorable, and how long the restore took.</summary>
public sealed record ProvenRestorable(Guid SourceId, Guid DrillId, DateTimeOffset At, double? RtoSeconds);

/// <summary>Restore drills: queued by hand or by each source's drill schedule, run by the job worker.</summary>
public sealed class DrillService(CatalogDbContext db, JobSignal signal)
{
    public async Task<RestoreDrill> QueueAsync(Guid sourceId, string requestedBy, CancellationToken cancellationToken)
    {
        var source = await SourceAsync(sourceId, cancellationToken);
        if (await db.RestoreDrills.AnyAsync(d => d.SourceId == sourceId && (d.Status == DrillStatus.Pending || d.Status == DrillStatus.Running), cancellationToken))
            throw new ConflictException($"A restore drill of '{source.Name}' is already queued or running.");
        var drill = new RestoreDrill { SourceId = sourceId, RequestedBy = requestedBy };
        db.RestoreDrills.Add(drill);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return drill;
    }

    public async Task<RestoreDrill> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.RestoreDrills.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken) ?? throw new NotFoundException("Restore drill", id);

    public async Task<List<RestoreDrill>> ListAsync(Guid sourceId, int limit, CancellationToken cancellationToken)
    {
        await SourceAsync(sourceId, cancellationToken);
        return await db.RestoreDrills.AsNoTracking().Where(d => d.SourceId == sourceId).OrderByDescending(d => d.CreatedAt).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Per source (or for one), the newest drill that passed.</summary>
    public async Task<Dictionary<Guid, ProvenRestorable>> ProvenAsync(CancellationToken cancellationToken, Guid? sourceId = null) =>
        (await db.RestoreDrills.AsNoTracking().Where(d => d.Status == DrillStatus.Passed && (sourceId == null || d.SourceId == sourceId))
            .GroupBy(d => d.SourceId).Select(g => g.OrderByDescending(d => d.CompletedAt).First()).ToListAsync(cancellationToken))
        .ToDictionary(d => d.SourceId, d => new ProvenRestorable(d.SourceId, d.Id, d.CompletedAt!.Value, d.RtoSeconds));

    public async Task<Source> SaveSettingsAsync(Guid sourceId, DrillSettings settings, CancellationToken cancellationToken)
    {
        var source = await db.Sources.FindAsync([sourceId], cancellationToken) ?? throw new NotFoundException("Source", sourceId);
        if (settings.TargetSourceId is { } target && !await db.Sources.AnyAsync(s => s.Id == target, cancellationToken))
            throw new DomainException($"No source with id {target}.", "targetSourceId", 404);
        (source.DrillCronExpression, source.DrillEnabled, source.DrillTargetSourceId, source.SqlChecks) =
            (settings.CronExpression.Trim(), settings.Enabled, settings.TargetSourceId, settings.Checks);
        source.DrillNextRunAt = settings.Enabled ? CronRules.Occurrences(source.DrillCronExpression, "UTC", DateTimeOffset.UtcNow).FirstOrDefault() : null;
        source.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return source;
    }

    /// <summary>Queues the drills whose occurrence has come; each (source, occurrence) fires once, however many instances tick.</summary>
    public async Task<int> RunDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fired = 0;
        foreach (var source in await db.Sources.Where(s => s.Enabled && s.DrillEnabled && (s.DrillNextRunAt == null || s.DrillNextRunAt <= now)).ToListAsync(cancellationToken))
        {
            if (source.DrillNextRunAt is { } occurrence)
            {
                db.RestoreDrills.Add(new RestoreDrill { SourceId = source.Id, Trigger = DrillTrigger.Schedule, ScheduledFor = occurrence, RequestedBy = "scheduler" });
                fired++;
            }
            // Never planned yet: plan it rather than firing a drill nobody asked for.
            source.DrillNextRunAt = CronRules.Occurrences(source.DrillCronExpression, "UTC", now).FirstOrDefault();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Another instance fired this occurrence first; the next run is still moved on.
                foreach (var added in db.ChangeTracker.Entries<RestoreDrill>().Where(x => x.State == EntityState.Added).ToList()) added.State = EntityState.Detached;
                await db.SaveChangesAsync(cancellationToken);
                fired--;
            }
        }
        if (fired > 0) signal.Notify();
        return fired;
    }

    private async Task<Source> SourceAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Sources.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new NotFoundException("Source", id);
}
