using BackupPortal.Domain.Monitoring;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Storage;
using Coravel.Invocable;

namespace BackupPortal.Infrastructure.Monitoring;

/// <summary>Records what each location holds of each backup type (and WAL), and its free space, for the storage-growth chart. Coravel runs it every 15 minutes.</summary>
public sealed class StorageSampler(CatalogDbContext db, StorageUsage usage) : IInvocable
{
    public async Task Invoke()
    {
        var now = DateTimeOffset.UtcNow;
        var free = (await usage.LocationsAsync(CancellationToken.None)).ToDictionary(l => l.Location.Id, l => l.Space?.FreeBytes);
        db.StorageSamples.AddRange((await usage.ByKindAsync(CancellationToken.None)).Select(u => new StorageSample
        {
            Location = u.Location,
            BackupType = u.Kind,
            UsedBytes = u.Bytes,
            ArtifactCount = (int)u.Count,
            FreeBytes = free.GetValueOrDefault(u.LocationId),
            SampledAt = now,
        }));
        await db.SaveChangesAsync();
    }
}
