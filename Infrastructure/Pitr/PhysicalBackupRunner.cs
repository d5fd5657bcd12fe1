using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Pitr;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Sources;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>
/// Physical backups: a base is <c>pg_basebackup</c> (tar with its manifest and the WAL it needs, so it restores on its
/// own) streamed through gzip and encryption into storage; an incremental closes the current WAL segment and records
/// the archived WAL since the previous physical backup as a recovery point.
/// </summary>
public sealed partial class PhysicalBackupRunner(
    CatalogDbContext db, SourceConnector connector, PgToolbox tools, MasterKeyRing keys, WalArchive archive,
    IOptions<PitrOptions> options)
{
    public async Task<(StoredArtifact, BackupDetails)> BaseAsync(
        BackupJob job, Source source, ReplicatedStorage storage, JobControl? control, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var endpoint = connector.For(source);
        string serverVersion;
        List<ArchivedTable> tables;
        await using (var connection = await endpoint.OpenAsync(cancellationToken))
        {
            if (!tools.CanDump(connection.PostgreSqlVersion.Major))
                throw new PgToolException($"The server runs PostgreSQL {connection.ServerVersion}, newer than the local pg_basebackup ({tools.VersionText}); install a matching client and set PG_BIN_DIR.");
            serverVersion = connection.ServerVersion;
            // Table names as of the backup, so a point-in-time restore can check the tables it is asked for.
            tables = await DatabaseAdmin.ListTablesAsync(connection, null, countRows: false, cancellationToken);
        }
        if (control is not null) control.EstimatedBytes = await PreviousPlainBytesAsync(source.Id, cancellationToken);

        string? start = null, end = null;
        var timeline = 1;
        await using var basebackup = PgProcess.Start(tools.PgBasebackup,
            ["--pgdata=-", "--format=tar", "--wal-method=fetch", "--checkpoint=fast", "--manifest-checksums=SHA256", "--no-password", "--verbose",
             $"--label=backupportal {job.Id:N}"],
            endpoint, redirectStdin: false, redirectStdout: true,
            onErrorLine: line =>
            {
                if (StartPoint().Match(line) is { Success: true } s) (start, timeline) = (s.Groups[1].Value, int.Parse(s.Groups[2].Value));
                else if (EndPoint().Match(line) is { Success: true } e) end = e.Groups[1].Value;
            });
        await using var writer = await ArtifactWriter.BeginAsync(storage, keys, job.StoragePath!, compress: true, cancellationToken);
        await StreamPump.CopyAsync(basebackup.Stdout, writer.Input, [], cancellationToken, control is null ? null : control.AddBytes);
        await basebackup.EnsureSuccessAsync(cancellationToken);
        if (start is null || end is null)
            throw new PgToolException($"pg_basebackup did not report its WAL start and end points: {basebackup.Errors}");
        var stored = await writer.CommitAsync(cancellationToken);

        var details = Details(serverVersion, stored, clock) with
        {
            Tables = tables,
            Log = basebackup.Errors,
            Schemas = [.. tables.Select(t => t.Schema).Distinct().Order()],
            Wal = new WalRange { StartLsn = start, EndLsn = end, Timeline = timeline, ConsistentAt = DateTimeOffset.UtcNow },
        };
        return (stored, details);
    }

    /// <summary>The newest completed physical backup of a source (base or incremental): where the next incremental starts.</summary>
    public async Task<BackupJob?> PreviousAsync(Guid sourceId, CancellationToken cancellationToken)
    {
        var jobs = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == sourceId && (j.BackupType == BackupType.Base || j.BackupType == BackupType.Incremental)
                        && j.Status == JobStatus.Completed && j.Details != null)
            .OrderByDescending(j => j.CompletedAt).Take(1).ToListAsync(cancellationToken);
        return jobs.FirstOrDefault();
    }

    public async Task<(StoredArtifact, BackupDetails)> IncrementalAsync(
        BackupJob job, Source source, ReplicatedStorage storage, BackupJob previous, List<string> notes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string serverVersion, endLsn, lastFile;
        long segmentBytes;
        await using (var connection = await connector.For(source).OpenAsync(cancellationToken))
        {
            serverVersion = connection.ServerVersion;
            await using var command = new NpgsqlCommand("""
                select lsn::text, pg_walfile_name(lsn), (select setting::bigint from pg_settings where name = 'wal_segment_size')
                from (select pg_switch_wal() as lsn) s
                """, connection);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                (endLsn, lastFile, segmentBytes) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new NotSupportedException($"Role '{source.Username}' may not close WAL segments: run GRANT EXECUTE ON FUNCTION pg_switch_wal() TO \"{source.Username}\"; as a superuser.");
            }
        }
        var range = previous.Details!.Wal!;
        var baseId = previous.BackupType == BackupType.Base ? previous.Id : range.BaseBackupId;
        // The segment holding the last byte before the switch point (pg_walfile_name names the timeline; lsn - 1 needs PostgreSQL 14).
        Lsn.TryParseSegmentName(lastFile, segmentBytes, out var timeline, out _);
        var last = Lsn.SegmentOf(Lsn.Parse(endLsn) - 1, segmentBytes);
        lastFile = Lsn.SegmentName(timeline, last, segmentBytes);
        var first = Lsn.SegmentOf(Lsn.Parse(range.EndLsn), segmentBytes);
        var covered = Lsn.Parse(endLsn) > Lsn.Parse(range.EndLsn) ? await WaitForArchiveAsync(source.Id, timeline, (long)first, (long)last, lastFile, cancellationToken) : [];

        var index = JsonSerializer.SerializeToUtf8Bytes(covered.Select(s => new { s.FileName, s.StoragePath, s.FileSizeBytes, s.ChecksumSha256, s.PlaintextSha256 }));
        await using var writer = await ArtifactWriter.BeginAsync(storage, keys, job.StoragePath!, compress: false, cancellationToken);
        await writer.Input.WriteAsync(index, cancellationToken);
        var stored = await writer.CommitAsync(cancellationToken);
        var details = Details(serverVersion, stored, clock) with
        {
            Notes = notes,
            Wal = new WalRange
            {
                StartLsn = range.EndLsn,
                EndLsn = endLsn,
                Timeline = timeline,
                BaseBackupId = baseId,
                Segments = [.. covered.Select(s => s.FileName)],
                WalBytes = covered.Sum(s => s.FileSizeBytes),
                FirstCommitAt = covered.Min(s => s.FirstCommitAt),
                LastCommitAt = covered.Max(s => s.LastCommitAt),
            },
        };
        return (stored, details);
    }

    private BackupDetails Details(string serverVersion, StoredArtifact stored, Stopwatch clock) => new()
    {
        ServerVersion = serverVersion,
        ToolVersion = tools.VersionText,
        PlaintextBytes = stored.PlaintextBytes,
        PlaintextSha256 = stored.PlaintextSha256,
        DurationSeconds = clock.Elapsed.TotalSeconds,
    };

    /// <summary>Waits until the archive holds every segment from <paramref name="first"/> to <paramref name="last"/>, without a gap.</summary>
    private async Task<List<WalSegment>> WaitForArchiveAsync(Guid sourceId, int timeline, long first, long last, string lastFile, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.Value.ArchiveWaitTimeout;
        while (true)
        {
            var segments = await archive.SegmentsAsync(sourceId, cancellationToken);
            var (chain, gaps) = await archive.ChainAsync(segments, timeline, first, cancellationToken);
            var covered = chain.Where(s => s.SegmentNumber <= last).ToList();
            if (gaps.FirstOrDefault(g => chain.First(s => s.FileName == g.BeforeSegment).SegmentNumber <= last) is { } gap)
                throw new InvalidOperationException($"{gap.Reason} Take a base backup to start a new chain.");
            if (covered.Count == last - first + 1) return covered;
            if (DateTimeOffset.UtcNow > deadline)
                throw new TimeoutException($"The WAL archive did not receive the WAL up to {lastFile} within {options.Value.ArchiveWaitTimeout.TotalSeconds} s; is the source's WAL receiver running (see walReceiverError)?");
            await Task.Delay(250, cancellationToken);
        }
    }

    private async Task<long?> PreviousPlainBytesAsync(Guid sourceId, CancellationToken cancellationToken)
    {
        var previous = await db.BackupJobs.AsNoTracking()
            .Where(j => j.SourceId == sourceId && j.BackupType == BackupType.Base && j.Status == JobStatus.Completed)
            .OrderByDescending(j => j.CompletedAt).Select(j => j.Details).FirstOrDefaultAsync(cancellationToken);
        return previous?.PlaintextBytes;
    }

    [GeneratedRegex(@"write-ahead log start point: ([0-9A-F]+/[0-9A-F]+) on timeline (\d+)")]
    private static partial Regex StartPoint();

    [GeneratedRegex(@"write-ahead log end point: ([0-9A-F]+/[0-9A-F]+)")]
    private static partial Regex EndPoint();
}
