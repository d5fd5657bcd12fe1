using System.Diagnostics;
using System.Security.Cryptography;
using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>
/// Proves a backup restorable. One read of the stored artifact feeds the checksum, the decryption, a
/// <c>pg_restore --list</c> and a real restore into a scratch database whose row counts are compared with the
/// counts taken at backup time.
/// </summary>
public sealed class BackupVerifier(
    StorageLocations locations, MasterKeyRing keys, PgToolbox tools, IOptions<VerificationOptions> options, Pitr.PhysicalVerifier physical,
    ILogger<BackupVerifier> logger)
{
    public async Task<VerificationReport> VerifyAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var checks = new List<VerificationCheck>();
        var clock = Stopwatch.StartNew();
        var details = job.Details ?? throw new InvalidOperationException($"Backup {job.Id} has no recorded details to verify against.");

        // An incremental's recorded size also counts the WAL it covers, which is checked segment by segment.
        var expected = job.BackupType == BackupType.Incremental ? job.FileSizeBytes - job.Details?.Wal?.WalBytes : job.FileSizeBytes;
        var (sizeCheck, copy) = await SizeCheckAsync(job, expected, cancellationToken);
        checks.Add(sizeCheck with { DurationSeconds = clock.Lap() });
        if (!sizeCheck.Passed)
            return new VerificationReport { StartedAt = started, CompletedAt = DateTimeOffset.UtcNow, Checks = checks };
        if (job.BackupType is BackupType.Base or BackupType.Incremental)
        {
            checks.AddRange(job.BackupType == BackupType.Base
                ? await physical.VerifyBaseAsync(job, cancellationToken)
                : await physical.VerifyIncrementalAsync(job, cancellationToken));
            return new VerificationReport { StartedAt = started, CompletedAt = DateTimeOffset.UtcNow, Checks = checks };
        }

        var server = PgEndpoint.FromConnectionString(options.Value.ConnectionString!);
        var scratch = $"bp_verify_{job.Id:N}"[..22] + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        await DatabaseAdmin.CreateDatabaseAsync(server, scratch, cancellationToken);
        try
        {
            var scratchEndpoint = server.WithDatabase(scratch);
            await using var restore = PgProcess.Start(tools.PgRestore,
                ["--exit-on-error", "--no-owner", "--no-privileges", "--no-password", "--dbname", scratch],
                scratchEndpoint, redirectStdin: true, redirectStdout: false, captureStdout: true);
            await using var list = PgProcess.Start(tools.PgRestore, ["--list"], scratchEndpoint, redirectStdin: true, redirectStdout: false, captureStdout: true);

            await using var stored = new HashingStream(await copy!.OpenReadAsync(job.StoragePath!, cancellationToken));
            string? streamError = null;
            HashingStream? plain = null;
            try
            {
                plain = new HashingStream(new DecryptingStream(stored, keys));
                await StreamPump.CopyAsync(plain, null, [restore.Stdin, list.Stdin], cancellationToken);
                await StreamPump.CloseQuietlyAsync(restore.Stdin);
                await StreamPump.CloseQuietlyAsync(list.Stdin);
            }
            catch (CryptographicException e)
            {
                streamError = e.Message;
                restore.Kill();
                list.Kill();
            }
            var streamSeconds = clock.Lap();

            var storedHash = stored.HashHex();
            var hashRead = streamError is null;
            checks.Add(new VerificationCheck("checksum_sha256", hashRead && storedHash == job.ChecksumSha256,
                hashRead ? $"SHA-256 of the stored artifact is {storedHash}; recorded {job.ChecksumSha256}." : "The artifact could not be read to its end.",
                streamSeconds) { Figures = { ["computed"] = hashRead ? storedHash : null, ["recorded"] = job.ChecksumSha256, ["bytesRead"] = stored.BytesTransferred } });
            var plainHash = plain?.HashHex();
            plain?.Dispose();
            checks.Add(new VerificationCheck("decryption", streamError is null && plainHash == details.PlaintextSha256,
                streamError ?? $"Every chunk authenticated with key {job.KeyId}; the decrypted archive's SHA-256 matches the one taken at backup time.",
                0) { Figures = { ["keyId"] = job.KeyId, ["plaintextBytes"] = plain?.BytesTransferred } });

            var listCode = await list.WaitAsync(cancellationToken);
            var tocList = await list.OutputAsync();
            var entries = ArchiveToc.Parse(tocList).Entries.Count;
            checks.Add(new VerificationCheck("archive_toc", listCode == 0,
                listCode == 0 ? $"pg_restore --list read {entries} table-of-contents entries." : $"pg_restore --list failed: {list.Errors}", 0)
            { Figures = { ["tocEntries"] = entries } });

            var fingerprint = ArchiveToc.Fingerprint(tocList);
            checks.Add(new VerificationCheck("schema_consistency", listCode == 0 && fingerprint == details.SchemaFingerprint,
                fingerprint == details.SchemaFingerprint ? "The archive's schema fingerprint matches the one recorded at backup time."
                    : $"Schema fingerprint {fingerprint} differs from the recorded {details.SchemaFingerprint}.", 0)
            { Figures = { ["fingerprint"] = fingerprint, ["recorded"] = details.SchemaFingerprint } });

            checks.Add(await DataCheckAsync(job, details, restore, scratchEndpoint, streamError, clock, cancellationToken));
        }
        finally
        {
            await DatabaseAdmin.DropDatabaseAsync(server, scratch, CancellationToken.None);
        }
        logger.LogInformation("Verification of backup {JobId}: {Result}", job.Id, checks.All(c => c.Passed) ? "verified" : "failed");
        return new VerificationReport { StartedAt = started, CompletedAt = DateTimeOffset.UtcNow, Checks = checks };
    }

    /// <summary>
    /// Every copy's size against the recorded one: the check passes when a copy has it, and the rest of the
    /// verification reads that copy. A copy that is missing or of another size is marked failed (the job degraded);
    /// one in a location that cannot be reached right now is only reported.
    /// </summary>
    private async Task<(VerificationCheck Check, IBackupStorage? Copy)> SizeCheckAsync(BackupJob job, long? expected, CancellationToken cancellationToken)
    {
        var storage = await locations.ForReadAsync(job, cancellationToken);
        var sizes = job.StoragePath is null ? [] : await storage.SizesAsync(job.StoragePath, cancellationToken).ToListAsync(cancellationToken);
        var good = sizes.FirstOrDefault(s => s.Size > 0 && s.Size == expected);
        var bad = sizes.Where(s => s.Size != expected).ToList();
        var unusable = string.Join(", ", bad.Select(s => $"'{s.Replica.Location.Name}' {(s.Error is { } error ? $"cannot be reached ({error})" : s.Size is { } size ? $"holds {size} bytes" : "is missing")}"));
        await locations.MarkDamagedAsync(job, bad.Where(s => s.Error is null)
            .Select(s => (s.Replica.Location.Id, s.Size is { } size ? $"holds {size} bytes, not {expected}" : "missing")), cancellationToken);
        var detail = good.Replica is { } at
            ? $"Stored {expected} bytes in '{at.Location.Name}'; the catalog recorded {expected}.{(bad.Count > 0 ? $" Not usable: {unusable}." : "")}"
            : sizes.All(s => s.Size is null && s.Error is null) ? $"The artifact is missing from storage ({storage.Name})." : $"No copy has the recorded {expected} bytes: {unusable}.";
        return (new VerificationCheck("file_size", good.Replica is not null, detail, 0)
        { Figures = { ["storedBytes"] = good.Size, ["expectedBytes"] = expected, ["location"] = good.Replica?.Location.Name } }, good.Replica?.Driver);
    }

    private static async Task<VerificationCheck> DataCheckAsync(
        BackupJob job, BackupDetails details, PgProcess restore, PgEndpoint scratch, string? streamError, Stopwatch clock, CancellationToken cancellationToken)
    {
        var code = await restore.WaitAsync(cancellationToken);
        if (streamError is not null || code != 0)
            return new VerificationCheck("data_consistency", false,
                streamError is not null ? "Not restored: the artifact failed authentication." : $"Restore into a scratch database failed: {restore.Errors}", clock.Lap());

        var schemaOnly = job.BackupType == BackupType.SchemaOnly;
        var comparisons = await DatabaseAdmin.CompareCountsAsync(scratch, details.Tables, schemaOnly, cancellationToken);
        var mismatched = comparisons.Where(c => !c.Matches).ToList();
        var detail = mismatched.Count == 0
            ? $"Restored into a scratch database: all {comparisons.Count} tables have the {(schemaOnly ? "expected zero" : "recorded")} row counts ({comparisons.Sum(c => c.Actual ?? 0)} rows)."
            : $"Row counts differ for {string.Join(", ", mismatched.Select(m => $"{m.Table} (expected {m.Expected}, found {m.Actual?.ToString() ?? "no table"})"))}.";
        return new VerificationCheck("data_consistency", mismatched.Count == 0, detail, clock.Lap())
        {
            Figures = { ["tables"] = comparisons.Count, ["rows"] = comparisons.Sum(c => c.Actual ?? 0), ["mismatches"] = mismatched.Count, ["comparisons"] = comparisons },
        };
    }
}
