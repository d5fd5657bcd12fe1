using System.Text.Json.Serialization;
using BackupPortal.Domain.Backups;

namespace BackupPortal.Api.Features.Backups;

/// <summary>A backup job as listed; the detail view adds its report, metrics and recorded row counts.</summary>
public record BackupResponse(
    Guid Id, Guid SourceId, Guid? ScheduleId, string DatabaseName, BackupType BackupType, JobStatus Status, BackupTrigger Trigger,
    string RequestedBy, VerificationStatus VerificationStatus, long? FileSizeBytes, string? ChecksumSha256, string? StoragePath,
    string? KeyId, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt,
    string? ErrorMessage)
{
    public static BackupResponse From(BackupJob j) => new(
        j.Id, j.SourceId, j.ScheduleId, j.DatabaseName, j.BackupType, j.Status, j.Trigger, j.RequestedBy, j.VerificationStatus,
        j.FileSizeBytes, j.ChecksumSha256, j.StoragePath, j.KeyId, j.StartedAt, j.CompletedAt, j.CreatedAt, j.VerifiedAt, j.ErrorMessage);
}

public sealed record MetricResponse(string Name, double Value, string Unit, DateTimeOffset RecordedAt);

public sealed record TableCountResponse(string Table, long RowCount);

/// <summary>The job's own fields at the top level, then what the detail view adds.</summary>
public sealed record BackupDetailResponse(
    [property: JsonIgnore] BackupResponse Job, VerificationReport? VerificationReport, List<MetricResponse> Metrics, List<TableCountResponse> Tables,
    string? ServerVersion, string? ToolVersion, string? SchemaFingerprint, double? DurationSeconds)
    : BackupResponse(Job);
