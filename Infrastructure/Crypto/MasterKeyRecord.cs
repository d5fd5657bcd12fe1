namespace BackupPortal.Infrastructure.Crypto;

/// <summary>
/// A master key introduced by rotation: random, stored wrapped (AES-256-GCM) by the root key from
/// <c>BACKUP_ENCRYPTION_KEY</c>, in the catalog and beside the artifacts in storage.
/// </summary>
public sealed class MasterKeyRecord
{
    public required string Id { get; set; }
    public required string RootKeyId { get; set; }
    public required string WrappedKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
