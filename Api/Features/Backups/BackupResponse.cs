using System.Text.Json.Serialization;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Backups;

namespace BackupPortal.Api.Features.Backups;

/// <summary>A backup job as listed; the detail view adds its report, metrics and recorded row counts.</summary>
public record BackupResponse(
    Guid Id, Guid SourceId, Guid? ScheduleId, string DatabaseName, BackupType BackupType, JobStatus Status, BackupTrigger Trigger,
    string RequestedBy, VerificationStatus VerificationStatus, long? FileSizeBytes, string? ChecksumSha256, string? StoragePath,
    string? KeyId, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt,
    string? ErrorMessage, DateTimeOffset? ScheduledFor, int Attempt, Guid? RetryOfId, DateTimeOffset? NotBefore, DateTimeOffset? CancelRequestedAt,
    ProgressResponse? Progress, JobCopyStatus? CopyStatus)
{
    public static BackupResponse From(BackupJob j) => new(
        j.Id, j.SourceId, j.ScheduleId, j.DatabaseName, j.BackupType, j.Status, j.Trigger, j.RequestedBy, j.VerificationStatus,
        j.FileSizeBytes, j.ChecksumSha256, j.StoragePath, j.KeyId, j.StartedAt, j.CompletedAt, j.CreatedAt, j.VerifiedAt, j.ErrorMessage,
        j.ScheduledFor, j.Attempt, j.RetryOfId, j.NotBefore, j.CancelRequestedAt,
        j.Status == JobStatus.Running ? ProgressResponse.Of(j.ProgressBytes ?? 0, j.EstimatedBytes, j.StartedAt, j.ProgressTablesDone, j.ProgressTablesTotal) : null,
        j.CopyStatus);
}

/// <summary>A running job's progress, with an ETA from its throughput so far and the size it expects.</summary>
public sealed record ProgressResponse(long Bytes, long? EstimatedBytes, int? TablesDone, int? TablesTotal, double? Percent, double? EtaSeconds)
{
    public static ProgressResponse Of(long bytes, long? estimate, DateTimeOffset? startedAt, int? tablesDone = null, int? tablesTotal = null)
    {
        var elapsed = startedAt is { } s ? (DateTimeOffset.UtcNow - s).TotalSeconds : 0;
        double? percent = estimate > 0 ? Math.Min(99.0, 100.0 * bytes / estimate.Value) : null;
        double? eta = estimate > 0 && bytes > 0 && elapsed > 0 ? Math.Max(0, (estimate.Value - bytes) / (bytes / elapsed)) : null;
        return new ProgressResponse(bytes, estimate, tablesDone, tablesTotal, percent is null ? null : Math.Round(percent.Value, 1), eta is null ? null : Math.Round(eta.Value, 1));
    }
}

public sealed record MetricResponse(string Name, double Value, string Unit, DateTimeOffset RecordedAt);

public sealed record TableCountResponse(string Table, long RowCount);

/// <summary>The job's own fields at the top level, then what the detail view adds.</summary>
public sealed record BackupDetailResponse(
    [property: JsonIgnore] BackupResponse Job, VerificationReport? VerificationReport, List<MetricResponse> Metrics, List<TableCountResponse> Tables,
    string? ServerVersion, string? ToolVersion, string? SchemaFingerprint, double? DurationSeconds, WalRange? Wal, List<string> Notes,
    string? Log, List<CopyInfo> Copies)
    : BackupResponse(Job);
