using BackupPortal.Domain.Backups;

namespace BackupPortal.Domain.Schedules;

/// <summary>A cron schedule that fires backups of one source.</summary>
public sealed class BackupSchedule
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public Guid SourceId { get; set; }
    public BackupType BackupType { get; set; }
    public required string CronExpression { get; set; }
    public string TimeZone { get; set; } = "UTC";
    public bool IsActive { get; set; } = true;
    /// <summary>How long incrementals of this schedule live (the seed's cleanup: 30 days).</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Grandfather-father-son: the newest backup of each of the last N days, weeks, months, years is kept.</summary>
    public int KeepDaily { get; set; } = 7;
    public int KeepWeekly { get; set; } = 4;
    public int KeepMonthly { get; set; } = 12;
    public int KeepYearly { get; set; }

    public Retention.RetentionPolicy Policy => new(KeepDaily, KeepWeekly, KeepMonthly, KeepYearly, RetentionDays);

    /// <summary>How many times a run is tried in all before its failure stands.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; each further retry waits twice as long.</summary>
    public int RetryBackoffSeconds { get; set; } = 60;
    /// <summary>Overrides the source's storage policy for this schedule's backups; null keeps the source's.</summary>
    public List<Guid>? StorageLocationIds { get; set; }

    public DateTimeOffset? NextRunAt { get; set; }
    public DateTimeOffset? LastRunAt { get; set; }
    public string? LastStatus { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
