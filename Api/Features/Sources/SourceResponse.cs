using BackupPortal.Domain.Drills;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Drills;

namespace BackupPortal.Api.Features.Sources;

/// <summary>A source as the API shows it: the password is never returned, only whether one is stored.</summary>
public sealed record SourceResponse(
    Guid Id, string Name, string Host, int Port, string Database, string Username, string? Password, bool HasPassword,
    string SslMode, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    bool PointInTimeRecovery, string? ReplicationSlot, DateTimeOffset? WalReceivedAt, DateTimeOffset? WalReceiverSeenAt, string? WalReceiverError,
    List<Guid> StorageLocationIds, DrillSettingsResponse Drill, DateTimeOffset? LastProvenRestorableAt, double? LastRtoSeconds)
{
    public const string Mask = "********";

    /// <summary>With the newest passed drill, when the caller has it: "last proven restorable" and its RTO.</summary>
    public static SourceResponse From(Source s, ProvenRestorable? proven) => new(
        s.Id, s.Name, s.Host, s.Port, s.DatabaseName, s.Username, s.PasswordEncrypted is null ? null : Mask,
        s.PasswordEncrypted is not null, s.SslMode, s.Enabled, s.CreatedAt, s.UpdatedAt,
        s.PointInTimeRecovery, s.PointInTimeRecovery ? s.SlotName : null, s.WalReceivedAt, s.WalReceiverSeenAt, s.WalReceiverError,
        s.StorageLocationIds, new DrillSettingsResponse(s.DrillCronExpression, s.DrillEnabled, s.DrillNextRunAt, s.DrillTargetSourceId, s.SqlChecks),
        proven?.At, proven?.RtoSeconds);

    public static async Task<SourceResponse> LoadAsync(Source s, DrillService drills, CancellationToken ct) =>
        From(s, (await drills.ProvenAsync(ct, s.Id)).GetValueOrDefault(s.Id));
}

/// <summary>A source's restore drills: when they run, where they restore to, and the source's own SQL checks.</summary>
public sealed record DrillSettingsResponse(string CronExpression, bool Enabled, DateTimeOffset? NextRunAt, Guid? TargetSourceId, List<SqlCheck> Checks);
