using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;

namespace BackupPortal.Infrastructure.Restores;

/// <summary>The seed's "validate backup integrity before restoration", checked when asked and again when run.</summary>
public static class RestoreRules
{
    public static void EnsureRestorable(BackupJob backup, bool force)
    {
        if (backup.Status != JobStatus.Completed || backup.StoragePath is null || backup.Details is null)
            throw new DomainException($"Backup {backup.Id} is '{backup.Status.ToString().ToLowerInvariant()}'; only completed backups can be restored.", "backupId");
        if (backup.VerificationStatus == VerificationStatus.Failed && !force)
            throw new DomainException($"Backup {backup.Id} failed its last verification; pass force: true to restore it anyway.", "force");
    }
}
