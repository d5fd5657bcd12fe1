using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Storage;

namespace BackupPortal.Infrastructure.Restores;

/// <summary>
/// Streams a backup's decrypted archive into a tool's stdin. Every chunk is authenticated before it is passed on, and
/// the stored checksum is compared before stdin closes; on any failure the tool is killed first, so it never sees a
/// clean end of input and commits nothing. A tool may stop reading once it has what it needs (pg_restore with a list);
/// the rest of the artifact is still read and authenticated.
/// </summary>
public sealed class ArtifactReader(StorageLocations locations, MasterKeyRing keys)
{
    public async Task<long> FeedAsync(BackupJob backup, PgProcess tool, JobControl control)
    {
        var cancellationToken = control.Token;
        try
        {
            var storage = await locations.ForReadAsync(backup, cancellationToken);
            await using var stored = new HashingStream(await storage.OpenReadAsync(backup.StoragePath!, backup.FileSizeBytes, cancellationToken));
            await using var plain = new DecryptingStream(stored, keys);
            var bytes = await StreamPump.CopyAsync(plain, null, [tool.Stdin], cancellationToken, control.AddBytes);
            if (stored.HashHex() != backup.ChecksumSha256)
                throw new System.Security.Cryptography.CryptographicException(
                    $"The stored artifact's SHA-256 ({stored.HashHex()}) does not match the recorded {backup.ChecksumSha256}.");
            await StreamPump.CloseQuietlyAsync(tool.Stdin);
            return bytes;
        }
        catch
        {
            tool.Kill();
            throw;
        }
    }
}
