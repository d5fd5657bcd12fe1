using BackupPortal.Domain.Sources;

namespace BackupPortal.Api.Features.Sources;

/// <summary>A source as the API shows it: the password is never returned, only whether one is stored.</summary>
public sealed record SourceResponse(
    Guid Id, string Name, string Host, int Port, string Database, string Username, string? Password, bool HasPassword,
    string SslMode, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    bool PointInTimeRecovery, string? ReplicationSlot, DateTimeOffset? WalReceivedAt, DateTimeOffset? WalReceiverSeenAt, string? WalReceiverError,
    List<Guid> StorageLocationIds)
{
    public const string Mask = "********";

    public static SourceResponse From(Source s) => new(
        s.Id, s.Name, s.Host, s.Port, s.DatabaseName, s.Username, s.PasswordEncrypted is null ? null : Mask,
        s.PasswordEncrypted is not null, s.SslMode, s.Enabled, s.CreatedAt, s.UpdatedAt,
        s.PointInTimeRecovery, s.PointInTimeRecovery ? s.SlotName : null, s.WalReceivedAt, s.WalReceiverSeenAt, s.WalReceiverError,
        s.StorageLocationIds);
}
