using System.Text.Json;
using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Crypto;

public sealed record KeyInfo(string Id, string Kind, DateTimeOffset? CreatedAt, bool Current, int Artifacts);

public sealed record RewrapResult(int ArtifactsRewrapped, int SecretsRewrapped, int Failed, List<string> Errors);

/// <summary>Rotation of the master key and re-wrapping of old data keys under the current one.</summary>
public sealed class KeyService(CatalogDbContext db, MasterKeyRing keys, SecretProtector secrets, StorageLocations locations, ILogger<KeyService> logger)
{
    public const string StorageFolder = "_keys";

    /// <summary>Loads rotated keys into the ring, re-wrapping them if BACKUP_ENCRYPTION_KEY itself changed.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var records = await db.MasterKeys.OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        keys.Install(records);
        var stale = records.Where(r => r.RootKeyId != keys.RootId).ToList();
        foreach (var record in stale)
        {
            var fresh = keys.Rewrapped(record);
            record.RootKeyId = fresh.RootKeyId;
            record.WrappedKey = fresh.WrappedKey;
            await StoreCopyAsync(record, cancellationToken);
        }
        if (stale.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Re-wrapped {Count} master keys under the current BACKUP_ENCRYPTION_KEY", stale.Count);
        }
    }

    public async Task<List<KeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var usage = await db.BackupJobs.Where(j => j.KeyId != null).GroupBy(j => j.KeyId!)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var rotated = await db.MasterKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        var result = keys.KnownIds.Where(id => rotated.All(r => r.Id != id))
            .Select(id => new KeyInfo(id, id == keys.RootId ? "root (BACKUP_ENCRYPTION_KEY)" : "previous root", null, id == keys.CurrentId, usage.GetValueOrDefault(id)))
            .Concat(rotated.Select(r => new KeyInfo(r.Id, "rotated", r.CreatedAt, r.Id == keys.CurrentId, usage.GetValueOrDefault(r.Id))));
        return [.. result];
    }

    /// <summary>Introduces a new master key: new artifacts and secrets use it; old ones stay readable.</summary>
    public async Task<KeyInfo> RotateAsync(CancellationToken cancellationToken)
    {
        var record = keys.NewMasterKey();
        await StoreCopyAsync(record, cancellationToken);
        db.MasterKeys.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        keys.Install([record]);
        logger.LogInformation("Master key rotated: {KeyId} is now current", record.Id);
        return new KeyInfo(record.Id, "rotated", record.CreatedAt, true, 0);
    }

    /// <summary>
    /// Moves every artifact's data key and every stored secret to the current master key. Only artifact headers
    /// change: the ciphertext is copied as it is, the new file replaces the old one atomically, and the catalog's
    /// checksum follows.
    /// </summary>
    public async Task<RewrapResult> RewrapAsync(CancellationToken cancellationToken)
    {
        var current = keys.CurrentId;
        var errors = new List<string>();
        var artifacts = 0;
        var jobs = await db.BackupJobs.Where(j => j.Status == JobStatus.Completed && j.KeyId != current && j.StoragePath != null).ToListAsync(cancellationToken);
        foreach (var job in jobs)
        {
            try
            {
                await RewrapArtifactAsync(job, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                artifacts++;
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or Domain.Common.DomainException)
            {
                errors.Add($"{job.Id}: {e.Message}");
            }
        }
        var secretsDone = 0;
        foreach (var source in await db.Sources.Where(s => s.PasswordEncrypted != null && !s.PasswordEncrypted.StartsWith($"v1:{current}:")).ToListAsync(cancellationToken))
        {
            source.PasswordEncrypted = secrets.Protect(secrets.Unprotect(source.PasswordEncrypted!));
            secretsDone++;
        }
        foreach (var location in await db.StorageLocations.Where(l => l.SecretAccessKeyEncrypted != null && !l.SecretAccessKeyEncrypted.StartsWith($"v1:{current}:")).ToListAsync(cancellationToken))
        {
            location.SecretAccessKeyEncrypted = secrets.Protect(secrets.Unprotect(location.SecretAccessKeyEncrypted!));
            location.UpdatedAt = DateTimeOffset.UtcNow;
            secretsDone++;
        }
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Re-wrap to {KeyId}: {Artifacts} artifacts, {Secrets} secrets, {Failed} failed", current, artifacts, secretsDone, errors.Count);
        return new RewrapResult(artifacts, secretsDone, errors.Count, errors);
    }

    /// <summary>Rewrites every stored copy at once; a copy that cannot be rewritten is copied again from one that was, or marked failed.</summary>
    private async Task RewrapArtifactAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var storage = await locations.ForReadAsync(job, cancellationToken);
        await using var input = await storage.OpenReadAsync(job.StoragePath!, cancellationToken);
        var (oldHeader, newHeader) = ArtifactFormat.Rewrap(input, keys);
        if (oldHeader.Length != newHeader.Length)
            throw new IOException("The re-wrapped header would change length.");
        await using var upload = (FanOutUpload)await storage.BeginWriteAsync(job.StoragePath!, cancellationToken, replace: true);
        await using var stored = new HashingStream(upload.Stream, leaveOpen: true);
        await stored.WriteAsync(newHeader, cancellationToken);
        await StreamPump.CopyAsync(input, stored, [], cancellationToken);
        if (stored.BytesTransferred != job.FileSizeBytes)
            throw new IOException($"Re-wrapping read {stored.BytesTransferred} bytes; the catalog recorded {job.FileSizeBytes}.");
        await upload.CommitAsync(cancellationToken);
        var copies = await storage.SettleAsync(upload, stored.BytesTransferred, stored.HashHex(), cancellationToken);
        job.ChecksumSha256 = stored.HashHex();
        job.KeyId = keys.CurrentId;
        await locations.RecordAsync(job, copies, stored.BytesTransferred, job.ChecksumSha256, cancellationToken);
        var source = await db.Sources.FindAsync([job.SourceId], cancellationToken);
        if (source is not null) await ArtifactManifest.For(job, source).WriteAsync(storage.Holding(copies), cancellationToken);
    }

    /// <summary>The wrapped key also lives beside the artifacts, in every location, so any one of them can be re-indexed with the root key.</summary>
    private async Task StoreCopyAsync(MasterKeyRecord record, CancellationToken cancellationToken)
    {
        await using var upload = await (await locations.EverywhereAsync(cancellationToken)).BeginWriteAsync($"{StorageFolder}/{record.Id}.json", cancellationToken, replace: true);
        await JsonSerializer.SerializeAsync(upload.Stream, record, JsonSerializerOptions.Web, cancellationToken);
        await upload.CommitAsync(cancellationToken);
    }
}
