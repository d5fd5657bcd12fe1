namespace BackupPortal.Infrastructure.Storage;

/// <summary><c>BACKUP_STORAGE_PATH</c>: the local directory artifacts are written under.</summary>
public sealed class StorageOptions
{
    public string? Path { get; set; }
}
