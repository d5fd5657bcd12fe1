namespace BackupPortal.Web.Api;

// The parts of the Api's answers the portal shows. Enum values arrive as the Api spells them (snake_case strings).

public sealed record StatusCount(string Status, long Count, double Percentage);
public sealed record StorageByType(string BackupType, long BackupCount, long TotalSizeBytes, long AvgSizeBytes);
public sealed record StorageBySource(Guid SourceId, string Name, long BackupCount, long TotalSizeBytes);
public sealed record StorageByLocation(string Name, long UsedBytes, long? FreeBytes);
public sealed record DurationStats(long Count, double? AverageSeconds, double? P95Seconds);
public sealed record VerificationCounts(long Verified, long Failed, long Pending);
public sealed record BackupAt(Guid Id, string BackupType, DateTimeOffset At, double AgeSeconds);
public sealed record SourceHealth(Guid SourceId, string Name, bool Enabled, bool PointInTimeRecovery, BackupAt? LastSuccessful, BackupAt? LastVerified,
    DateTimeOffset? RecoveryPoint, double? RecoveryPointAgeSeconds, DateTimeOffset? LastProvenRestorableAt = null, double? LastRtoSeconds = null);
public sealed record RunningJob(Guid Id, string Kind, Guid SourceId, string Type, DateTimeOffset? StartedAt, long ProgressBytes, long? EstimatedBytes, double? Percent);
public sealed record MetricsSummary(string Window, double? SuccessRate, List<StatusCount> ByStatus, List<StorageByType> StorageByType,
    List<StorageBySource> StorageBySource, List<StorageByLocation> Locations, DurationStats Duration, VerificationCounts Verification,
    List<SourceHealth> Sources, List<RunningJob> Running);
public sealed record TimePoint(DateTimeOffset At, Dictionary<string, double> Values);
public sealed record TimeSeries(string Metric, string Bucket, DateTimeOffset From, DateTimeOffset To, List<TimePoint> Points);

public sealed record Progress(long Bytes, long? EstimatedBytes, int? TablesDone, int? TablesTotal, double? Percent, double? EtaSeconds);
public sealed record Backup(Guid Id, Guid SourceId, string DatabaseName, string BackupType, string Status, string Trigger, string RequestedBy,
    string VerificationStatus, long? FileSizeBytes, string? ChecksumSha256, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset CreatedAt, string? ErrorMessage, Progress? Progress)
{
    public double? DurationSeconds => StartedAt is { } s && CompletedAt is { } c ? (c - s).TotalSeconds : null;
    public bool IsActive => Status is "pending" or "running";
}
public sealed record BackupPage(List<Backup> Items, int Page, int PageSize, int Total);
public sealed record VerificationCheck(string Name, bool Passed, string Detail, double DurationSeconds);
public sealed record VerificationReport(DateTimeOffset StartedAt, DateTimeOffset CompletedAt, List<VerificationCheck> Checks);
public sealed record Metric(string Name, double Value, string Unit);
public sealed record TableCount(string Table, long RowCount);
public sealed record BackupDetail(Guid Id, Guid SourceId, string DatabaseName, string BackupType, string Status, string Trigger, string RequestedBy,
    string VerificationStatus, long? FileSizeBytes, string? ChecksumSha256, string? StoragePath, string? KeyId, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, DateTimeOffset CreatedAt, string? ErrorMessage, Progress? Progress, VerificationReport? VerificationReport,
    List<Metric> Metrics, List<TableCount> Tables, string? ServerVersion, string? ToolVersion, List<string> Notes, string? Log,
    string? CopyStatus, List<BackupCopy> Copies)
{
    public bool IsActive => Status is "pending" or "running";
}

public sealed record Source(Guid Id, string Name, string Host, int Port, string Database, bool Enabled, bool PointInTimeRecovery,
    string Username = "", string SslMode = "prefer", bool HasPassword = false, List<Guid>? StorageLocationIds = null, DrillSettings? Drill = null,
    DateTimeOffset? LastProvenRestorableAt = null, double? LastRtoSeconds = null);
public sealed record SqlCheck(string Name, string Sql, string Operator, string Expected);
public sealed record DrillSettings(string CronExpression, bool Enabled, DateTimeOffset? NextRunAt, Guid? TargetSourceId, List<SqlCheck> Checks);
public sealed record Drill(Guid Id, Guid SourceId, string Status, string Trigger, string RequestedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, Guid? BackupJobId, Guid? RestoreId, double? RtoSeconds, Guid? PitrRestoreId, DateTimeOffset? PitrTargetTime,
    double? PitrRtoSeconds, List<VerificationCheck> Checks, string? ErrorMessage)
{
    public bool IsActive => Status is "pending" or "running";
}
public sealed record Location(Guid Id, string Name, string Type, bool IsDefault, string Description, long UsedBytes, long? FreeBytes, long? TotalBytes,
    string? Path, string? Endpoint, string? Region, string? Bucket, string? Prefix, bool ForcePathStyle, string? AccessKeyId);
