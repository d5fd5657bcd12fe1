namespace BackupPortal.Infrastructure.Crypto;

/// <summary>Master keys: <c>BACKUP_ENCRYPTION_KEY</c> (base64 of 32 bytes) encrypts; earlier keys still decrypt.</summary>
public sealed class EncryptionOptions
{
    public string? Key { get; set; }

    /// <summary>Comma-separated base64 keys that older artifacts and secrets may still be wrapped with.</summary>
    public string? PreviousKeys { get; set; }
}
