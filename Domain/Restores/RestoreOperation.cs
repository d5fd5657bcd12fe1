using BackupPortal.Domain.Backups;

namespace BackupPortal.Domain.Restores;

public enum RestoreType { Full, Partial, PointInTime }

public enum RestoreStatus { Pending, Running, Completed, Failed, Cancelled }

/// <summary>A recovered PostgreSQL instance left running for inspection; the password is encrypted with the master key.</summary>
public sealed record RestoreInstance
{
    public required string Host { get; init; }
    public int Port { get; init; }
    public required string Database { get; init; }
    public required string Username { get; init; }
    public required string PasswordEncrypted { get; init; }
    public required string Directory { get; init; }
    public DateTimeOffset? StoppedAt { get; init; }
}

/// <summary>One restore: who asked and why, what went where, and how it ended.</summary>
public sealed class RestoreOperation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid BackupJobId { get; set; }

    /// <summary>The source whose server receives the restore.</summary>
    public Guid TargetSourceId { get; set; }

    public RestoreType RestoreType { get; set; }
    public RestoreStatus Status { get; set; } = RestoreStatus.Pending;
    public required string TargetDatabase { get; set; }
    public List<string> Tables { get; set; } = [];
    public bool Overwrite { get; set; }
    public bool Force { get; set; }
    public bool NoOwner { get; set; }
    public required string RequestedBy { get; set; }
    public required string Reason { get; set; }
    public Guid? SafetyBackupId { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string? ErrorMessage { get; set; }
    public long? BytesRestored { get; set; }
    public List<TableComparison> RowCounts { get; set; } = [];

    /// <summary>The worker running the restore and until when its lease holds; an expired lease means the worker died.</summary>
    public string? WorkerId { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset? CancelRequestedAt { get; set; }
    public string? CancelRequestedBy { get; set; }
    public long? ProgressBytes { get; set; }

    /// <summary>Point in time to recover to; null with <see cref="RestoreType.PointInTime"/> means everything received ("latest").</summary>
    public DateTimeOffset? TargetTime { get; set; }

    /// <summary>The commit time replay actually reached: the last transaction applied.</summary>
    public DateTimeOffset? ReplayEndTime { get; set; }

    /// <summary>Leave the recovered instance running for inspection instead of copying data out of it.</summary>
    public bool KeepInstance { get; set; }

    public RestoreInstance? Instance { get; set; }

    /// <summary>Seconds spent in each stage (fetch, verify, replay, copy, counts).</summary>
    public Dictionary<string, double> Timings { get; set; } = [];

    /// <summary>The restore drill this restore belongs to; its scratch database is dropped when the drill ends.</summary>
    public Guid? DrillId { get; set; }

    /// <summary>Set by the cleanup 90 days after a restore ended (the seed's "archive old restore operations"); the row stays.</summary>
    public DateTimeOffset? ArchivedAt { get; set; }

    /// <summary>Replaces the dictionary rather than changing it, so the catalog sees the new figure.</summary>
    public void RecordTiming(string stage, double seconds) => Timings = new Dictionary<string, double>(Timings) { [stage] = Math.Round(seconds, 3) };

    public void Start()
    {
        Status = RestoreStatus.Running;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public void Complete(long bytes, List<TableComparison> rowCounts)
    {
        BytesRestored = bytes;
        RowCounts = rowCounts;
        CompletedAt = DateTimeOffset.UtcNow;
        var mismatched = rowCounts.Where(c => !c.Matches).Select(c => c.Table).ToList();
        if (mismatched.Count == 0)
        {
            Status = RestoreStatus.Completed;
            return;
        }
        Status = RestoreStatus.Failed;
        ErrorMessage = $"Row counts differ from the backup for: {string.Join(", ", mismatched)}.";
    }

    public void Cancel(string reason)
    {
        Status = RestoreStatus.Cancelled;
        ErrorMessage = reason;
        CompletedAt = DateTimeOffset.UtcNow;
    }

    public void Fail(string error)
    {
        Status = RestoreStatus.Failed;
        ErrorMessage = error;
        CompletedAt = DateTimeOffset.UtcNow;
    }
}
