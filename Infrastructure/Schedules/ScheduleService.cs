using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Schedules;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using Cronos;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Schedules;

public sealed record FiredSchedule(Guid ScheduleId, string Name, DateTimeOffset ScheduledFor, Guid? BackupJobId, string Outcome);

/// <summary>Fires schedules whose next run is due. Each occurrence becomes at most one job, whoever fires it.</summary>
public sealed class ScheduleService(CatalogDbContext db, BackupService backups, JobSignal signal)
{
    public async Task<BackupSchedule> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.BackupSchedules.FindAsync([id], cancellationToken) ?? throw new DomainException($"No schedule with id {id}.", "scheduleId", 404);

    public static DateTimeOffset? NextOccurrence(BackupSchedule schedule, DateTimeOffset after) =>
        CronExpression.Parse(schedule.CronExpression).GetNextOccurrence(after, TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone));

    public async Task<List<FiredSchedule>> RunDueAsync(DateTimeOffset now, string requestedBy, CancellationToken cancellationToken)
    {
        var fired = new List<FiredSchedule>();
        var due = await db.BackupSchedules.Where(s => s.IsActive && (s.NextRunAt == null || s.NextRunAt <= now)).ToListAsync(cancellationToken);
        foreach (var schedule in due)
        {
            if (schedule.NextRunAt is not { } occurrence)
            {
                // Never planned yet: plan the next run rather than firing a run nobody asked for.
                schedule.NextRunAt = NextOccurrence(schedule, now);
                continue;
            }
            fired.Add(await FireAsync(schedule, occurrence, requestedBy, cancellationToken));
            schedule.LastRunAt = occurrence;
            schedule.NextRunAt = NextOccurrence(schedule, now);
        }
        await db.SaveChangesAsync(cancellationToken);
        return fired;
    }

    private async Task<FiredSchedule> FireAsync(BackupSchedule schedule, DateTimeOffset occurrence, string requestedBy, CancellationToken cancellationToken)
    {
        try
        {
            var job = await backups.QueueAsync(schedule.SourceId, schedule.BackupType, schedule.Id, requestedBy, cancellationToken, occurrence);
            schedule.LastStatus = "queued";
            return new FiredSchedule(schedule.Id, schedule.Name, occurrence, job.Id, "queued");
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Entries<BackupJob>().Where(x => x.State == EntityState.Added).ToList().ForEach(x => x.State = EntityState.Detached);
            return new FiredSchedule(schedule.Id, schedule.Name, occurrence, null, "already fired");
        }
        catch (DomainException e)
        {
            schedule.LastStatus = $"failed: {e.Message}";
            return new FiredSchedule(schedule.Id, schedule.Name, occurrence, null, $"failed: {e.Message}");
        }
        finally
        {
            signal.Notify();
        }
    }
}
