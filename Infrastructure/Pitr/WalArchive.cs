using System.Globalization;
using System.Text.RegularExpressions;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Pitr;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>
/// A source's WAL archive: each completed segment goes through the same pipeline as every artifact (SHA-256, gzip,
/// AES-256-GCM) into storage, with a catalog row; from those rows come the recoverable window, its gaps, and the
/// segments a recovery needs.
/// </summary>
public sealed partial class WalArchive(CatalogDbContext db, StorageLocations locations, MasterKeyRing keys, PgToolbox tools)
{
    public static string StoragePathFor(Guid sourceId, string fileName) => $"{sourceId:N}/wal/{fileName}.gz.bpar";

    /// <summary>Archives one completed file from the spool; a file archived before (received again after a restart) is kept as it is.</summary>
    public async Task<WalSegment> ArchiveAsync(Guid sourceId, string file, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        if (await db.WalSegments.AsNoTracking().SingleOrDefaultAsync(w => w.SourceId == sourceId && w.FileName == name, cancellationToken) is { } existing)
            return existing;
        var row = await RowAsync(sourceId, file, cancellationToken);
        var storage = await locations.ForWriteAsync(sourceId, null, cancellationToken);
        await using (var writer = await ArtifactWriter.BeginAsync(storage, keys, row.StoragePath, compress: true, cancellationToken, replace: true))
        {
            await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16))
                await input.CopyToAsync(writer.Input, 1 << 20, cancellationToken);
            var stored = await writer.CommitAsync(cancellationToken);
            (row.PlaintextSha256, row.ChecksumSha256, row.FileSizeBytes, row.KeyId) = (stored.PlaintextSha256, stored.Sha256, stored.Bytes, stored.KeyId);
            row.LocationIds = stored.StoredIn;
        }
        db.WalSegments.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>
    /// Re-creates the catalog row of a WAL file found in storage (re-indexing): every chunk is authenticated as it is
    /// decrypted into a scratch file, whose size, checksums and commit times are then recorded as at archive time.
    /// </summary>
    public async Task<WalSegment> RecoverAsync(Guid sourceId, string storagePath, ReplicatedStorage storage, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("bp-reindex-").FullName;
        try
        {
            var file = Path.Combine(directory, Path.GetFileName(storagePath)[..^".gz.bpar".Length]);
            await using var artifact = await ArtifactStream.OpenAsync(storage, keys, storagePath, compressed: true, cancellationToken);
            await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                await artifact.Plain.CopyToAsync(output, 1 << 20, cancellationToken);
            var row = await RowAsync(sourceId, file, cancellationToken);
            (row.PlaintextSha256, row.ChecksumSha256, row.FileSizeBytes, row.KeyId) = (artifact.PlaintextSha256, artifact.StoredSha256, artifact.StoredBytes, artifact.KeyId);
            // Where it was found: under the id the source had when it was archived.
            row.StoragePath = storagePath;
            row.LocationIds = [.. storage.Replicas.Select(r => r.Location.Id)];
            db.WalSegments.Add(row);
            await db.SaveChangesAsync(cancellationToken);
            return row;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A segment's row from its plain file: name, timeline and number, size, and the commits it holds.</summary>
    private async Task<WalSegment> RowAsync(Guid sourceId, string file, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        var length = new FileInfo(file).Length;
        var isSegment = Lsn.TryParseSegmentName(name, length, out var timeline, out var segment);
        if (!isSegment) timeline = int.Parse(name[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var (firstCommit, lastCommit) = isSegment ? await CommitRangeAsync(file, cancellationToken) : (null, null);
        return new WalSegment
        {
            SourceId = sourceId,
            FileName = name,
            Timeline = timeline,
            SegmentNumber = isSegment ? (long)segment : null,
            OriginalBytes = length,
            StoragePath = StoragePathFor(sourceId, name),
            FirstCommitAt = firstCommit,
            LastCommitAt = lastCommit,
        };
    }

    /// <summary>True when earlier segments of the timeline are archived but not the one just before this: WAL was lost in between.</summary>
    public async Task<bool> FollowsGapAsync(WalSegment segment, CancellationToken cancellationToken)
    {
        if (segment.SegmentNumber is not { } number) return false;
        var earlier = db.WalSegments.Where(w => w.SourceId == segment.SourceId && w.Timeline == segment.Timeline && w.SegmentNumber < number);
        return await earlier.AnyAsync(cancellationToken) && !await earlier.AnyAsync(w => w.SegmentNumber == number - 1, cancellationToken);
    }

    /// <summary>Decrypts one archived file into a directory, checking its stored and plain checksums.</summary>
    public async Task RestoreFileAsync(WalSegment segment, string directory, CancellationToken cancellationToken)
    {
        await using var artifact = await ArtifactStream.OpenAsync(await locations.ForReadAsync(segment, cancellationToken), keys, segment.StoragePath, compressed: true, cancellationToken, segment.FileSizeBytes);
        await using (var output = new FileStream(Path.Combine(directory, segment.FileName), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            await artifact.Plain.CopyToAsync(output, 1 << 20, cancellationToken);
        artifact.EnsureMatches(segment.ChecksumSha256, segment.PlaintextSha256, $"WAL file {segment.FileName}");
    }

    /// <summary>Reads every archived file back, returning the ones that are missing or do not match.</summary>
    public async Task<List<string>> CheckAsync(IEnumerable<WalSegment> segments, CancellationToken cancellationToken)
    {
        var bad = new List<string>();
        foreach (var segment in segments)
        {
            try
            {
                await using var artifact = await ArtifactStream.OpenAsync(await locations.ForReadAsync(segment, cancellationToken), keys, segment.StoragePath, compressed: true, cancellationToken, segment.FileSizeBytes);
                await artifact.Plain.CopyToAsync(Stream.Null, 1 << 20, cancellationToken);
                artifact.EnsureMatches(segment.ChecksumSha256, segment.PlaintextSha256, $"WAL file {segment.FileName}");
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or InvalidDataException)
            {
                bad.Add($"{segment.FileName}: {e.Message}");
            }
        }
        return bad;
    }

    public Task<List<WalSegment>> SegmentsAsync(Guid sourceId, CancellationToken cancellationToken) =>
        db.WalSegments.AsNoTracking().Where(w => w.SourceId == sourceId)
            .OrderBy(w => w.Timeline).ThenBy(w => w.SegmentNumber).ThenBy(w => w.FileName).ToListAsync(cancellationToken);

    /// <summary>
    /// The segments of one timeline from <paramref name="first"/> on, in order, with the gaps among them: a segment
    /// missing from the catalog, or whose file storage no longer holds, breaks the chain.
    /// </summary>
    public async Task<(List<WalSegment> Chain, List<WalGap> Gaps)> ChainAsync(
        List<WalSegment> segments, int timeline, long first, CancellationToken cancellationToken)
    {
        var chain = new List<WalSegment>();
        var gaps = new List<WalGap>();
        WalSegment? previous = null;
        var expected = first;
        foreach (var segment in segments.Where(s => s.Timeline == timeline && s.SegmentNumber >= first))
        {
            if (await (await locations.ForReadAsync(segment, cancellationToken)).GetSizeAsync(segment.StoragePath, cancellationToken) != segment.FileSizeBytes) continue;
            var number = segment.SegmentNumber!.Value;
            if (number != expected)
            {
                var missing = (int)(number - expected);
                var after = previous?.FileName ?? Lsn.SegmentName(timeline, (ulong)expected - 1, segment.OriginalBytes);
                gaps.Add(new WalGap(after, segment.FileName, missing, previous?.LastCommitAt ?? previous?.ArchivedAt, segment.FirstCommitAt ?? segment.ArchivedAt,
                    $"{missing} WAL segment(s) after {after} and before {segment.FileName} are missing from the archive; points after the gap need a base backup taken after it."));
            }
            chain.Add(segment);
            previous = segment;
            expected = number + 1;
        }
        return (chain, gaps);
    }

    /// <summary>
    /// From the oldest base backup's consistent point to the newest WAL received: "now" while a receiver is streaming,
    /// otherwise when WAL last arrived. Gaps are reported with the times around them.
    /// </summary>
    public async Task<RecoveryWindow> WindowAsync(Domain.Sources.Source source, CancellationToken cancellationToken)
    {
        var bases = await BasesAsync(source.Id, cancellationToken);
        if (bases.Count == 0) return new RecoveryWindow(null, null, []);
        var oldest = bases[^1].Details!.Wal!;
        var segments = await SegmentsAsync(source.Id, cancellationToken);
        var segmentBytes = segments.FirstOrDefault(s => s.SegmentNumber is not null)?.OriginalBytes ?? 16L << 20;
        var firstSegment = (long)Lsn.SegmentOf(Lsn.Parse(oldest.EndLsn), segmentBytes);
        var (chain, gaps) = await ChainAsync(segments, oldest.Timeline, firstSegment, cancellationToken);
        return new RecoveryWindow(oldest.ConsistentAt, Latest(source, chain.LastOrDefault()?.ArchivedAt, bases[0].Details!.Wal!.ConsistentAt), gaps);
    }

    /// <summary>
    /// The window's end alone, from the catalog only: dashboards, /metrics and the stale-recovery-point rule ask for it
    /// often, and need not read every archived file as the window does.
    /// </summary>
    public async Task<DateTimeOffset?> LatestAsync(Domain.Sources.Source source, CancellationToken cancellationToken)
    {
        var newestBase = (await BasesAsync(source.Id, cancellationToken)).FirstOrDefault()?.Details!.Wal!.ConsistentAt;
        if (newestBase is null) return null;
        var lastArchived = await db.WalSegments.Where(w => w.SourceId == source.Id).MaxAsync(w => (DateTimeOffset?)w.ArchivedAt, cancellationToken);
        return Latest(source, lastArchived, newestBase);
    }

    /// <summary>"Now" while a receiver is streaming, otherwise when WAL last arrived; never before the newest base's consistent point.</summary>
    private static DateTimeOffset? Latest(Domain.Sources.Source source, DateTimeOffset? lastArchived, DateTimeOffset? newestBase)
    {
        var streaming = source.PointInTimeRecovery && source.WalReceiverSeenAt > DateTimeOffset.UtcNow.AddSeconds(-15) && source.WalReceiverError is null;
        return Max(streaming ? DateTimeOffset.UtcNow : Max(source.WalReceivedAt, lastArchived), newestBase);
    }

    /// <summary>Completed base backups of a source, newest first.</summary>
    public async Task<List<BackupJob>> BasesAsync(Guid sourceId, CancellationToken cancellationToken)
    {
        var bases = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == sourceId && j.BackupType == BackupType.Base && j.Status == JobStatus.Completed && j.Details != null)
            .ToListAsync(cancellationToken);
        return [.. bases.Where(b => b.Details!.Wal?.ConsistentAt is not null).OrderByDescending(b => b.Details!.Wal!.ConsistentAt)];
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>First and last commit time in a segment, from <c>pg_waldump</c>; nulls when it holds none.</summary>
    private async Task<(DateTimeOffset?, DateTimeOffset?)> CommitRangeAsync(string file, CancellationToken cancellationToken)
    {
        await using var dump = PgProcess.Start(tools.PgWaldump, ["--rmgr=Transaction", file], null, redirectStdin: false, redirectStdout: false,
            captureStdout: true, environment: new() { ["TZ"] = "UTC" });
        await dump.WaitAsync(cancellationToken);
        var times = CommitTime().Matches(await dump.OutputAsync())
            .Select(m => DateTimeOffset.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            .ToList();
        return times.Count == 0 ? (null, null) : (times.Min(), times.Max());
    }

    [GeneratedRegex(@"desc: (?:COMMIT|ABORT)[A-Z_]* (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) UTC")]
    private static partial Regex CommitTime();
}
