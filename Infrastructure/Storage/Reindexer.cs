using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Sources;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Pitr;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>What a re-index found in a location and what it put back into the catalog.</summary>
public sealed record ReindexResult(
    Guid LocationId, string Location, int Objects, int Manifests, int BackupsAdded, int BackupsRejected, int CopiesAdded,
    int SourcesMatched, int SourcesCreated, int WalAdded, int KeysAdded, List<string> Errors, double Seconds);

/// <summary>
/// Rebuilds the catalog from a location after the control plane was lost: rotated master keys from <c>_keys/</c>,
/// a backup row from each manifest (completed only once its artifact's size, SHA-256 and key check out; the worker then
/// verifies it by a real restore), and WAL archive rows from the archived files. A source named in a manifest is
/// matched by id or name, or re-created without credentials and disabled.
/// </summary>
public sealed partial class Reindexer(CatalogDbContext db, StorageDrivers drivers, MasterKeyRing keys, WalArchive archive, ILogger<Reindexer> logger)
{
    private const string ManifestSuffix = ".manifest.json";

    private sealed class Tally
    {
        public int Manifests, BackupsAdded, BackupsRejected, CopiesAdded, WalAdded, KeysAdded;
        public HashSet<Guid> Matched { get; } = [];

        /// <summary>A manifest's source id → the catalog's source it was matched to (by name, it may have another id).</summary>
        public Dictionary<Guid, Guid> Sources { get; } = [];
        public HashSet<Guid> Created { get; } = [];
        public List<string> Errors { get; } = [];
    }

    /// <summary>Re-indexes the location with this name or id.</summary>
    public async Task<ReindexResult> RunAsync(string location, CancellationToken cancellationToken)
    {
        var match = await db.StorageLocations.AsNoTracking()
            .SingleOrDefaultAsync(l => l.Name == location || l.Id.ToString() == location, cancellationToken)
            ?? throw new DomainException($"No storage location named '{location}'.", "location", 404);
        return await RunAsync(match.Id, cancellationToken);
    }

    public async Task<ReindexResult> RunAsync(Guid locationId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var location = await db.StorageLocations.AsNoTracking().SingleOrDefaultAsync(l => l.Id == locationId, cancellationToken)
            ?? throw new NotFoundException("Storage location", locationId);
        var storage = drivers.Replicate([location]);
        var objects = new List<StoredObject>();
        await foreach (var item in storage.ListAsync("", cancellationToken)) objects.Add(item);
        var tally = new Tally();

        await KeysAsync(storage, objects, tally, cancellationToken);
        foreach (var manifest in objects.Where(o => o.Path.EndsWith(ManifestSuffix, StringComparison.Ordinal)))
            await Guard(tally, manifest.Path, () => BackupAsync(storage, manifest.Path, tally, cancellationToken));
        foreach (var wal in objects.Select(o => (Object: o, Match: WalPath().Match(o.Path))).Where(w => w.Match.Success))
            await Guard(tally, wal.Object.Path, () => WalAsync(storage, Guid.ParseExact(wal.Match.Groups[1].Value, "N"), wal.Object.Path, tally, cancellationToken));

        logger.LogInformation("Re-indexed storage '{Location}': {Backups} backups, {Rejected} rejected, {Copies} copies, {Wal} WAL files, {Keys} keys, {Sources} sources re-created, {Errors} errors",
            location.Name, tally.BackupsAdded, tally.BackupsRejected, tally.CopiesAdded, tally.WalAdded, tally.KeysAdded, tally.Created.Count, tally.Errors.Count);
        return new ReindexResult(location.Id, location.Name, objects.Count, tally.Manifests, tally.BackupsAdded, tally.BackupsRejected, tally.CopiesAdded,
            tally.Matched.Except(tally.Created).Count(), tally.Created.Count, tally.WalAdded, tally.KeysAdded, tally.Errors, Math.Round(clock.Elapsed.TotalSeconds, 3));
    }

