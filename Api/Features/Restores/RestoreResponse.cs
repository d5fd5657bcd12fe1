using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Restores;

namespace BackupPortal.Api.Features.Restores;

public sealed record RestoreResponse(
    Guid Id, Guid BackupId, Guid TargetSourceId, RestoreType RestoreType, RestoreStatus Status, string TargetDatabase,
    List<string> Tables, bool Overwrite, bool Force, string RequestedBy, string Reason, Guid? SafetyBackupId,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, long? BytesRestored,
    List<TableComparison> RowCounts, string? ErrorMessage, DateTimeOffset? CancelRequestedAt, Backups.ProgressResponse? Progress)
{
    public static RestoreResponse From(RestoreOperation r) => new(
        r.Id, r.BackupJobId, r.TargetSourceId, r.RestoreType, r.Status, r.TargetDatabase, r.Tables, r.Overwrite, r.Force,
        r.RequestedBy, r.Reason, r.SafetyBackupId, r.CreatedAt, r.StartedAt, r.CompletedAt, r.BytesRestored, r.RowCounts, r.ErrorMessage,
        r.CancelRequestedAt, r.Status == RestoreStatus.Running ? Backups.ProgressResponse.Of(r.ProgressBytes ?? 0, null, r.StartedAt) : null);
}
