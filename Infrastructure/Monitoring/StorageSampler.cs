using BackupPortal.Domain.Monitoring;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Storage;
using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Monitoring;

/// <summary>Records what each backup type occupies in storage, and the free space there, for the storage-growth chart. Coravel runs it every 15 minutes.</summary>
public sealed class StorageSampler(CatalogDbContext db, IBackupStorage storage) : IInvocable
{
    public async Task Invoke()
    {
        var free = storage.Space()?.FreeBytes;
        var now = DateTimeOffset.UtcNow;
        var byType = await db.BackupJobs.AsNoTracking().Where(j => j.Status == Domain.Backups.JobStatus.Completed)
            .GroupBy(j => j.BackupType).Select(g => new { Type = g.Key, Bytes = g.Sum(j => j.FileSizeBytes ?? 0), Count = g.Count() }).ToListAsync();
        var wal = await db.WalSegments.AsNoTracking().GroupBy(_ => 1).Select(g => new { Bytes = g.Sum(w => w.FileSizeBytes), Count = g.Count() }).ToListAsync();
        db.StorageSamples.AddRange(byType.Select(t => new StorageSample
        {
            Location = storage.Name,
            BackupType = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(t.Type.ToString()),
            UsedBytes = t.Bytes,
            ArtifactCount = t.Count,
            FreeBytes = free,
            SampledAt = now,
        }));
        db.StorageSamples.AddRange(wal.Select(w => new StorageSample { Location = storage.Name, BackupType = "wal", UsedBytes = w.Bytes, ArtifactCount = w.Count, FreeBytes = free, SampledAt = now }));
        await db.SaveChangesAsync();
    }
}
