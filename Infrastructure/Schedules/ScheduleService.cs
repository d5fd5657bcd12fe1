using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Schedules;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Schedules;

public sealed record ScheduleInput(
    string Name, Guid SourceId, BackupType BackupType, string CronExpression, string TimeZone, bool IsActive, int RetentionDays,
    int MaxAttempts, int RetryBackoffSeconds, int KeepDaily, int KeepWeekly, int KeepMonthly, int KeepYearly, List<Guid>? StorageLocationIds = null);

public sealed record FiredSchedule(Guid ScheduleId, string Name, DateTimeOffset ScheduledFor, Guid? BackupJobId, string Outcome);

/// <summary>
/// Cron schedules of backups. Firing a due occurrence inserts one job keyed by (schedule, occurrence), so two
/// instances ticking the same second create one job; a run still going makes the next occurrence a recorded skip.
/// </summary>
public sealed class ScheduleService(CatalogDbContext db, BackupService backups, JobSignal signal, Storage.StorageService storage)
{
    /// <summary>The seed's four default schedules, given to every new source; the monthly archive keeps long.</summary>
    public static readonly (string Name, string Cron, BackupType Type, Domain.Retention.RetentionPolicy Policy)[] Defaults =
    [
        ("Daily full backup", "0 2 * * *", BackupType.Full, new(KeepDaily: 7, KeepWeekly: 4, KeepMonthly: 0)),
        ("Hourly incremental (business hours)", "0 9-17 * * 1-5", BackupType.Incremental, new(IncrementalKeepDays: 30)),
        ("Weekly schema", "0 3 * * 0", BackupType.SchemaOnly, new(KeepDaily: 0, KeepWeekly: 8, KeepMonthly: 0)),
        ("Monthly archive", "0 1 1 * *", BackupType.Full, new(KeepDaily: 0, KeepWeekly: 0, KeepMonthly: 12, KeepYearly: 5)),
    ];

    /// <summary>Added when a source gets point-in-time recovery: a fresh base keeps restores short and lets old WAL go.</summary>
    public static readonly (string Name, string Cron, BackupType Type, Domain.Retention.RetentionPolicy Policy) BaseDefault =
        ("Daily base backup (point-in-time recovery)", "30 2 * * *", BackupType.Base, new(KeepDaily: 7, KeepWeekly: 4, KeepMonthly: 0));

    public Task<List<BackupSchedule>> ListAsync(Guid? sourceId, CancellationToken cancellationToken) =>
        db.BackupSchedules.AsNoTracking().Where(s => sourceId == null || s.SourceId == sourceId)
            .OrderBy(s => s.SourceId).ThenBy(s => s.CreatedAt).ToListAsync(cancellationToken);

    public async Task<BackupSchedule> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.BackupSchedules.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Schedule", id);

    /// <summary>For references in request bodies: a missing schedule is a 404 naming the field.</summary>
    public async Task<BackupSchedule> FindForFieldAsync(Guid id, string field, CancellationToken cancellationToken) =>
        await db.BackupSchedules.FindAsync([id], cancellationToken) ?? throw new DomainException($"No schedule with id {id}.", field, 404);

    public async Task<BackupSchedule> CreateAsync(ScheduleInput input, CancellationToken cancellationToken)
    {
        await EnsureSourceAsync(input.SourceId, cancellationToken);
        var schedule = new BackupSchedule { Name = input.Name, CronExpression = input.CronExpression };
        Apply(schedule, input);
        schedule.StorageLocationIds = input.StorageLocationIds is { } ids ? await storage.CheckedAsync(ids, "storageLocationIds", cancellationToken) : null;
        db.BackupSchedules.Add(schedule);
        await db.SaveChangesAsync(cancellationToken);
        return schedule;
    }

