namespace BackupPortal.Domain.Backups;

/// <summary>One backup operation and, once completed, the artifact it produced.</summary>
public sealed class BackupJob
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid? ScheduleId { get; set; }

    /// <summary>The schedule occurrence this job fulfils; unique per schedule, so an occurrence fires once.</summary>
    public DateTimeOffset? ScheduledFor { get; set; }

    /// <summary>1 for a first run; a retry carries the next number, the job it retries, and when it may start.</summary>
    public int Attempt { get; set; } = 1;
    public Guid? RetryOfId { get; set; }
    public DateTimeOffset? NotBefore { get; set; }
    public Guid SourceId { get; set; }

    /// <summary>The database dumped; the source's own unless this is a safety backup of a restore target.</summary>
    public required string DatabaseName { get; set; }

    public BackupType BackupType { get; set; }
    public JobStatus Status { get; set; } = JobStatus.Pending;
    public BackupTrigger Trigger { get; set; } = BackupTrigger.Manual;
    public string RequestedBy { get; set; } = "system";
    public VerificationStatus VerificationStatus { get; set; } = VerificationStatus.Pending;

    /// <summary>Size of the stored (encrypted) artifact.</summary>
    public long? FileSizeBytes { get; set; }

    /// <summary>SHA-256 of the stored artifact, so <c>sha256sum</c> on the file can confirm it.</summary>
    public string? ChecksumSha256 { get; set; }

    public string? StoragePath { get; set; }
    public string? KeyId { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public string? ErrorMessage { get; set; }

    /// <summary>Everything recorded at backup time: row counts, archive contents, versions.</summary>
    public BackupDetails? Details { get; set; }

    public VerificationReport? VerificationReport { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }

    /// <summary>Set while a worker verifies the job, so two workers never verify it twice.</summary>
    public DateTimeOffset? VerifyingSince { get; set; }

    /// <summary>The worker running the job and until when its lease holds; an expired lease means the worker died.</summary>
    public string? WorkerId { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public DateTimeOffset? CancelRequestedAt { get; set; }
    public string? CancelRequestedBy { get; set; }

    /// <summary>Progress while running: dump bytes so far, tables dumped of how many, and the size expected.</summary>
    public long? ProgressBytes { get; set; }
    public int? ProgressTablesDone { get; set; }
    public int? ProgressTablesTotal { get; set; }
    public long? EstimatedBytes { get; set; }

    public void Start()
    {
        Status = JobStatus.Running;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public void Complete(string storagePath, long size, string checksum, string keyId, BackupDetails details)
    {
        Status = JobStatus.Completed;
        StoragePath = storagePath;
        FileSizeBytes = size;
        ChecksumSha256 = checksum;
        KeyId = keyId;
        Details = details;
        CompletedAt = DateTimeOffset.UtcNow;
        VerificationStatus = VerificationStatus.Pending;
    }

    /// <summary>Whether every location of the policy holds a checked copy; degraded raises an alert.</summary>
    public Storage.JobCopyStatus? CopyStatus { get; set; }

    public DateTimeOffset? ExpiredAt { get; set; }

    /// <summary>Retention removed the artifact; the row stays for the audit trail.</summary>
    public void Expire(string reason)
    {
        Status = JobStatus.Expired;
        ExpiredAt = DateTimeOffset.UtcNow;
        ErrorMessage = reason;
    }

    public void Cancel(string reason)
    {
        Status = JobStatus.Cancelled;
        ErrorMessage = reason;
        CompletedAt = DateTimeOffset.UtcNow;
    }

    public void Fail(string error)
    {
        Status = JobStatus.Failed;
        ErrorMessage = error;
        CompletedAt = DateTimeOffset.UtcNow;
    }

    public void RecordVerification(VerificationReport report)
    {
        VerificationReport = report;
        VerificationStatus = report.Passed ? VerificationStatus.Verified : VerificationStatus.Failed;
        VerifiedAt = DateTimeOffset.UtcNow;
        VerifyingSince = null;
    }
}
