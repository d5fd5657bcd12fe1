namespace BackupPortal.Domain.Storage;

public enum StorageType { Local, S3 }

/// <summary>
/// Where artifacts are kept: a local directory or an S3-compatible bucket. The one named <c>default</c> comes from
/// <c>BACKUP_STORAGE_PATH</c> and is what a source without a storage policy writes to.
/// </summary>
public sealed class StorageLocation
{
    public const string DefaultName = "default";

    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public StorageType Type { get; set; }

    /// <summary>Local: the directory artifacts are written under.</summary>
    public string? Path { get; set; }

    /// <summary>S3: the service URL (empty for AWS itself), region, bucket and key prefix.</summary>
    public string? Endpoint { get; set; }
    public string? Region { get; set; }
    public string? Bucket { get; set; }
    public string? Prefix { get; set; }
    public bool ForcePathStyle { get; set; }
    public string? AccessKeyId { get; set; }

    /// <summary>Encrypted with the master key; never leaves the catalog in clear.</summary>
    public string? SecretAccessKeyEncrypted { get; set; }

    public bool IsDefault { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Changes with every edit, so a cached client of the old settings is not reused.</summary>
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public string Describe() => Type == StorageType.Local ? Path ?? "" : $"s3://{Bucket}/{Prefix}".TrimEnd('/') + (Endpoint is { Length: > 0 } e ? $" at {e}" : "");
}

public enum CopyState { Stored, Failed, Deleted }

/// <summary>A completed backup's copies: all stored, or some failed after their retries.</summary>
public enum JobCopyStatus { Complete, Degraded }

/// <summary>One copy of a backup's artifact (and its manifest) in one storage location, checked after upload.</summary>
public sealed class BackupCopy
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid BackupJobId { get; set; }
    public Guid LocationId { get; set; }

    /// <summary>The policy's order: reads try the copies in this order.</summary>
    public int Position { get; set; }

    public CopyState Status { get; set; }
    public long? SizeBytes { get; set; }
    public string? ChecksumSha256 { get; set; }

    /// <summary>Uploads tried: the streamed one, then copies from a stored copy.</summary>
    public int Attempts { get; set; }

    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StoredAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}
