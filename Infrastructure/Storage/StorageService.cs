using System.Diagnostics;
using System.Security.Cryptography;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>What a client may set on a location. A null secret leaves the stored one as it is.</summary>
public sealed record LocationInput(
    string Name, StorageType Type, string? Path, string? Endpoint, string? Region, string? Bucket, string? Prefix,
    string? AccessKeyId, string? SecretAccessKey, bool ForcePathStyle);

/// <summary>A location's round trip: each step, then what it holds and has free where it can tell.</summary>
public sealed record LocationTest(
    bool Ok, bool Write, bool Read, bool Delete, string? Error, double Seconds, long? UsedBytes, long? Objects, long? FreeBytes, long? TotalBytes);

/// <summary>Storage locations as catalog entities, the default one from <c>BACKUP_STORAGE_PATH</c>, and sources' storage policies.</summary>
public sealed class StorageService(CatalogDbContext db, StorageDrivers drivers, StorageUsage usage, SecretProtector secrets, IOptions<StorageOptions> options)
{
    public Task<List<LocationState>> ListAsync(CancellationToken cancellationToken) => usage.LocationsAsync(cancellationToken);

    public async Task<LocationState> GetAsync(Guid id, CancellationToken cancellationToken) =>
        (await usage.LocationsAsync(cancellationToken)).SingleOrDefault(l => l.Location.Id == id) ?? throw new NotFoundException("Storage location", id);

