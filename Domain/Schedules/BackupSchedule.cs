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
    public int RetentionDays { get; set; } = 30;

    /// <summary>How many times a run is tried in all before its failure stands.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; each further retry waits twice as long.</summary>
    public int RetryBackoffSeconds { get; set; } = 60;
    public DateTimeOffset? NextRunAt { get; set; }
    public DateTimeOffset? LastRunAt { get; set; }
    public string? LastStatus { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
