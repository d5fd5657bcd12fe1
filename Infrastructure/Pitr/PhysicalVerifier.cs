using System.Diagnostics;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Pitr;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>
/// Proves physical backups restorable. A base is extracted into a sandbox (checksums and decryption on the way),
/// checked by <c>pg_verifybackup</c> against its manifest, started, and queried. An incremental's archive must be
/// continuous from its base through its end, every segment read back against its checksum.
/// </summary>
public sealed class PhysicalVerifier(
    CatalogDbContext db, StorageLocations locations, MasterKeyRing keys, PgToolbox tools, WalArchive archive, IOptions<PitrOptions> options)
{
    public async Task<List<VerificationCheck>> VerifyBaseAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var checks = new List<VerificationCheck>();
        var clock = Stopwatch.StartNew();
        await using var sandbox = Sandbox.Create(options.Value, tools);
        try
        {
            var bytes = await sandbox.ExtractAsync(job, await locations.ForReadAsync(job, cancellationToken), keys, null, cancellationToken);
            checks.Add(new VerificationCheck("checksum_sha256", true, $"SHA-256 of the stored artifact matches the recorded {job.ChecksumSha256}.", clock.Lap()));
            checks.Add(new VerificationCheck("decryption", true, $"Every chunk authenticated with key {job.KeyId}; {bytes} bytes of tar extracted.", 0)
            { Figures = { ["plaintextBytes"] = bytes } });
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or InvalidDataException or IOException)
        {
            checks.Add(new VerificationCheck("checksum_sha256", false, $"The artifact could not be read back whole: {e.Message}", clock.Lap()));
            return checks;
        }

        var verifyError = await sandbox.VerifyAsync(cancellationToken);
        checks.Add(new VerificationCheck("backup_manifest", verifyError is null,
            verifyError ?? "pg_verifybackup: every file matches the backup manifest's SHA-256 and the WAL needed parses.", clock.Lap()));
        if (verifyError is not null) return checks;

        var username = await UsernameAsync(job, cancellationToken);
        try
        {
            await sandbox.ConfigureAsync(null, recover: false, cancellationToken);
            await sandbox.StartAsync(job.DatabaseName, username, cancellationToken);
            await using var connection = new NpgsqlConnection(sandbox.Connection(job.DatabaseName, username).ConnectionString);
            await connection.OpenAsync(cancellationToken);
            var tables = await DatabaseAdmin.ListTablesAsync(connection, null, countRows: true, cancellationToken);
            var missing = job.Details!.Tables.Select(t => t.QualifiedName).Except(tables.Select(t => t.QualifiedName)).ToList();
            checks.Add(new VerificationCheck("data_consistency", missing.Count == 0,
                missing.Count == 0
                    ? $"Started the restored copy in a sandbox: database '{job.DatabaseName}' answers, {tables.Count} tables with {tables.Sum(t => t.RowCount)} rows."
                    : $"The restored copy lacks tables recorded at backup time: {string.Join(", ", missing)}.", clock.Lap())
            { Figures = { ["tables"] = tables.Count, ["rows"] = tables.Sum(t => t.RowCount) } });
        }
        catch (Exception e) when (e is PgToolException or NpgsqlException)
        {
            checks.Add(new VerificationCheck("data_consistency", false, $"The restored copy did not start or answer: {e.Message} {await sandbox.LogTailAsync()}", clock.Lap()));
        }
        return checks;
    }

    public async Task<List<VerificationCheck>> VerifyIncrementalAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var checks = new List<VerificationCheck>();
        try
        {
            await using var index = await ArtifactStream.OpenAsync(await locations.ForReadAsync(job, cancellationToken), keys, job.StoragePath!, compressed: false, cancellationToken);
            await index.Plain.CopyToAsync(Stream.Null, cancellationToken);
            index.EnsureMatches(job.ChecksumSha256, job.Details!.PlaintextSha256, $"The recovery point record of backup {job.Id}");
            checks.Add(new VerificationCheck("checksum_sha256", true, "The recovery point record reads back and matches its checksums.", clock.Lap()));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            checks.Add(new VerificationCheck("checksum_sha256", false, e.Message, clock.Lap()));
        }

        var range = job.Details!.Wal!;
        var baseJob = range.BaseBackupId is { } id ? await db.BackupJobs.FindAsync([id], cancellationToken) : null;
        if (baseJob is not { Status: JobStatus.Completed, Details.Wal: not null })
        {
            checks.Add(new VerificationCheck("wal_continuity", false, $"The base backup this incremental builds on ({range.BaseBackupId}) is no longer available.", clock.Lap()));
            return checks;
        }
        var segments = await archive.SegmentsAsync(job.SourceId, cancellationToken);
        var segmentBytes = segments.FirstOrDefault(s => s.SegmentNumber is not null)?.OriginalBytes ?? 16L << 20;
        var first = (long)Lsn.SegmentOf(Lsn.Parse(baseJob.Details.Wal.EndLsn), segmentBytes);
        var last = (long)Lsn.SegmentOf(Lsn.Parse(range.EndLsn) - 1, segmentBytes);
        var (chain, gaps) = await archive.ChainAsync(segments, range.Timeline, first, cancellationToken);
        var needed = chain.Where(s => s.SegmentNumber <= last).ToList();
        var missingAtEnd = needed.Count == 0 || needed[^1].SegmentNumber != last;
        var breaks = gaps.Where(g => chain.First(s => s.FileName == g.BeforeSegment).SegmentNumber <= last).ToList();
        checks.Add(new VerificationCheck("wal_continuity", breaks.Count == 0 && !missingAtEnd,
            breaks.Count > 0 ? string.Join(" ", breaks.Select(g => g.Reason))
                : missingAtEnd ? $"The archive ends before this incremental's end ({range.EndLsn})."
                : $"The archive is continuous from base backup {baseJob.Id} ({baseJob.Details.Wal.EndLsn}) to {range.EndLsn}: {needed.Count} segments.", clock.Lap())
        { Figures = { ["segments"] = needed.Count, ["gaps"] = breaks.Count } });

        var bad = await archive.CheckAsync(needed, cancellationToken);
        checks.Add(new VerificationCheck("wal_checksums", bad.Count == 0,
            bad.Count == 0 ? $"All {needed.Count} segments read back and match their SHA-256." : string.Join("; ", bad), clock.Lap())
        { Figures = { ["checked"] = needed.Count, ["failed"] = bad.Count } });
        return checks;
    }

    private async Task<string> UsernameAsync(BackupJob job, CancellationToken cancellationToken) =>
        (await db.Sources.FindAsync([job.SourceId], cancellationToken))?.Username ?? "postgres";
}