    /// <summary>Registers the default location, or follows <c>BACKUP_STORAGE_PATH</c> when it changed.</summary>
    public async Task EnsureDefaultAsync(CancellationToken cancellationToken)
    {
        var path = System.IO.Path.GetFullPath(options.Value.Path!);
        var location = await db.StorageLocations.SingleOrDefaultAsync(l => l.IsDefault, cancellationToken);
        if (location is null)
            db.StorageLocations.Add(new StorageLocation { Name = StorageLocation.DefaultName, Type = StorageType.Local, Path = path, IsDefault = true });
        else if (location.Path != path)
            (location.Path, location.UpdatedAt) = (path, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<StorageLocation> CreateAsync(LocationInput input, CancellationToken cancellationToken)
    {
        var location = new StorageLocation { Name = input.Name };
        await ApplyAsync(location, input, cancellationToken);
        db.StorageLocations.Add(location);
        await db.SaveChangesAsync(cancellationToken);
        return location;
    }

    public async Task<StorageLocation> UpdateAsync(Guid id, LocationInput input, CancellationToken cancellationToken)
    {
        var location = await FindAsync(id, cancellationToken);
        if (location.IsDefault)
            throw new ConflictException("The default location comes from BACKUP_STORAGE_PATH; change that setting and restart the Api instead.");
        await ApplyAsync(location, input, cancellationToken);
        location.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return location;
    }

    /// <summary>Only a location nothing depends on goes: no policy names it and it holds no copy the catalog knows of.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var location = await FindAsync(id, cancellationToken);
        if (location.IsDefault) throw new ConflictException("The default location cannot be deleted.");
        var sources = await db.Sources.Where(s => s.StorageLocationIds.Contains(id)).Select(s => s.Name).ToListAsync(cancellationToken);
        var schedules = await db.BackupSchedules.Where(s => s.StorageLocationIds != null && s.StorageLocationIds.Contains(id)).Select(s => s.Name).ToListAsync(cancellationToken);
        if (sources.Count + schedules.Count > 0)
            throw new ConflictException($"Storage location '{location.Name}' is in the storage policy of {string.Join(", ", sources.Select(s => $"source '{s}'").Concat(schedules.Select(s => $"schedule '{s}'")))}; change those first.");
        var copies = await db.BackupCopies.CountAsync(c => c.LocationId == id && c.Status == CopyState.Stored, cancellationToken);
        var segments = await db.WalSegments.CountAsync(w => w.LocationIds != null && w.LocationIds.Contains(id), cancellationToken);
        if (copies + segments > 0)
            throw new ConflictException($"Storage location '{location.Name}' holds {copies} backup copies and {segments} WAL files; they expire with retention, or delete their backups first.");
        db.BackupCopies.RemoveRange(db.BackupCopies.Where(c => c.LocationId == id));
        db.StorageLocations.Remove(location);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Writes a probe object, reads it back, deletes it and checks it is gone; then reports usage and free space.</summary>
    public async Task<LocationTest> TestAsync(Guid id, CancellationToken cancellationToken)
    {
        var driver = drivers.For(await FindAsync(id, cancellationToken));
        var clock = Stopwatch.StartNew();
        var probe = $"_probe/{Guid.NewGuid():N}";
        var content = RandomNumberGenerator.GetBytes(4096);
        bool write = false, read = false, delete = false;
        try
        {
            await using (var upload = await driver.BeginWriteAsync(probe, cancellationToken))
            {
                await upload.Stream.WriteAsync(content, cancellationToken);
                await upload.CommitAsync(cancellationToken);
            }
            write = true;
            await using (var stream = await driver.OpenReadAsync(probe, cancellationToken))
            {
                var back = new MemoryStream();
                await stream.CopyToAsync(back, cancellationToken);
                read = back.ToArray().AsSpan().SequenceEqual(content);
                if (!read) throw new IOException("The probe read back different bytes than were written.");
            }
            await driver.DeleteAsync(probe, cancellationToken);
            delete = await driver.GetSizeAsync(probe, cancellationToken) is null;
            if (!delete) throw new IOException("The probe was still there after it was deleted.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new LocationTest(false, write, read, delete, e.Message, clock.Elapsed.TotalSeconds, null, null, null, null);
        }
        long used = 0, objects = 0;
        await foreach (var item in driver.ListAsync("", cancellationToken)) (used, objects) = (used + item.Size, objects + 1);
        var space = driver.Space();
        return new LocationTest(true, true, true, true, null, clock.Elapsed.TotalSeconds, used, objects, space?.FreeBytes, space?.TotalBytes);
    }

    /// <summary>Where a source's backups go, in the order reads try them; an empty list means the default location.</summary>
    public async Task<Domain.Sources.Source> SetPolicyAsync(Guid sourceId, List<Guid> locationIds, CancellationToken cancellationToken)
    {
        var source = await db.Sources.FindAsync([sourceId], cancellationToken) ?? throw new NotFoundException("Source", sourceId);
        source.StorageLocationIds = await CheckedAsync(locationIds, "locationIds", cancellationToken);
        source.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        return source;
    }

    /// <summary>The ids as given, each one existing and named once.</summary>
    public async Task<List<Guid>> CheckedAsync(List<Guid> ids, string field, CancellationToken cancellationToken)
    {
        if (ids.Distinct().Count() != ids.Count) throw new DomainException("A location may appear once in a storage policy.", field, 400);
        var known = await db.StorageLocations.Where(l => ids.Contains(l.Id)).Select(l => l.Id).ToListAsync(cancellationToken);
        var unknown = ids.Except(known).ToList();
        if (unknown.Count > 0) throw new DomainException($"No storage location with id {string.Join(", ", unknown)}.", field, 404);
        return ids;
    }

    private async Task<StorageLocation> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.StorageLocations.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Storage location", id);

    private async Task ApplyAsync(StorageLocation location, LocationInput input, CancellationToken cancellationToken)
    {
        if (await db.StorageLocations.AnyAsync(l => l.Name == input.Name && l.Id != location.Id, cancellationToken))
            throw new ConflictException($"A storage location named '{input.Name}' already exists.", "name");
        var s3 = input.Type == StorageType.S3;
        (location.Name, location.Type, location.ForcePathStyle) = (input.Name, input.Type, input.ForcePathStyle);
        location.Path = s3 ? null : System.IO.Path.GetFullPath(input.Path!);
        (location.Endpoint, location.Region, location.Bucket, location.Prefix, location.AccessKeyId) =
            s3 ? (input.Endpoint, input.Region, input.Bucket, input.Prefix?.Trim('/'), input.AccessKeyId) : (null, null, null, null, null);
        if (!s3) location.SecretAccessKeyEncrypted = null;
        else if (input.SecretAccessKey is { } secret) location.SecretAccessKeyEncrypted = secrets.Protect(secret);
    }
}
