using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Pitr;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>Which locations an artifact is written to (the storage policy) and read from (where its copies are).</summary>
public sealed class StorageLocations(CatalogDbContext db, StorageDrivers drivers)
{
    /// <summary>Every location, read once per scope: a recovery resolves hundreds of segments' locations.</summary>
    private Dictionary<Guid, StorageLocation>? _all;

    public async Task<StorageLocation> DefaultAsync(CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken)).Values.SingleOrDefault(l => l.IsDefault)
        ?? throw new InvalidOperationException("The default storage location is not registered yet.");

    /// <summary>The schedule's override, else the source's policy, else the default location; in the policy's order.</summary>
    public async Task<ReplicatedStorage> ForWriteAsync(Guid sourceId, Guid? scheduleId, CancellationToken cancellationToken)
    {
        var ids = scheduleId is { } s
            ? await db.BackupSchedules.AsNoTracking().Where(x => x.Id == s).Select(x => x.StorageLocationIds).SingleOrDefaultAsync(cancellationToken)
            : null;
        ids ??= await db.Sources.AsNoTracking().Where(x => x.Id == sourceId).Select(x => x.StorageLocationIds).SingleOrDefaultAsync(cancellationToken);
        return await ReplicateAsync(ids, cancellationToken);
    }

    /// <summary>The backup's stored copies in policy order; a backup from before storage policies lives in the default location.</summary>
    public async Task<ReplicatedStorage> ForReadAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var ids = await db.BackupCopies.AsNoTracking()
            .Where(c => c.BackupJobId == job.Id && c.Status == CopyState.Stored).OrderBy(c => c.Position).Select(c => c.LocationId)
            .ToListAsync(cancellationToken);
        return await ReplicateAsync(ids, cancellationToken);
    }

    public Task<ReplicatedStorage> ForReadAsync(WalSegment segment, CancellationToken cancellationToken) => ReplicateAsync(segment.LocationIds, cancellationToken);

    /// <summary>The locations in the given order; none means the default location.</summary>
    public async Task<ReplicatedStorage> ReplicateAsync(IReadOnlyList<Guid>? ids, CancellationToken cancellationToken)
    {
        if (ids is not { Count: > 0 }) return drivers.Replicate([await DefaultAsync(cancellationToken)]);
        var locations = await AllAsync(cancellationToken);
        if (!ids.Any(locations.ContainsKey)) throw new InvalidOperationException($"None of the storage locations {string.Join(", ", ids)} exists any more.");
        return drivers.Replicate(ids.Where(locations.ContainsKey).Select(id => locations[id]));
    }

    private async Task<Dictionary<Guid, StorageLocation>> AllAsync(CancellationToken cancellationToken) =>
        _all ??= await db.StorageLocations.AsNoTracking().ToDictionaryAsync(l => l.Id, cancellationToken);

    /// <summary>Every location, in the default-first order: where the key records go, so each location alone can be re-indexed.</summary>
    public async Task<ReplicatedStorage> EverywhereAsync(CancellationToken cancellationToken) =>
        await ReplicateAsync([.. (await AllAsync(cancellationToken)).Values.OrderByDescending(l => l.IsDefault).ThenBy(l => l.Name).Select(l => l.Id)], cancellationToken);

    /// <summary>Copies that verification found missing or damaged: failed with the reason, and the job degraded, which raises the copy alert.</summary>
    public async Task MarkDamagedAsync(BackupJob job, IEnumerable<(Guid LocationId, string Error)> damaged, CancellationToken cancellationToken)
    {
        var copies = await db.BackupCopies.Where(c => c.BackupJobId == job.Id && c.Status == CopyState.Stored).ToListAsync(cancellationToken);
        foreach (var (location, error) in damaged)
        {
            if (copies.FirstOrDefault(c => c.LocationId == location) is not { } copy) continue;
            (copy.Status, copy.Error) = (CopyState.Failed, $"Found by verification: {error}.");
            job.CopyStatus = JobCopyStatus.Degraded;
        }
    }

    /// <summary>Records where a backup's copies went (a new row per location, or the row updated); the job is degraded when one failed for good.</summary>
    public async Task RecordAsync(BackupJob job, IEnumerable<CopyOutcome> outcomes, long size, string sha256, CancellationToken cancellationToken)
    {
        var copies = await db.BackupCopies.Where(c => c.BackupJobId == job.Id).ToListAsync(cancellationToken);
        foreach (var (outcome, position) in outcomes.Select((o, i) => (o, i)))
        {
            var copy = copies.SingleOrDefault(c => c.LocationId == outcome.Replica.Location.Id);
            if (copy is null)
            {
                copy = new BackupCopy { BackupJobId = job.Id, LocationId = outcome.Replica.Location.Id, Position = position };
                db.BackupCopies.Add(copy);
                copies.Add(copy);
            }
            (copy.Status, copy.Attempts, copy.Error) = (outcome.Stored ? CopyState.Stored : CopyState.Failed, copy.Attempts + outcome.Attempts, outcome.Error);
            (copy.SizeBytes, copy.ChecksumSha256, copy.StoredAt) = outcome.Stored ? (size, sha256, DateTimeOffset.UtcNow) : ((long?)null, (string?)null, (DateTimeOffset?)null);
        }
        job.CopyStatus = copies.All(c => c.Status == CopyState.Stored) ? JobCopyStatus.Complete : JobCopyStatus.Degraded;
    }
}