    /// <summary>One object's failure is reported and the scan goes on; the catalog keeps only what was saved whole.</summary>
    private async Task Guard(Tally tally, string path, Func<Task> index)
    {
        try
        {
            await index();
        }
        catch (Exception e) when (e is IOException or JsonException or CryptographicException or InvalidDataException or DomainException or DbUpdateException)
        {
            db.ChangeTracker.Clear();
            tally.Errors.Add($"{path}: {e.Message}");
            logger.LogWarning("Re-index skipped {Path}: {Error}", path, e.Message);
        }
    }

    /// <summary>Rotated master keys, wrapped by the root key, stored beside the artifacts: without them newer artifacts cannot be read.</summary>
    private async Task KeysAsync(ReplicatedStorage storage, List<StoredObject> objects, Tally tally, CancellationToken cancellationToken)
    {
        foreach (var file in objects.Where(o => o.Path.StartsWith(KeyService.StorageFolder + "/", StringComparison.Ordinal) && o.Path.EndsWith(".json", StringComparison.Ordinal)))
        {
            await Guard(tally, file.Path, async () =>
            {
                await using var stream = await storage.OpenReadAsync(file.Path, cancellationToken);
                var record = await JsonSerializer.DeserializeAsync<MasterKeyRecord>(stream, JsonSerializerOptions.Web, cancellationToken)
                    ?? throw new JsonException("The key record is empty.");
                if (await db.MasterKeys.AnyAsync(k => k.Id == record.Id, cancellationToken)) return;
                keys.Install([record]);
                db.MasterKeys.Add(record);
                await db.SaveChangesAsync(cancellationToken);
                tally.KeysAdded++;
            });
        }
        // The newest key of all, old and recovered, stays the one new artifacts use.
        keys.Install(await db.MasterKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken));
    }

    private async Task BackupAsync(ReplicatedStorage storage, string manifestPath, Tally tally, CancellationToken cancellationToken)
    {
        ArtifactManifest manifest;
        await using (var stream = await storage.OpenReadAsync(manifestPath, cancellationToken))
            manifest = await JsonSerializer.DeserializeAsync<ArtifactManifest>(stream, ArtifactManifest.Json, cancellationToken)
                ?? throw new JsonException("The manifest is empty.");
        tally.Manifests++;
        var location = storage.Replicas[0].Location;
        // An incremental's recorded size also counts the WAL it covers; its own artifact is the index alone.
        var expected = manifest.ArtifactBytes - (manifest.BackupType == BackupType.Incremental ? manifest.Details.Wal?.WalBytes ?? 0 : 0);
        var problem = await CheckAsync(storage, manifest.ArtifactPath, expected, manifest.ChecksumSha256, cancellationToken);

        if (await db.BackupJobs.FindAsync([manifest.BackupJobId], cancellationToken) is { } existing)
        {
            tally.Sources[manifest.SourceId] = existing.SourceId;
            // Known already (from the catalog or another location): this location's copy is recorded if it checks out.
            var copies = await db.BackupCopies.Where(c => c.BackupJobId == existing.Id).ToListAsync(cancellationToken);
            if (problem is not null || copies.Any(c => c.LocationId == location.Id && c.Status == CopyState.Stored)) return;
            db.BackupCopies.RemoveRange(copies.Where(c => c.LocationId == location.Id));
            db.BackupCopies.Add(Copy(existing.Id, location.Id, copies.Count, manifest));
            await db.SaveChangesAsync(cancellationToken);
            tally.CopiesAdded++;
            return;
        }

        var source = await SourceAsync(manifest, tally, cancellationToken);
        tally.Sources[manifest.SourceId] = source.Id;
        var job = new BackupJob
        {
            Id = manifest.BackupJobId,
            SourceId = source.Id,
            DatabaseName = manifest.DatabaseName,
            BackupType = manifest.BackupType,
            Trigger = manifest.Trigger,
            RequestedBy = "reindex",
            StartedAt = manifest.StartedAt,
            CreatedAt = manifest.StartedAt ?? manifest.CompletedAt ?? DateTimeOffset.UtcNow,
        };
        if (problem is null)
        {
            // Pending verification: the worker proves it restorable again before it counts as verified.
            job.Complete(manifest.ArtifactPath, manifest.ArtifactBytes, manifest.ChecksumSha256, manifest.KeyId, manifest.Details);
            job.CompletedAt = manifest.CompletedAt ?? job.CompletedAt;
            job.CopyStatus = JobCopyStatus.Complete;
            db.BackupCopies.Add(Copy(job.Id, location.Id, 0, manifest));
            tally.BackupsAdded++;
        }
        else
        {
            job.Fail($"Re-indexed from storage '{location.Name}', but the artifact does not check out: {problem}");
            job.StoragePath = manifest.ArtifactPath;
            tally.BackupsRejected++;
        }
        db.BackupJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The artifact as the manifest describes it: its size, its SHA-256 read back whole, and a header the keys can open.</summary>
    private static async Task<string?> CheckAsync(ReplicatedStorage storage, string path, long size, string sha256, CancellationToken cancellationToken)
    {
        var stored = await storage.GetSizeAsync(path, cancellationToken);
        if (stored is null) return "the artifact is missing";
        if (stored != size) return $"it holds {stored} bytes; the manifest says {size}";
        await using (var stream = await storage.OpenReadAsync(path, cancellationToken))
        {
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
            if (actual != sha256) return $"its SHA-256 is {actual}; the manifest says {sha256}";
        }
        return null;
    }

    private static BackupCopy Copy(Guid jobId, Guid locationId, int position, ArtifactManifest manifest) => new()
    {
        BackupJobId = jobId, LocationId = locationId, Position = position, Status = CopyState.Stored, Attempts = 0,
        SizeBytes = manifest.ArtifactBytes, ChecksumSha256 = manifest.ChecksumSha256, StoredAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The manifest's source by id, else by name; else re-created from the manifest, disabled and without a password.</summary>
    private async Task<Source> SourceAsync(ArtifactManifest manifest, Tally tally, CancellationToken cancellationToken)
    {
        var found = await db.Sources.FindAsync([manifest.SourceId], cancellationToken)
            ?? await db.Sources.SingleOrDefaultAsync(s => s.Name == manifest.SourceName, cancellationToken);
        if (found is not null)
        {
            tally.Matched.Add(found.Id);
            return found;
        }
        var source = new Source
        {
            Id = manifest.SourceId,
            Name = manifest.SourceName,
            Host = manifest.SourceHost ?? "localhost",
            Port = manifest.SourcePort ?? 5432,
            DatabaseName = manifest.SourceDatabase ?? manifest.DatabaseName,
            Username = manifest.SourceUsername ?? "postgres",
            SslMode = manifest.SourceSslMode ?? "prefer",
            Enabled = false,
        };
        db.Sources.Add(source);
        tally.Created.Add(source.Id);
        logger.LogWarning("Source '{Source}' re-created from a manifest, disabled: give it a password and enable it", source.Name);
        return source;
    }

    private async Task WalAsync(ReplicatedStorage storage, Guid storedUnder, string path, Tally tally, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path)[..^".gz.bpar".Length];
        var sourceId = tally.Sources.GetValueOrDefault(storedUnder, storedUnder);
        if (!await db.Sources.AnyAsync(s => s.Id == sourceId, cancellationToken))
            throw new IOException($"WAL of source {sourceId}, which no manifest names: re-index a location that holds its backups first.");
        if (await db.WalSegments.AnyAsync(w => w.SourceId == sourceId && w.FileName == name, cancellationToken)) return;
        await archive.RecoverAsync(sourceId, path, storage, cancellationToken);
        tally.WalAdded++;
    }

    [GeneratedRegex(@"^([0-9a-f]{32})/wal/([0-9A-F]{24}(\.partial)?|[0-9A-F]{8}\.history)\.gz\.bpar$")]
    private static partial Regex WalPath();
}