public sealed record LocationTest(bool Ok, bool Write, bool Read, bool Delete, string? Error, double Seconds, long? UsedBytes, long? Objects, long? FreeBytes, long? TotalBytes);
public sealed record ReindexResult(string Location, int Objects, int Manifests, int BackupsAdded, int BackupsRejected, int CopiesAdded,
    int SourcesMatched, int SourcesCreated, int WalAdded, int KeysAdded, List<string> Errors, double Seconds);
public sealed record BackupCopy(Guid LocationId, string Location, string Status, long? SizeBytes, int Attempts, string? Error, DateTimeOffset? StoredAt);
public sealed record Schedule(Guid Id, Guid SourceId, string Name, string BackupType, string CronExpression, string TimeZone, bool IsActive, DateTimeOffset? NextRunAt,
    int RetentionDays = 30, int KeepDaily = 7, int KeepWeekly = 4, int KeepMonthly = 12, int KeepYearly = 0, int MaxAttempts = 3, int RetryBackoffSeconds = 60,
    List<Guid>? StorageLocationIds = null);
public sealed record CronPreview(string CronExpression, string TimeZone, List<DateTimeOffset> Runs);
public sealed record RetentionItem(Guid BackupId, string BackupType, Guid? ScheduleId, DateTimeOffset? TakenAt, string Reason);
public sealed record RetentionPreview(Guid SourceId, bool Paused, List<RetentionItem> Delete, List<RetentionItem> Keep);
public sealed record Alert(Guid Id, string Kind, string Severity, string State, Guid? SourceId, string Message, DateTimeOffset FiredAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);
public sealed record PitrReadiness(bool Ready, string? WalLevel, bool? ReplicationRole, bool? ReplicationConnection, bool SlotExists, long? SlotRetainedBytes, List<string> Problems);
public sealed record SourceTest(bool Ok, string? ServerVersion, long? DatabaseSizeBytes, string PgDumpVersion, bool? PgDumpCompatible, string? Error, PitrReadiness? Pitr);

public sealed record TableEntry(string Schema, string Name, string QualifiedName, long RowCount);
public sealed record BackupContents(Guid BackupId, List<string> Schemas, List<TableEntry> Tables);
public sealed record WalGap(string AfterSegment, string BeforeSegment, int MissingSegments, DateTimeOffset? From, DateTimeOffset? To, string Reason);
public sealed record RecoveryWindow(DateTimeOffset? Earliest, DateTimeOffset? Latest, List<WalGap> Gaps);
public sealed record TableComparison(string Table, long Expected, long? Actual);
public sealed record Restore(Guid Id, Guid BackupId, Guid TargetSourceId, string RestoreType, string Status, string TargetDatabase, List<string> Tables,
    bool Overwrite, string RequestedBy, string Reason, Guid? SafetyBackupId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt,
    long? BytesRestored, List<TableComparison> RowCounts, string? ErrorMessage, Progress? Progress, string? TargetTime, DateTimeOffset? ReplayEndTime,
    Dictionary<string, double> Timings)
{
    public bool IsActive => Status is "pending" or "running";
}

public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string? ActorRole, string Action, string? Target, string Outcome, string? RemoteAddress, string? Summary);
public sealed record AuditPage(List<AuditEntry> Items, int Page, int PageSize, int Total);
public sealed record ChainVerification(bool Valid, long Checked, long? FirstBrokenId);
public sealed record UserInfo(Guid Id, string UserName, string Role, bool LockedOut, DateTimeOffset CreatedAt);
public sealed record ClientInfo(string ClientId, string? DisplayName, string Role, bool Bootstrap);
public sealed record CreatedClient(string ClientId, string ClientSecret, string Role, string? DisplayName);
public sealed record KeyInfo(string Id, string Kind, DateTimeOffset? CreatedAt, bool Current, int Artifacts);

public sealed record AlertRule(Guid Id, string Name, string Kind, string Severity, bool Enabled, Guid? SourceId, double? Threshold, long? MinFreeBytes,
    long? QuotaBytes, List<Guid> ChannelIds);

/// <summary>A channel as the Api shows it; secrets come back masked, and a masked value sent back keeps the stored one.</summary>
public sealed record AlertChannel(Guid Id, string Name, string Type, bool Enabled, string? Url, bool HasSecret, bool SlackCompatible, List<string> To,
    string? From, string? SmtpHost, int? SmtpPort, string? SmtpSecurity, string? SmtpUsername, string? SmtpPassword);
public sealed record DeliveryAttempt(DateTimeOffset At, bool Succeeded, string Outcome);
public sealed record Delivery(Guid Id, Guid? AlertId, string Event, string Status, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt,
    List<DeliveryAttempt> History);

/// <summary>An Api refusal, with its problem+json detail and the field errors to show beside the fields.</summary>
public sealed class ApiProblem(int status, string detail, Dictionary<string, string> fieldErrors) : Exception(detail)
{
    public int Status { get; } = status;
    public Dictionary<string, string> FieldErrors { get; } = fieldErrors;
}
