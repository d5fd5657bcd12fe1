namespace BackupPortal.Infrastructure.Storage;

/// <summary><c>BACKUP_STORAGE_PATH</c>: the default location's directory; <c>Storage__*</c>: how S3 locations are reached.</summary>
public sealed class StorageOptions
{
    public string? Path { get; set; }

    /// <summary>One S3 request's limit, sending an 8 MiB part included; a frozen server fails the upload after this.</summary>
    public TimeSpan S3Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of one S3 request after the first attempt.</summary>
    public int S3MaxErrorRetry { get; set; } = 2;

    /// <summary>The first parts' size; later parts grow so an artifact stays within S3's 10,000 parts.</summary>
    public int S3PartBytes { get; set; } = 8 << 20;
}
