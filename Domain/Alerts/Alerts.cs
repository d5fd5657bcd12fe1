namespace BackupPortal.Domain.Alerts;

/// <summary>The seed's alert conditions, and the silent failures users complain about most.</summary>
public enum AlertKind
{
    /// <summary>N backups in a row failed, per source and schedule (manual backups count as one schedule).</summary>
    BackupFailures,
    /// <summary>Free space below a number of bytes or a percentage, or used bytes above a quota.</summary>
    StorageLow,
    VerificationFailed,
    /// <summary>A restore finished, successfully or not: both notify.</summary>
    RestoreCompleted,
    /// <summary>No verified full (or base) backup of a source for N hours.</summary>
    StaleProtection,
    /// <summary>A point-in-time source's newest recovery point is older than N minutes.</summary>
    RecoveryPointStale,
    /// <summary>A job has run longer than N minutes.</summary>
    JobStuck,
    /// <summary>A job's worker stopped renewing its lease.</summary>
    WorkerLost,
    /// <summary>Segments are missing from a source's WAL archive.</summary>
    WalGap,
    /// <summary>A source's replication slot holds back more WAL than <see cref="AlertRule.QuotaBytes"/> on the source's disk.</summary>
    SlotRetention,
    /// <summary>A completed backup is missing a copy its storage policy asked for (the upload and its retries failed).</summary>
    CopyDegraded,
    /// <summary>A source's latest restore drill failed; it resolves when a drill passes.</summary>
    DrillFailed,
}

public enum AlertSeverity { Info, Warning, Critical }

public enum AlertState { Firing, Resolved }

public enum ChannelType { Webhook, Email }

public enum DeliveryStatus { Pending, Sent }

/// <summary>When to raise an alert. Thresholds mean what the kind says; a rule scoped to a source sees only that source.</summary>
public sealed class AlertRule
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public AlertKind Kind { get; set; }
    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;
    public bool Enabled { get; set; } = true;
    public Guid? SourceId { get; set; }

    /// <summary>By kind: failures in a row, hours without a verified backup, minutes (recovery point, job run time), or percent of free space.</summary>
    public double? Threshold { get; set; }

    /// <summary>For storage: fire when free space falls below this many bytes.</summary>
    public long? MinFreeBytes { get; set; }

    /// <summary>For storage: fire when the backups stored exceed this many bytes; for slots: the WAL a slot may hold back.</summary>
    public long? QuotaBytes { get; set; }

    /// <summary>The channels that receive this rule's alerts; empty means every channel.</summary>
    public List<Guid> ChannelIds { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// One alert: firing while its condition holds (deduplicated by rule and key), notified once, then resolved with a
/// notice. Events (a restore finished, a worker lost) are notified once and resolved at once.
/// </summary>
public sealed class Alert
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid RuleId { get; set; }
    public AlertKind Kind { get; set; }
    public AlertSeverity Severity { get; set; }
    public AlertState State { get; set; } = AlertState.Firing;

    /// <summary>What the alert is about within its rule (a source, a schedule, a job, a location): one firing alert per key.</summary>
    public required string Key { get; set; }

    public Guid? SourceId { get; set; }
    public Guid? JobId { get; set; }
    public required string Message { get; set; }
    public bool IsEvent { get; set; }
    public DateTimeOffset FiredAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset LastSeenAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedReason { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }

    public void Resolve(string reason)
    {
        State = AlertState.Resolved;
        ResolvedAt = DateTimeOffset.UtcNow;
        ResolvedReason = reason;
    }
}

/// <summary>Where alerts go: a webhook (JSON, HMAC-signed) or email (SMTP). Secrets are encrypted with the master key.</summary>
public sealed class AlertChannel
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public ChannelType Type { get; set; }
    public bool Enabled { get; set; } = true;
    public string? Url { get; set; }
    public string? SecretEncrypted { get; set; }
    public bool SlackCompatible { get; set; }
    public List<string> To { get; set; } = [];
    public string? From { get; set; }
    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }

    /// <summary><c>none</c>, <c>starttls</c>, <c>tls</c> or <c>auto</c>.</summary>
    public string? SmtpSecurity { get; set; }

    public string? SmtpUsername { get; set; }
    public string? SmtpPasswordEncrypted { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// The outbox: one notice (firing, resolved or test) for one channel, retried with backoff until it is delivered.
/// Every attempt is recorded.
/// </summary>
public sealed class AlertDelivery
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid? AlertId { get; set; }
    public Guid ChannelId { get; set; }

    /// <summary><c>firing</c>, <c>resolved</c> or <c>test</c>.</summary>
    public required string Event { get; set; }

    public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; } = DateTimeOffset.UtcNow;
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? SentAt { get; set; }
    public List<DeliveryAttempt> History { get; set; } = [];
}

public sealed record DeliveryAttempt(DateTimeOffset At, bool Succeeded, string Outcome);
