using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Schedules;

namespace BackupPortal.Api.Features.Schedules;

public sealed record ScheduleResponse(
    Guid Id, string Name, Guid SourceId, BackupType BackupType, string CronExpression, string TimeZone, bool IsActive,
    DateTimeOffset? NextRunAt, DateTimeOffset? LastRunAt, string? LastStatus, int RetentionDays, int KeepDaily, int KeepWeekly, int KeepMonthly,
    int KeepYearly, int MaxAttempts, int RetryBackoffSeconds, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, List<Guid>? StorageLocationIds)
{
    public static ScheduleResponse From(BackupSchedule s) => new(
        s.Id, s.Name, s.SourceId, s.BackupType, s.CronExpression, s.TimeZone, s.IsActive, s.NextRunAt, s.LastRunAt, s.LastStatus,
        s.RetentionDays, s.KeepDaily, s.KeepWeekly, s.KeepMonthly, s.KeepYearly, s.MaxAttempts, s.RetryBackoffSeconds, s.CreatedAt, s.UpdatedAt, s.StorageLocationIds);
}

/// <summary>Occurrences in the schedule's own time zone, with their offsets.</summary>
public sealed record PreviewResponse(string CronExpression, string TimeZone, List<DateTimeOffset> Runs);