    public async Task<BackupSchedule> UpdateAsync(Guid id, ScheduleInput input, CancellationToken cancellationToken)
    {
        var schedule = await GetAsync(id, cancellationToken);
        await EnsureSourceAsync(input.SourceId, cancellationToken);
        Apply(schedule, input);
        schedule.StorageLocationIds = input.StorageLocationIds is { } ids ? await storage.CheckedAsync(ids, "storageLocationIds", cancellationToken) : null;
        await db.SaveChangesAsync(cancellationToken);
        return schedule;
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        db.BackupSchedules.Remove(await GetAsync(id, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<BackupSchedule> SetActiveAsync(Guid id, bool active, CancellationToken cancellationToken)
    {
        var schedule = await GetAsync(id, cancellationToken);
        schedule.IsActive = active;
        // Resuming plans from now: occurrences missed while paused are not fired late.
        schedule.NextRunAt = active ? CronRules.Occurrences(schedule.CronExpression, schedule.TimeZone, DateTimeOffset.UtcNow).FirstOrDefault() : null;
        schedule.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return schedule;
    }

    public static List<DateTimeOffset> Preview(BackupSchedule schedule, int count, DateTimeOffset from)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        return [.. CronRules.Occurrences(schedule.CronExpression, schedule.TimeZone, from).Take(count).Select(o => TimeZoneInfo.ConvertTime(o, zone))];
    }

    /// <summary>Runs a schedule now, outside its cron times.</summary>
    public async Task<BackupJob> RunNowAsync(Guid id, string requestedBy, CancellationToken cancellationToken)
    {
        var schedule = await GetAsync(id, cancellationToken);
        return await backups.QueueAsync(schedule.SourceId, schedule.BackupType, schedule.Id, requestedBy, cancellationToken);
    }

    public Task AddDefaultsAsync(Guid sourceId, CancellationToken cancellationToken) => AddAsync(sourceId, Defaults, cancellationToken);

    public async Task AddBaseDefaultAsync(Guid sourceId, CancellationToken cancellationToken)
    {
        if (!await db.BackupSchedules.AnyAsync(s => s.SourceId == sourceId && s.BackupType == BackupType.Base, cancellationToken))
            await AddAsync(sourceId, [BaseDefault], cancellationToken);
    }

    private async Task AddAsync(
        Guid sourceId, IEnumerable<(string Name, string Cron, BackupType Type, Domain.Retention.RetentionPolicy Policy)> schedules, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (name, cron, type, policy) in schedules)
        {
            db.BackupSchedules.Add(new BackupSchedule
            {
                Name = name, SourceId = sourceId, BackupType = type, CronExpression = cron, TimeZone = "UTC",
                RetentionDays = policy.IncrementalKeepDays, KeepDaily = policy.KeepDaily, KeepWeekly = policy.KeepWeekly,
                KeepMonthly = policy.KeepMonthly, KeepYearly = policy.KeepYearly,
                NextRunAt = CronRules.Occurrences(cron, "UTC", now).First(),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<List<FiredSchedule>> RunDueAsync(DateTimeOffset now, string requestedBy, CancellationToken cancellationToken)
    {
        var fired = new List<FiredSchedule>();
        var due = await db.BackupSchedules.Where(s => s.IsActive && (s.NextRunAt == null || s.NextRunAt <= now)).ToListAsync(cancellationToken);
        foreach (var schedule in due)
        {
            if (schedule.NextRunAt is { } occurrence) fired.Add(await FireAsync(schedule, occurrence, requestedBy, cancellationToken));
            // Never planned yet: plan it rather than firing a run nobody asked for. Missed occurrences are not caught up.
            schedule.NextRunAt = CronRules.Occurrences(schedule.CronExpression, schedule.TimeZone, now).FirstOrDefault();
            await db.SaveChangesAsync(cancellationToken);
        }
        return fired;
    }

    private async Task<FiredSchedule> FireAsync(BackupSchedule schedule, DateTimeOffset occurrence, string requestedBy, CancellationToken cancellationToken)
    {
        schedule.LastRunAt = occurrence;
        var running = await db.BackupJobs.Where(j => j.ScheduleId == schedule.Id && (j.Status == JobStatus.Pending || j.Status == JobStatus.Running))
            .Select(j => (Guid?)j.Id).FirstOrDefaultAsync(cancellationToken);
        try
        {
            var job = await backups.QueueScheduledAsync(schedule, occurrence, requestedBy, skippedBecauseOf: running, cancellationToken);
            schedule.LastStatus = running is null ? "queued" : "skipped";
            return new FiredSchedule(schedule.Id, schedule.Name, occurrence, job.Id, schedule.LastStatus);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another instance fired this occurrence first.
            foreach (var added in db.ChangeTracker.Entries<BackupJob>().Where(x => x.State == EntityState.Added).ToList()) added.State = EntityState.Detached;
            return new FiredSchedule(schedule.Id, schedule.Name, occurrence, null, "already fired");
        }
        finally
        {
            signal.Notify();
        }
    }

    private static void Apply(BackupSchedule schedule, ScheduleInput input)
    {
        schedule.Name = input.Name;
        schedule.SourceId = input.SourceId;
        schedule.BackupType = input.BackupType;
        schedule.CronExpression = input.CronExpression.Trim();
        schedule.TimeZone = input.TimeZone;
        schedule.IsActive = input.IsActive;
        schedule.RetentionDays = input.RetentionDays;
        schedule.MaxAttempts = input.MaxAttempts;
        schedule.RetryBackoffSeconds = input.RetryBackoffSeconds;
        (schedule.KeepDaily, schedule.KeepWeekly, schedule.KeepMonthly, schedule.KeepYearly) = (input.KeepDaily, input.KeepWeekly, input.KeepMonthly, input.KeepYearly);
        schedule.NextRunAt = input.IsActive ? CronRules.Occurrences(schedule.CronExpression, schedule.TimeZone, DateTimeOffset.UtcNow).FirstOrDefault() : null;
        schedule.UpdatedAt = DateTimeOffset.UtcNow;
    }

    private async Task EnsureSourceAsync(Guid sourceId, CancellationToken cancellationToken)
    {
        if (!await db.Sources.AnyAsync(s => s.Id == sourceId, cancellationToken))
            throw new DomainException($"No source with id {sourceId}.", "sourceId", 404);
    }
}
