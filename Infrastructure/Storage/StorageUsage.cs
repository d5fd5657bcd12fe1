using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>What one location holds of one kind of artifact (a backup type, or <c>wal</c>).</summary>
public sealed record LocationUsage(Guid LocationId, string Location, string Kind, long Bytes, long Count);

/// <summary>One location with its driver, what the catalog says it holds, and the free space it reports (local only).</summary>
public sealed record LocationState(StorageLocation Location, IBackupStorage Driver, long UsedBytes, StorageSpace? Space);

/// <summary>
/// Usage per location, from the catalog's copies (a backup from before storage policies, and WAL without locations,
/// count in the default location): what the dashboard, <c>/metrics</c>, the storage-low alert and the samples show.
/// </summary>
public sealed class StorageUsage(CatalogDbContext db, NpgsqlDataSource catalog, StorageDrivers drivers)
{
    public async Task<List<LocationUsage>> ByKindAsync(CancellationToken cancellationToken)
    {
        await using var command = catalog.CreateCommand("""
            with d as (select id from storage_locations where is_default)
            select l.id, l.name, t.kind, coalesce(sum(t.bytes), 0)::bigint, count(*)
            from (
                select c.location_id, j.backup_type as kind, c.size_bytes as bytes
                from backup_copies c join backup_jobs j on j.id = c.backup_job_id
                where c.status = 'stored' and j.status = 'completed'
                union all
                select (select id from d), j.backup_type, j.file_size_bytes from backup_jobs j
                where j.status = 'completed' and not exists (select 1 from backup_copies c where c.backup_job_id = j.id)
                union all
                select loc, 'wal', w.file_size_bytes from wal_segments w, unnest(coalesce(w.location_ids, array[(select id from d)])) loc
            ) t join storage_locations l on l.id = t.location_id
            group by l.id, l.name, t.kind order by l.name, t.kind
            """);
        var rows = new List<LocationUsage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new LocationUsage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)));
        return rows;
    }

    public async Task<List<LocationState>> LocationsAsync(CancellationToken cancellationToken)
    {
        var used = (await ByKindAsync(cancellationToken)).GroupBy(u => u.LocationId).ToDictionary(g => g.Key, g => g.Sum(u => u.Bytes));
        var locations = await db.StorageLocations.AsNoTracking().OrderByDescending(l => l.IsDefault).ThenBy(l => l.Name).ToListAsync(cancellationToken);
        return [.. locations.Select(l =>
        {
            var driver = drivers.For(l);
            return new LocationState(l, driver, used.GetValueOrDefault(l.Id), Space(driver));
        })];
    }

    /// <summary>A local directory that is gone reports no space rather than failing the whole view.</summary>
    private static StorageSpace? Space(IBackupStorage driver)
    {
        try
        {
            return driver.Space();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
