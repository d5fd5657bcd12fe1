namespace BackupPortal.Domain.Monitoring;

/// <summary>A periodic reading of one storage location: what each backup type occupies there, and the space left.</summary>
public sealed class StorageSample
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Location { get; set; }

    /// <summary>A backup type (<c>full</c>, <c>base</c>…) or <c>wal</c> for the WAL archive.</summary>
    public required string BackupType { get; set; }

    public long UsedBytes { get; set; }
    public int ArtifactCount { get; set; }

    /// <summary>Free space on the location's file system, when it has one to measure.</summary>
    public long? FreeBytes { get; set; }

    public DateTimeOffset SampledAt { get; set; } = DateTimeOffset.UtcNow;
}
