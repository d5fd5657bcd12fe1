using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Restores;
using BackupPortal.Infrastructure.Crypto;

namespace BackupPortal.Api.Features.Restores;

public sealed record RestoreResponse(
    Guid Id, Guid BackupId, Guid TargetSourceId, RestoreType RestoreType, RestoreStatus Status, string TargetDatabase,
    List<string> Tables, bool Overwrite, bool Force, string RequestedBy, string Reason, Guid? SafetyBackupId,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, long? BytesRestored,
    List<TableComparison> RowCounts, string? ErrorMessage, DateTimeOffset? CancelRequestedAt, Backups.ProgressResponse? Progress,
    string? TargetTime, DateTimeOffset? ReplayEndTime, bool KeepInstance, InstanceResponse? Instance, Dictionary<string, double> Timings)
{
    /// <summary>With <paramref name="secrets"/> (admins only) a running instance's password is shown; otherwise it is masked.</summary>
    public static RestoreResponse From(RestoreOperation r, SecretProtector? secrets = null) => new(
        r.Id, r.BackupJobId, r.TargetSourceId, r.RestoreType, r.Status, r.TargetDatabase, r.Tables, r.Overwrite, r.Force,
        r.RequestedBy, r.Reason, r.SafetyBackupId, r.CreatedAt, r.StartedAt, r.CompletedAt, r.BytesRestored, r.RowCounts, r.ErrorMessage,
        r.CancelRequestedAt, r.Status == RestoreStatus.Running ? Backups.ProgressResponse.Of(r.ProgressBytes ?? 0, null, r.StartedAt) : null,
        r.RestoreType != RestoreType.PointInTime ? null : r.TargetTime?.ToString("O") ?? "latest", r.ReplayEndTime, r.KeepInstance,
        r.Instance is { } i ? new InstanceResponse(i.Host, i.Port, i.Database, i.Username,
            i.StoppedAt is null && secrets is not null ? secrets.Unprotect(i.PasswordEncrypted) : Sources.SourceResponse.Mask, i.StoppedAt) : null,
        r.Timings);
}

/// <summary>Connection details of a recovered instance kept running for inspection.</summary>
public sealed record InstanceResponse(string Host, int Port, string Database, string Username, string Password, DateTimeOffset? StoppedAt);
